import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobQueue, type JobReport } from '../../../../daemon/jobs/jobQueue';
import { ErrorCode, SenseVoiceError, type Transcript } from '../../../../common/protocol';
import { waitFor } from '../../../helpers/waitFor';

const quiet = { onSegment: () => undefined, onProgress: () => undefined };
function transcript(file: string): Transcript {
  return {
    file,
    durationSec: 1,
    model: { layout: 'sherpa', quantization: 'fp32', provider: 'cpu' },
    segments: [],
    timings: { decodeMs: 0, featuresMs: 0, inferenceMs: 0, totalMs: 0 },
  };
}

/** Work that runs until released or aborted. */
function controllable() {
  const runs: { report: JobReport; release: () => void }[] = [];
  const work = (report: JobReport) =>
    new Promise<Transcript>((resolve, reject) => {
      runs.push({ report, release: () => resolve(transcript('x')) });
      report.signal.addEventListener('abort', () =>
        setTimeout(() => reject(new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.')), 10),
      );
    });
  return { runs, work };
}

test('a second request joins: one run, both answered, replayed segments', async () => {
  const q = new JobQueue(() => 2);
  const { runs, work } = controllable();
  const a = q.run('k', work, quiet);
  await new Promise((r) => setImmediate(r));
  runs[0].report.onSegment(0, {
    start: 0,
    end: 1,
    language: 'en',
    emotion: 'NEUTRAL',
    event: 'Speech',
    text: 'hi',
    tokens: [],
  });
  const replayed: number[] = [];
  const b = q.run('k', work, { ...quiet, onSegment: (i) => replayed.push(i) });
  assert.deepEqual(replayed, [0]);
  assert.equal(q.size, 1);
  runs[0].release();
  assert.deepEqual(await a, await b);
  assert.equal(runs.length, 1);
});

test('a job whose last caller cancelled is not joined while it winds down', async () => {
  const q = new JobQueue(() => 2);
  const { runs, work } = controllable();
  const c = new AbortController();
  const first = q.run('k', work, quiet, c.signal).catch((e: unknown) => e);
  await new Promise((r) => setImmediate(r));
  c.abort();
  const second = q.run('k', work, quiet);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(runs.length, 2, 'the second request started its own job');
  runs[1].release();
  assert.equal((await second).file, 'x');
  assert.equal(((await first) as SenseVoiceError).code, ErrorCode.Cancelled);
});

test('concurrency limits how many run; the rest wait in order', async () => {
  const q = new JobQueue(() => 1);
  const { runs, work } = controllable();
  const a = q.run('a', work, quiet);
  const b = q.run('b', work, quiet);
  await new Promise((r) => setImmediate(r));
  assert.equal(runs.length, 1);
  assert.equal(q.active, 1);
  runs[0].release();
  await a;
  await new Promise((r) => setImmediate(r));
  assert.equal(runs.length, 2);
  runs[1].release();
  await b;
});

test("free slots go round-robin between owners: B's one clip starts before A's queue drains", async () => {
  const q = new JobQueue(() => 1);
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const work = (name: string) => () =>
    new Promise<Transcript>((resolve) => {
      started.push(name);
      releases.set(name, () => resolve(transcript(name)));
    });
  const done = [
    q.run('a1', work('a1'), quiet, undefined, 'A'),
    q.run('a2', work('a2'), quiet, undefined, 'A'),
    q.run('a3', work('a3'), quiet, undefined, 'A'),
    q.run('b1', work('b1'), quiet, undefined, 'B'),
    q.run('b2', work('b2'), quiet, undefined, 'B'),
  ];
  const next = async (name: string) => {
    await waitFor(() => releases.get(name), `${name} to start`);
    releases.get(name)!();
  };
  for (const name of ['a1', 'a2', 'b1', 'a3', 'b2']) await next(name);
  await Promise.all(done);
  // a1 was running; then A and B alternate (A queued first, so A goes first).
  assert.deepEqual(started, ['a1', 'a2', 'b1', 'a3', 'b2']);
});

test('without owners the queue stays first in, first out', async () => {
  const q = new JobQueue(() => 1);
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  const work = (name: string) => () =>
    new Promise<Transcript>((resolve) => {
      started.push(name);
      releases.set(name, () => resolve(transcript(name)));
    });
  const done = ['x1', 'x2', 'x3'].map((n) => q.run(n, work(n), quiet));
  for (const name of ['x1', 'x2', 'x3']) {
    await waitFor(() => releases.get(name), `${name} to start`);
    releases.get(name)!();
  }
  await Promise.all(done);
  assert.deepEqual(started, ['x1', 'x2', 'x3']);
});
