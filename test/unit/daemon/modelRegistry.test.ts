// The loaded model shared by every client: a switch retires the old engine once its jobs end, and a
// job never starts on an engine already being disposed (the shared-daemon race where a cli call's
// settings retired the window's model between its load and the job retaining it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countedEngine, ModelRegistry, type EngineLoader } from '../../../daemon/modelRegistry';
import type { BatchScheduler } from '../../../daemon/jobs/batchScheduler';
import type { ModelInfo } from '../../../common/protocol';

function fakeLoader() {
  const workers: { dir: string; threads: number; alive: boolean; disposals: number }[] = [];
  const loader: EngineLoader = async (request) => {
    const w = {
      dir: request.dir,
      threads: request.threads,
      alive: true,
      disposals: 0,
      async dispose() {
        w.disposals++;
        w.alive = false;
      },
    };
    workers.push(w);
    return countedEngine({ modelFile: request.dir } as ModelInfo, {} as BatchScheduler, w);
  };
  return { loader, workers };
}

const req = (threads: number) => ({ dir: '/models/a', provider: 'cpu' as const, threads });

test('a switch retires the old engine only when its last job ends', async () => {
  const { loader, workers } = fakeLoader();
  const r = new ModelRegistry(loader);
  const job = await r.acquire(req(1));
  await r.get(req(2));
  await new Promise((res) => setImmediate(res));
  assert.equal(workers.length, 2);
  assert.equal(workers[0].disposals, 0, 'still in use by the job');
  job.release();
  job.release();
  assert.equal(workers[0].disposals, 1, 'disposed once, when the job ended');
  assert.equal(workers[1].disposals, 0);
});

test('an engine retired between loading and retaining is not used: the job gets a fresh one', async () => {
  const { loader, workers } = fakeLoader();
  const r = new ModelRegistry(loader);
  // Client a's request resolves its engine; before a's job retains it, client b switches the model
  // and back, so a's engine is retired with no user and disposed.
  const first = await r.get(req(1));
  await r.get(req(2));
  await new Promise((res) => setImmediate(res));
  assert.equal(first.retain(), null, 'disposing: it refuses new jobs');
  const { engine, release } = await r.acquire(req(1));
  assert.notEqual(engine, first);
  assert.equal(workers.length, 3, 'loaded afresh for the job');
  assert.equal(workers[2].alive, true);
  release();
  assert.equal(workers[2].disposals, 0, 'the current engine stays loaded after its job');
});

test('two clients flipping between settings while jobs run: every job runs on a live engine', async () => {
  const { loader, workers } = fakeLoader();
  const r = new ModelRegistry(loader);
  const runs = Array.from({ length: 20 }, async (_, i) => {
    const { engine, release } = await r.acquire(req(1 + (i % 2)));
    try {
      await new Promise((res) => setTimeout(res, (i * 7) % 5));
      assert.equal(engine.alive, true, `job ${i} ran on a disposed engine`);
    } finally {
      release();
    }
  });
  await Promise.all(runs);
  await new Promise((res) => setImmediate(res));
  assert.equal(workers.filter((w) => w.alive).length, 1, 'one model left loaded');
});
