import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobRegistry } from '../../../../extension/transcribe/jobRegistry';
import { runPool } from '../../../../extension/transcribe/runPool';
import { batchFraction, progressMessage } from '../../../../extension/transcribe/progressText';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}

test('a second start for a running file joins it; the job is forgotten when it ends', async () => {
  let now = 0;
  const reg = new JobRegistry<string>(1500, () => now);
  const d = deferred<string>();
  const a = reg.start('/a.wav', () => d.promise);
  assert.equal(a.kind, 'started');
  now = 10_000; // well past the throttle: still running, so joined
  const b = reg.start('/a.wav', () => Promise.resolve('never'));
  assert.equal(b.kind, 'running');
  assert.equal(b.kind === 'running' && a.kind === 'started' && b.job === a.job, true);
  d.resolve('done');
  assert.equal(await (a.kind === 'started' ? a.job.promise : null), 'done');
  assert.equal(reg.running('/a.wav'), undefined);
  assert.equal(reg.start('/a.wav', () => Promise.resolve('again')).kind, 'started');
});

test('a repeated click right after a quick job finished is throttled, later ones run', async () => {
  let now = 1000;
  const reg = new JobRegistry<number>(1500, () => now);
  const first = reg.start('/b.wav', async () => 1);
  assert.equal(first.kind, 'started');
  await (first.kind === 'started' && first.job.promise);
  now += 500;
  assert.equal(reg.throttled('/b.wav'), true);
  assert.equal(reg.start('/b.wav', async () => 2).kind, 'throttled');
  assert.equal(reg.start('/other.wav', async () => 3).kind, 'started', 'other files are not throttled');
  now += 1500;
  assert.equal(reg.start('/b.wav', async () => 4).kind, 'started');
});

test('cancel aborts the job signal and a failed job is removed too', async () => {
  const reg = new JobRegistry<void>();
  let seen: AbortSignal | undefined;
  const out = reg.start('/c.wav', (signal) => {
    seen = signal;
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled'))));
  });
  assert.equal(reg.cancel('/c.wav'), true);
  assert.equal(seen?.aborted, true);
  await assert.rejects(out.kind === 'started' ? out.job.promise : Promise.resolve(), /cancelled/);
  assert.equal(reg.size, 0);
  assert.equal(reg.cancel('/c.wav'), false);
});

test('runPool keeps at most `limit` running and visits every item once', async () => {
  let active = 0;
  let peak = 0;
  const seen: number[] = [];
  await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    active++;
    peak = Math.max(peak, active);
    await new Promise((r) => setImmediate(r));
    seen.push(n);
    active--;
  });
  assert.equal(peak, 3);
  assert.deepEqual(seen.sort(), [1, 2, 3, 4, 5, 6, 7]);
  await runPool([], 2, async () => assert.fail('no items, no calls'));
});

test('the progress line: percent and segments, and for a batch which files are done and running', () => {
  assert.equal(progressMessage([{ name: 'a.wav', fraction: 0.456, segments: 1, done: false }]), '45% · 1 segment');
  const batch = [
    { name: 'a.wav', fraction: 1, segments: 12, done: true },
    { name: 'b.wav', fraction: 0.5, segments: 3, done: false },
    { name: 'c.wav', fraction: 0, segments: 0, done: false },
  ];
  assert.equal(progressMessage(batch), '50% · 15 segments · 1 of 3 files done · b.wav');
  assert.equal(progressMessage([{ name: 'a.wav', fraction: 0, segments: 0, done: false }]), 'starting…');
  assert.equal(batchFraction([]), 1);
  assert.equal(batchFraction([{ name: 'x', fraction: 7, segments: 0, done: false }]), 1, 'clamped');
});
