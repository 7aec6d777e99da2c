// gpu:verify's WAV reader stands in for ffmpeg on a machine without it: on the fixture clips it must
// give ffmpeg's samples bit for bit (so token ids do not depend on the decoder), and read the other
// common layouts (stereo, 8 kHz, float) as 16 kHz mono.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeAudio } from '../../../../daemon/ffmpeg/decodeAudio';
import { findOnPath } from '../../../../daemon/ffmpeg/resolveFfmpeg';
import { readWav, resample, writeWav16 } from '../../../../tools/gpuVerify/wavFile';
import { concat } from '../../../../tools/gpuVerify/audio';
import { AUDIO, fixtureClips, tempDir } from '../../../helpers/paths';
import { fmtChunk, riffChunk, riffWave } from '../../../helpers/wavBytes';

test('the fixture clips read as ffmpeg decodes them, sample for sample', async (t) => {
  const ffmpeg = findOnPath('ffmpeg', process.env.PATH);
  if (!ffmpeg) {
    t.skip('no ffmpeg on PATH to compare with');
    return;
  }
  for (const clip of fixtureClips()) {
    const file = path.join(AUDIO, clip);
    const chunks: Float32Array[] = [];
    await decodeAudio({ ffmpegPath: ffmpeg, file, onSamples: (c) => void chunks.push(c) });
    const ours = readWav(file);
    assert.equal(ours.info.sampleRate, 16_000, clip);
    assert.deepEqual(ours.samples, concat(chunks), clip);
  }
});

test('written 16-bit WAV reads back exactly; stereo is mixed down, 8 kHz resampled, float read', () => {
  const dir = tempDir('wav');
  const samples = Float32Array.from({ length: 1600 }, (_, i) => Math.round(Math.sin(i / 7) * 20000) / 32768);
  const mono = path.join(dir, 'mono.wav');
  writeWav16(mono, samples);
  assert.deepEqual(readWav(mono).samples, samples);

  const wav = (channels: number, rate: number, bits: number, format: number, data: Buffer) =>
    riffWave(fmtChunk({ tag: format, channels, rate, bits }), riffChunk('data', data));
  const stereo = Buffer.alloc(4 * 100);
  for (let i = 0; i < 100; i++) {
    stereo.writeInt16LE(16384, i * 4);
    stereo.writeInt16LE(0, i * 4 + 2);
  }
  fs.writeFileSync(path.join(dir, 'stereo.wav'), wav(2, 16_000, 16, 1, stereo));
  const s = readWav(path.join(dir, 'stereo.wav'));
  assert.equal(s.samples.length, 100);
  assert.equal(s.samples[0], 0.25);

  const low = Buffer.alloc(2 * 800);
  fs.writeFileSync(path.join(dir, '8k.wav'), wav(1, 8000, 16, 1, low));
  assert.equal(readWav(path.join(dir, '8k.wav')).samples.length, 1600, '8 kHz becomes 16 kHz');

  const float = Buffer.alloc(4 * 10);
  for (let i = 0; i < 10; i++) float.writeFloatLE(0.5, i * 4);
  fs.writeFileSync(path.join(dir, 'float.wav'), wav(1, 16_000, 32, 3, float));
  assert.deepEqual(Array.from(readWav(path.join(dir, 'float.wav')).samples), new Array(10).fill(0.5));

  fs.writeFileSync(path.join(dir, 'not.wav'), 'hello');
  assert.throws(() => readWav(path.join(dir, 'not.wav')), /not a RIFF\/WAVE file/);
  assert.deepEqual(Array.from(resample(Float32Array.of(0, 1), 1, 2)), [0, 0.5, 1, 1]);
});
