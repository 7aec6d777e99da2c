// The batch scheduler on a fake worker: how segments are grouped, and that int8 models never share
// a batch (their dynamic quantisation would make a segment's result depend on its neighbours).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchScheduler } from '../../../../daemon/jobs/batchScheduler';
import type { InferenceWorker } from '../../../../daemon/workers/inferenceWorkerClient';
import type { WorkItem } from '../../../../daemon/workers/workerMessages';

function fakeWorker(quantization: 'int8' | 'fp32'): { worker: InferenceWorker; batches: number[][] } {
  const batches: number[][] = [];
  const worker = {
    info: { quantization },
    async run(items: WorkItem[]) {
      batches.push(items.map((i) => i.offsetSec));
      await new Promise((r) => setTimeout(r, 5));
      return { results: items.map(() => ({ segment: null })), featuresMs: 1, inferenceMs: 2 };
    },
  } as unknown as InferenceWorker;
  return { worker, batches };
}

function item(offsetSec: number, seconds: number): WorkItem {
  return {
    samples: new Float32Array(seconds * 16_000),
    offsetSec,
    language: 'auto',
    itn: true,
    banEmotionUnknown: false,
  };
}

async function runAll(quantization: 'int8' | 'fp32', batchSize: number, lengths: number[]): Promise<number[][]> {
  const { worker, batches } = fakeWorker(quantization);
  const s = new BatchScheduler(worker, () => ({ batchSize, batchSeconds: 60 }));
  await Promise.all(lengths.map((sec, i) => s.submit(item(i, sec))));
  return batches;
}

test('fp32: the first segment runs at once, the rest of similar length share batches up to the batch size', async () => {
  assert.deepEqual(await runAll('fp32', 4, [5, 5, 5, 5, 5, 5]), [[0], [1, 2, 3, 4], [5]]);
});

test('fp32: segments of very different lengths do not share a batch', async () => {
  assert.deepEqual(await runAll('fp32', 4, [5, 5, 20, 5]), [[0], [1, 3], [2]]);
});

test('batch size 1 runs one segment at a time', async () => {
  assert.deepEqual(await runAll('fp32', 1, [5, 5, 5]), [[0], [1], [2]]);
});

test('int8 models run one segment at a time whatever the batch size', async () => {
  assert.deepEqual(await runAll('int8', 4, [5, 5, 5, 5]), [[0], [1], [2], [3]]);
});
