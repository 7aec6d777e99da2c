// The `diarization` option: type checks, which models a request uses (the store's by default),
// absent store models as a reason (or an error when required), a named absent file always an
// error, a replaced model file a new cache key, and the decoded chunks joined in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import {
  DEFAULT_CLUSTER_THRESHOLD,
  diarizationParam,
  planDiarization,
  planKey,
} from '../../../../daemon/jobs/transcriptDiarization';
import { storedDiarizationModels } from '../../../../daemon/diarization/diarizationModelStore';
import { SampleChannel } from '../../../../daemon/diarization/sampleChannel';
import { tempDir } from '../../../helpers/paths';

const m = 'transcribe/file';
const code = (c: number) => (e: unknown) => e instanceof SenseVoiceError && e.code === c;

test('diarizationParam: absent is undefined, {} is the defaults, wrong types are InvalidParams', () => {
  assert.equal(diarizationParam({}, m), undefined);
  assert.equal(diarizationParam({ diarization: null }, m), undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(diarizationParam({ diarization: {} }, m))), {});
  assert.deepEqual(
    diarizationParam({ diarization: { numSpeakers: 2, threshold: 0.7, segmentationModel: '/s.onnx' } }, m),
    {
      segmentationModel: '/s.onnx',
      embeddingModel: undefined,
      numSpeakers: 2,
      threshold: 0.7,
      required: undefined,
      profiles: undefined,
      profileThreshold: undefined,
    },
  );
  for (const bad of [
    true,
    'yes',
    [],
    { numSpeakers: 1.5 },
    { numSpeakers: -1 },
    { threshold: 'x' },
    { required: 1 },
    { profiles: {} },
    { profiles: [{ name: 'A' }] },
    { profileThreshold: 2 },
  ])
    assert.throws(() => diarizationParam({ diarization: bad }, m), code(ErrorCode.InvalidParams), JSON.stringify(bad));
});

test('planDiarization: the store models by default; absent ones give a reason, or an error when required', async () => {
  const store = tempDir('diarization-plan-store');
  const none = await planDiarization({}, store);
  assert.ok('unavailable' in none);
  assert.match(none.unavailable, /^transcript without speakers: .*segmentation\.onnx/);
  assert.ok(none.unavailable.includes(path.join(store, 'diarization', 'segmentation.onnx')));
  await assert.rejects(planDiarization({ required: true }, store), code(ErrorCode.DiarizationModelNotFound));
  // A file the request names is never silently skipped.
  await assert.rejects(
    planDiarization({ segmentationModel: path.join(store, 'nope.onnx') }, store),
    code(ErrorCode.DiarizationModelNotFound),
  );

  const files = storedDiarizationModels(store);
  fs.mkdirSync(path.dirname(files.segmentation), { recursive: true });
  fs.writeFileSync(files.segmentation, 'seg');
  fs.writeFileSync(files.embedding, 'emb');
  const planned = await planDiarization({ numSpeakers: 3 }, store);
  assert.ok('plan' in planned);
  assert.equal(planned.plan.files.segmentation.path, files.segmentation);
  assert.equal(planned.plan.files.embedding.size, 3);
  assert.equal(planned.plan.numSpeakers, 3);
  assert.equal(planned.plan.threshold, DEFAULT_CLUSTER_THRESHOLD);

  // The cache key: a replaced model, another count or threshold is another key; the same plan the same.
  const key = JSON.stringify(planKey(planned.plan));
  const same = await planDiarization({ numSpeakers: 3 }, store);
  assert.ok('plan' in same);
  assert.equal(JSON.stringify(planKey(same.plan)), key);
  const other = await planDiarization({ numSpeakers: 2 }, store);
  assert.ok('plan' in other);
  assert.notEqual(JSON.stringify(planKey(other.plan)), key);
  fs.writeFileSync(files.embedding, 'another model');
  const replaced = await planDiarization({ numSpeakers: 3 }, store);
  assert.ok('plan' in replaced);
  assert.notEqual(JSON.stringify(planKey(replaced.plan)), key);
  assert.equal(planKey(null), null);
});

test('SampleChannel: chunks in order, the writer waits while the reader lags, an error reaches the reader', async () => {
  const c = new SampleChannel(3);
  assert.equal(c.push(new Float32Array([1, 2])), undefined);
  let released = false;
  const waiting = c.push(new Float32Array([3, 4]));
  assert.ok(waiting instanceof Promise);
  void waiting.then(() => (released = true));
  const seen: number[] = [];
  const it = c[Symbol.asyncIterator]();
  seen.push(...((await it.next()).value as Float32Array));
  await Promise.resolve();
  assert.ok(released, 'the writer goes on once the queue is short again');
  c.push(new Float32Array([]));
  c.end();
  for (let r = await it.next(); !r.done; r = await it.next()) seen.push(...r.value);
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.equal(c.pushed, 4);

  const failing = new SampleChannel();
  failing.push(new Float32Array([1]));
  failing.end(new Error('decode failed'));
  await assert.rejects(async () => {
    for await (const _ of failing) void _;
  }, /decode failed/);
});
