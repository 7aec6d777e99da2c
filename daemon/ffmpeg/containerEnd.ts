// What a file's own header and last bytes say about its end, read without ffmpeg: a WAV's data size
// (ffmpeg reads a WAV whose header promises more than the file holds to its end and reports the
// shorter length as if nothing were missing) and whether an Ogg file's last page is whole and marks
// the end of its stream (a recording cut by a crash has neither). Two small reads of the head and the
// tail, whatever the file's size: no second decode. A WAV's format and where its samples start come
// from the same read: decodeAudio reads a whole 16 kHz mono 16-bit one without ffmpeg (pcmWav.ts).
import fs from 'node:fs';
import { id3LengthSec } from './id3Length';

/** A WAV's format chunk; `codec` is WAVE_FORMAT_EXTENSIBLE's sub-format where it names a standard one. */
export interface WavFormat {
  codec: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

/** What the container says about its length and its end. */
export type ContainerEnd =
  /**
   * A WAV whose data chunk says how many bytes of audio to expect, where they start, and its format
   * (null when the format chunk is cut off in the head).
   */
  | {
      kind: 'wav';
      dataBytes: number;
      byteRate: number;
      presentBytes: number;
      dataOffset: number;
      format: WavFormat | null;
    }
  /** A WAV whose sizes were never written (0 or 0xFFFFFFFF placeholders: the writer stopped early). */
  | { kind: 'wav-unsized' }
  /** An Ogg file: its last page is cut short, or whole without the end-of-stream flag. */
  | { kind: 'ogg'; lastPageComplete: boolean; endOfStream: boolean }
  /**
   * Another format, or a header this reader does not know: ffmpeg's Duration is the promise, and an
   * ID3 tag's TLEN where ffmpeg only estimates (id3Length.ts).
   */
  | { kind: 'other'; id3LengthSec?: number };

const HEAD_BYTES = 64 * 1024;
/** The largest Ogg page: 27-byte header, 255 lacing values, 255 segments of 255 bytes. */
const OGG_MAX_PAGE = 27 + 255 + 255 * 255;

/** PCM, IEEE float, A-law, mu-law and WAVE_FORMAT_EXTENSIBLE: a byte rate that is exact. */
const CONSTANT_RATE_WAV_FORMATS = new Set([1, 3, 6, 7, 0xfffe]);
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
// The tail shared by the standard KSDATAFORMAT_SUBTYPE GUIDs; their first two bytes are the format code.
const SUBTYPE_GUID_TAIL = Buffer.from([
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
]);

/** Reads the head (and for Ogg the tail) of `file` and says what its container promises. */
export async function readContainerEnd(file: string): Promise<ContainerEnd> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await fh.read(head, 0, head.length, 0);
    if (isWav(head)) return wavEnd(head, size);
    if (head.length >= 4 && head.toString('latin1', 0, 4) === 'OggS') {
      const tailLength = Math.min(size, OGG_MAX_PAGE + 4096);
      const tail = Buffer.alloc(tailLength);
      await fh.read(tail, 0, tailLength, size - tailLength);
      return oggEnd(tail, size - tailLength);
    }
    const tlen = id3LengthSec(head);
    return tlen === null ? { kind: 'other' } : { kind: 'other', id3LengthSec: tlen };
  } finally {
    await fh.close();
  }
}

function isWav(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
}

/** The data chunk's promise against the bytes the file has after it; `size` is the whole file's. */
export function wavEnd(head: Buffer, size: number): ContainerEnd {
  if (!isWav(head)) return { kind: 'other' };
  let byteRate = 0;
  let format = 0;
  let parsed: WavFormat | null = null;
  let off = 12;
  while (off + 8 <= head.length) {
    const id = head.toString('latin1', off, off + 4);
    const chunk = head.readUInt32LE(off + 4);
    if (id === 'fmt ' && off + 20 <= head.length) {
      format = head.readUInt16LE(off + 8);
      byteRate = head.readUInt32LE(off + 16);
      parsed = chunk >= 16 ? wavFormat(head.subarray(off + 8, off + 8 + chunk)) : null;
    }
    if (id === 'data') {
      const present = Math.max(0, size - (off + 8));
      // ffmpeg writes 0xFFFFFFFF until it finishes; other recorders write 0 or 0x7FFFFFFF-ish placeholders.
      if (chunk === 0 ? present > 0 : chunk >= 0x7fff_0000) return { kind: 'wav-unsized' };
      if (!CONSTANT_RATE_WAV_FORMATS.has(format) || byteRate <= 0) return { kind: 'other' };
      return { kind: 'wav', dataBytes: chunk, byteRate, presentBytes: present, dataOffset: off + 8, format: parsed };
    }
    if (chunk >= 0x7fff_0000) break;
    off += 8 + chunk + (chunk % 2);
  }
  return { kind: 'other' };
}

/** The format chunk's fields, or null when the head cuts it short. */
function wavFormat(fmt: Buffer): WavFormat | null {
  if (fmt.length < 16) return null;
  let codec = fmt.readUInt16LE(0);
  if (codec === WAVE_FORMAT_EXTENSIBLE && fmt.length >= 40 && fmt.subarray(26, 40).equals(SUBTYPE_GUID_TAIL))
    codec = fmt.readUInt16LE(24);
  return {
    codec,
    channels: fmt.readUInt16LE(2),
    sampleRate: fmt.readUInt32LE(4),
    blockAlign: fmt.readUInt16LE(12),
    bitsPerSample: fmt.readUInt16LE(14),
  };
}

interface OggPage {
  end: number;
  complete: boolean;
  flags: number;
}

const OGG_CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x8000_0000 ? (r << 1) ^ 0x04c1_1db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** Ogg's page checksum (CRC-32, polynomial 0x04c11db7, unreflected), with the checksum field as zeros. */
function oggCrc(page: Buffer): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : page[i];
    crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  }
  return crc;
}

function oggPageAt(b: Buffer, at: number): OggPage | null {
  if (b.toString('latin1', at, at + 4) !== 'OggS') return null;
  if (at + 27 > b.length) return { end: b.length, complete: false, flags: 0 };
  if (b[at + 4] !== 0) return null; // stream structure version: always 0
  const flags = b[at + 5];
  const segments = b[at + 26];
  if (at + 27 + segments > b.length) return { end: b.length, complete: false, flags };
  let body = 0;
  for (let i = 0; i < segments; i++) body += b[at + 27 + i];
  const end = at + 27 + segments + body;
  if (end > b.length) return { end: b.length, complete: false, flags };
  // "OggS" also occurs inside compressed data: a whole page counts only with its checksum right.
  return oggCrc(b.subarray(at, end)) === b.readUInt32LE(at + 22) ? { end, complete: true, flags } : null;
}

/**
 * The last page of an Ogg file's tail (`tail` from `tailStart`, 0 when it is the whole file). A
 * cut page counts only when reached from a whole page before it, or at the very start of the file,
 * so "OggS" inside the data before the first page boundary cannot pass for a cut page.
 */
export function oggEnd(tail: Buffer, tailStart = 0): ContainerEnd {
  for (let start = tail.indexOf('OggS'); start >= 0; start = tail.indexOf('OggS', start + 1)) {
    let at = start;
    for (;;) {
      const page = oggPageAt(tail, at);
      if (!page) break;
      if (!page.complete) {
        if (at === start && !(tailStart === 0 && start === 0)) break;
        return { kind: 'ogg', lastPageComplete: false, endOfStream: false };
      }
      if (page.end === tail.length)
        return { kind: 'ogg', lastPageComplete: true, endOfStream: (page.flags & 0x04) !== 0 };
      at = page.end;
    }
  }
  return { kind: 'other' };
}
