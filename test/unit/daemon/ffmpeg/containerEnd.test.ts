// The WAV and Ogg end facts, on headers built byte by byte and on Ogg files ffmpeg writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { oggEnd, readContainerEnd, wavEnd } from '../../../../daemon/ffmpeg/containerEnd';
import { tempDir } from '../../../helpers/paths';
import { EN, oggPageEnds } from '../../../helpers/truncatedAudio';

/** A 16 kHz mono PCM16 WAV header (44 bytes, or with a LIST chunk first) saying `dataSize`. */
function wavHeader(dataSize: number, o: { format?: number; list?: boolean } = {}): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(o.format ?? 1, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(16000, 12);
  fmt.writeUInt32LE(32000, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  const list = Buffer.alloc(o.list ? 13 + 1 : 0);
  if (o.list) {
    list.write('LIST', 0, 'latin1');
    list.writeUInt32LE(5, 4); // odd size: a pad byte follows
    list.write('INFOx', 8, 'latin1');
  }
  const data = Buffer.alloc(8);
  data.write('data', 0, 'latin1');
  data.writeUInt32LE(dataSize >>> 0, 4);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE((dataSize + 36) >>> 0, 4);
  riff.write('WAVE', 8, 'latin1');
  return Buffer.concat([riff, fmt, list, data]);
}

test('a WAV data chunk: its promise against the bytes present, after other chunks', () => {
  const h = wavHeader(64000);
  assert.deepEqual(wavEnd(h, h.length + 64000), {
    kind: 'wav',
    dataBytes: 64000,
    byteRate: 32000,
    presentBytes: 64000,
    dataOffset: 44,
    format: { codec: 1, channels: 1, sampleRate: 16000, blockAlign: 2, bitsPerSample: 16 },
  });
  assert.deepEqual(wavEnd(h, h.length + 1000), {
    kind: 'wav',
    dataBytes: 64000,
    byteRate: 32000,
    presentBytes: 1000,
    dataOffset: 44,
    format: { codec: 1, channels: 1, sampleRate: 16000, blockAlign: 2, bitsPerSample: 16 },
  });
  const l = wavHeader(64000, { list: true });
  assert.deepEqual(wavEnd(l, l.length + 32000), {
    kind: 'wav',
    dataBytes: 64000,
    byteRate: 32000,
    presentBytes: 32000,
    dataOffset: 58,
    format: { codec: 1, channels: 1, sampleRate: 16000, blockAlign: 2, bitsPerSample: 16 },
  });
});

test("a WAV whose sizes were never written (ffmpeg's 0xFFFFFFFF, another writer's 0) is unsized", () => {
  const ff = wavHeader(0xffffffff);
  assert.deepEqual(wavEnd(ff, ff.length + 5000), { kind: 'wav-unsized' });
  const zero = wavHeader(0);
  assert.deepEqual(wavEnd(zero, zero.length + 5000), { kind: 'wav-unsized' });
  // A WAV that really holds no audio is not unfinished.
  assert.deepEqual(wavEnd(zero, zero.length), {
    kind: 'wav',
    dataBytes: 0,
    byteRate: 32000,
    presentBytes: 0,
    dataOffset: 44,
    format: { codec: 1, channels: 1, sampleRate: 16000, blockAlign: 2, bitsPerSample: 16 },
  });
});

test('compressed WAV formats (whose byte rate is an average) and non-WAV data say nothing', () => {
  const adpcm = wavHeader(64000, { format: 2 });
  assert.deepEqual(wavEnd(adpcm, adpcm.length + 100), { kind: 'other' });
  assert.deepEqual(wavEnd(Buffer.from('ID3\x04 not a wav at all'), 100), { kind: 'other' });
  assert.deepEqual(wavEnd(wavHeader(64000).subarray(0, 30), 30), { kind: 'other' }, 'no data chunk in reach');
});

test('Ogg: the last page is found through page chaining and checksums, cut or whole, with or without end mark', async () => {
  const dir = tempDir('ogg-end');
  const ogg = path.join(dir, 'en.ogg');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    EN,
    '-c:a',
    'libopus',
    '-page_duration',
    '200000',
    ogg,
  ]);
  const b = fs.readFileSync(ogg);
  assert.deepEqual(oggEnd(b), { kind: 'ogg', lastPageComplete: true, endOfStream: true });
  const ends = oggPageEnds(b);
  assert.equal(ends.at(-1), b.length);
  const mid = ends[Math.floor(ends.length / 2)];
  assert.deepEqual(oggEnd(b.subarray(0, mid)), { kind: 'ogg', lastPageComplete: true, endOfStream: false });
  assert.deepEqual(oggEnd(b.subarray(0, mid + 100)), { kind: 'ogg', lastPageComplete: false, endOfStream: false });
  assert.deepEqual(
    oggEnd(b.subarray(0, mid + 10)),
    { kind: 'ogg', lastPageComplete: false, endOfStream: false },
    'cut in a page header',
  );
  // A tail that starts inside a page: the first "OggS" is found by scanning, not assumed at 0.
  assert.deepEqual(oggEnd(b.subarray(ends[1] - 7), ends[1] - 7), {
    kind: 'ogg',
    lastPageComplete: true,
    endOfStream: true,
  });
  // A flipped byte in the last page breaks its checksum: not taken for a page.
  const bad = Buffer.from(b);
  bad[ends.at(-2)! + 40] ^= 0xff;
  assert.notDeepEqual(oggEnd(bad), { kind: 'ogg', lastPageComplete: true, endOfStream: true });
  // From the file: the same answers, and other formats say nothing.
  const cut = path.join(dir, 'cut.ogg');
  fs.writeFileSync(cut, b.subarray(0, mid + 100));
  assert.deepEqual(await readContainerEnd(ogg), { kind: 'ogg', lastPageComplete: true, endOfStream: true });
  assert.deepEqual(await readContainerEnd(cut), { kind: 'ogg', lastPageComplete: false, endOfStream: false });
  assert.deepEqual(await readContainerEnd(EN), {
    kind: 'wav',
    dataBytes: 228864,
    byteRate: 32000,
    presentBytes: 228864,
    dataOffset: 44,
    format: { codec: 1, channels: 1, sampleRate: 16000, blockAlign: 2, bitsPerSample: 16 },
  });
});
