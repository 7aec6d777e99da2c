// The VAD model called in place through onnxruntime-node's native binding (daemon/vad/vadSession.ts):
// this version of the package has it, and it gives the public API's probabilities to the bit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SileroVad, VAD_WINDOW } from '../../daemon/vad/sileroVad';
import { decodeAudio } from '../../daemon/ffmpeg/decodeAudio';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { AUDIO, DIST, tempDir } from '../helpers/paths';

const MODEL = path.join(DIST, 'silero_vad_v5.onnx');
let native: SileroVad;
let publicApi: SileroVad;

before(async () => {
  native = await SileroVad.load(MODEL);
  publicApi = await SileroVad.load(MODEL, 'public');
});
after(async () => {
  await native.dispose();
  await publicApi.dispose();
});

async function probabilities(vad: SileroVad, samples: Float32Array): Promise<Float32Array> {
  const stream = vad.createStream();
  const out = new Float32Array(Math.ceil(samples.length / VAD_WINDOW));
  for (let i = 0; i < out.length; i++)
    out[i] = await vad.probability(stream, samples.subarray(i * VAD_WINDOW, (i + 1) * VAD_WINDOW));
  return out;
}

test('this onnxruntime-node has the native binding; the public API is there to fall back on', () => {
  assert.equal(native.sessionKind, 'native');
  assert.equal(publicApi.sessionKind, 'public');
});

test('both give the same probabilities, to the bit, on a real clip (speech and silence)', async () => {
  const chunks: Float32Array[] = [];
  await decodeAudio({
    ffmpegPath: 'ffmpeg',
    file: path.join(AUDIO, 'sense_voice/en.wav'),
    onSamples: (c) => void chunks.push(c),
  });
  const samples = Float32Array.from(chunks.flatMap((c) => [...c]));
  const a = await probabilities(native, samples);
  const b = await probabilities(publicApi, samples);
  assert.deepEqual(a, b);
  assert.ok(a.some((p) => p > 0.9) && a.some((p) => p < 0.1), 'the clip has speech and silence');
});

test('a file that is not a model: ModelInvalid naming it, on either path', async () => {
  const bad = path.join(tempDir('vad-session-'), 'silero_vad_v5.onnx');
  fs.writeFileSync(bad, 'not a model');
  for (const prefer of ['native', 'public'] as const) {
    await assert.rejects(SileroVad.load(bad, prefer), (e: unknown) => {
      assert.ok(e instanceof SenseVoiceError);
      assert.equal(e.code, ErrorCode.ModelInvalid);
      assert.match(e.message, /silero_vad_v5\.onnx/);
      return true;
    });
  }
});
