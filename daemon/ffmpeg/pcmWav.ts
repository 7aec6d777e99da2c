// A file that is already what inference reads — a whole WAV of 16-bit PCM, mono, 16 kHz — is read
// straight from disk instead of through an ffmpeg process: ffmpeg would only turn each sample x into
// x / 32768, which this does to the same float (the samples are identical, test/integration/pcmWav.test.ts).
// That is the recordings this tool makes itself at 16 kHz, the benchmark's inputs and many prepared
// clips; on the 2-minute benchmark input ffmpeg cost 0.24 s of CPU and a process start on the
// two cores inference shares (`npx tsx bench/run.ts --quick`, "apart" line). Anything else — other
// rates, stereo, other codecs, a data chunk cut short or of unknown length — goes to ffmpeg, which
// also says what is wrong with damaged files.
import fs from 'node:fs';

export interface PcmWav {
  /** Byte offset of the samples. */
  dataOffset: number;
  /** Bytes of samples (2 per sample). */
  dataBytes: number;
}

const HEAD_BYTES = 64 * 1024;
// WAVE_FORMAT_EXTENSIBLE's sub-format for PCM: KSDATAFORMAT_SUBTYPE_PCM.
const PCM_GUID_TAIL = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);

/** Where the samples of a whole 16 kHz mono 16-bit PCM WAV are, or null for anything else. */
export function parsePcmWav(head: Buffer, fileSize: number): PcmWav | null {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE')
    return null;
  let pos = 12;
  let formatOk = false;
  while (pos + 8 <= head.length) {
    const id = head.toString('latin1', pos, pos + 4);
    const size = head.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > head.length) return null;
      formatOk = isMono16kPcm16(head.subarray(body, body + size));
      if (!formatOk) return null;
    } else if (id === 'data') {
      // (a data chunk before its format, or one that runs past the end of the file: ffmpeg's to judge)
      if (!formatOk || size === 0 || size % 2 !== 0 || body + size > fileSize) return null;
      return { dataOffset: body, dataBytes: size };
    }
    pos = body + size + (size % 2);
  }
  return null;
}

function isMono16kPcm16(fmt: Buffer): boolean {
  const tag = fmt.readUInt16LE(0);
  const pcm =
    tag === 1 ||
    (tag === 0xfffe && fmt.length >= 40 && fmt.readUInt16LE(24) === 1 && fmt.subarray(26, 40).equals(PCM_GUID_TAIL));
  return (
    pcm &&
    fmt.readUInt16LE(2) === 1 && // channels
    fmt.readUInt32LE(4) === 16_000 && // sample rate
    fmt.readUInt16LE(12) === 2 && // block align
    fmt.readUInt16LE(14) === 16 // bits per sample
  );
}

/** Reads the head of `file` and parses it; null when it is not such a WAV (or cannot be read). */
export async function openPcmWav(file: string): Promise<PcmWav | null> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(file, 'r');
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return parsePcmWav(head.subarray(0, bytesRead), size);
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

const CHUNK_BYTES = 128 * 1024;

/**
 * Delivers the samples in chunks as float32 (x / 32768, as ffmpeg's pcm_f32le output), awaiting the
 * consumer before reading on; stops with `abort()` when the signal fires.
 */
export async function readPcmWav(
  file: string,
  wav: PcmWav,
  onSamples: (chunk: Float32Array) => void | Promise<void>,
  aborted: () => boolean,
): Promise<number> {
  const fh = await fs.promises.open(file, 'r');
  try {
    // (WAV is little-endian, as every platform onnxruntime-node ships for)
    const bytes = new Uint8Array(CHUNK_BYTES);
    const pcm = new Int16Array(bytes.buffer);
    let done = 0;
    while (done < wav.dataBytes) {
      if (aborted()) return done / 2;
      const want = Math.min(CHUNK_BYTES, wav.dataBytes - done);
      const { bytesRead } = await fh.read(bytes, 0, want, wav.dataOffset + done);
      if (bytesRead < want)
        throw new Error(`${file} changed while it was read (${done + bytesRead} of ${wav.dataBytes} bytes)`);
      const out = new Float32Array(want / 2);
      for (let i = 0; i < out.length; i++) out[i] = pcm[i] / 32768;
      done += want;
      await onSamples(out);
    }
    return done / 2;
  } finally {
    await fh.close();
  }
}
