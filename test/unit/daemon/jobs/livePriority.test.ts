// Live segments go ahead of file jobs' waiting segments (but not ahead of each other), so a meeting
// is transcribed as it is spoken while files queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchScheduler } from '../../../../daemon/jobs/batchScheduler';
import type { InferenceWorker } from '../../../../daemon/workers/inferenceWorkerClient';
import type { WorkItem } from '../../../../daemon/workers/workerMessages';

test('priority segments run before file segments queued earlier, in their own order', async () => {
  const order: number[] = [];
  let release: () => void = () => undefined;
  const first = new Promise<void>((r) => (release = r));
  let calls = 0;
  const worker = {
    info: { quantization: 'int8' },
    async run(items: WorkItem[]) {
      if (calls++ === 0) await first;
      order.push(...items.map((i) => i.offsetSec));
      return { results: items.map(() => ({ segment: null })), featuresMs: 0, inferenceMs: 0 };
    },
  } as unknown as InferenceWorker;
  const s = new BatchScheduler(worker, () => ({ batchSize: 1, batchSeconds: 60 }));
  const item = (offsetSec: number): WorkItem => ({
    samples: new Float32Array(16_000),
    offsetSec,
    language: 'auto',
    itn: true,
    banEmotionUnknown: false,
  });
  const done = [s.submit(item(0)), s.submit(item(1)), s.submit(item(2))];
  done.push(s.submit(item(100), undefined, true), s.submit(item(101), undefined, true));
  release();
  await Promise.all(done);
  assert.deepEqual(order, [0, 100, 101, 1, 2]);
});
