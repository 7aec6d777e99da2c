// Silero VAD v5 on the real clips: speech found where test/fixtures/audio/REFERENCES.txt says it is.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SileroVad } from '../../daemon/vad/sileroVad';
import { VadSegmentStream, type SpeechSegment } from '../../daemon/vad/vadSegmentStream';
import { decodeAudio } from '../../daemon/ffmpeg/decodeAudio';
import { AUDIO, DIST } from '../helpers/paths';

let vad: SileroVad;
before(async () => {
  vad = await SileroVad.load(path.join(DIST, 'silero_vad_v5.onnx'));
});

async function segmentsOf(file: string, chunk = 4000): Promise<SpeechSegment[]> {
  const segs: SpeechSegment[] = [];
  const stream = new VadSegmentStream(vad, {}, (s) => {
    segs.push(s);
  });
  const pending: Float32Array[] = [];
  await decodeAudio({ ffmpegPath: 'ffmpeg', file, onSamples: (c) => void pending.push(c) });
  const all = new Float32Array(pending.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of pending) {
    all.set(c, o);
    o += c.length;
  }
  for (let i = 0; i < all.length; i += chunk) await stream.push(all.subarray(i, i + chunk));
  await stream.end();
  return segs;
}

test('en.wav: speech at about 1.1-6.9 s; zh.wav: about 0.8-5.1 s', async () => {
  for (const [clip, from, to] of [
    ['sense_voice/en.wav', 1.1, 6.9],
    ['sense_voice/zh.wav', 0.8, 5.1],
  ] as const) {
    const segs = await segmentsOf(path.join(AUDIO, clip));
    assert.ok(segs.length >= 1, clip);
    const start = segs[0].start / 16000;
    const end = segs.at(-1)!.end / 16000;
    assert.ok(Math.abs(start - from) <= 0.3, `${clip}: speech starts at ${start.toFixed(2)} s, expected about ${from}`);
    assert.ok(Math.abs(end - to) <= 0.3, `${clip}: speech ends at ${end.toFixed(2)} s, expected about ${to}`);
    for (const s of segs) assert.equal(s.samples.length, s.end - s.start);
  }
});

test('chunk sizes do not change the segments', async () => {
  const file = path.join(AUDIO, 'librispeech/1221-135766-0001.wav');
  const a = await segmentsOf(file, 1000);
  const b = await segmentsOf(file, 77_777);
  assert.deepEqual(
    a.map((s) => [s.start, s.end]),
    b.map((s) => [s.start, s.end]),
  );
});
