import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationRegistry } from '../../../daemon/cancellation';

test('a cancel that arrives before its request registers the token still cancels it', async () => {
  const r = new CancellationRegistry();
  assert.equal(r.cancel('t1'), false, 'unknown yet');
  const seen = await r.run('t1', async (signal) => signal.aborted);
  assert.equal(seen, true);
  assert.equal(await r.run('t1', async (signal) => signal.aborted), false, 'remembered once only');
});

test('cancel aborts a running token; other tokens and token-less work are unaffected', async () => {
  const r = new CancellationRegistry();
  let a: AbortSignal | undefined;
  let b: AbortSignal | undefined;
  const pa = r.run('a', (s) => ((a = s), new Promise((res) => s.addEventListener('abort', () => res('a-aborted')))));
  const pb = r.run('b', async (s) => ((b = s), 'b-done'));
  const pc = r.run(undefined, async (s) => s.aborted);
  assert.equal(r.cancel('a'), true);
  assert.equal(await pa, 'a-aborted');
  assert.equal(await pb, 'b-done');
  assert.equal(await pc, false);
  assert.equal(a?.aborted, true);
  assert.equal(b?.aborted, false);
  assert.equal(r.size, 0);
});

test('forgotten early cancels are bounded', () => {
  const r = new CancellationRegistry();
  for (let i = 0; i < 5000; i++) r.cancel(`never-${i}`);
  assert.ok((r as unknown as { early: Set<string> }).early.size <= 1024);
});

test('cancelAll reaches requests sent without a token (the client left)', async () => {
  const r = new CancellationRegistry();
  let seen: AbortSignal | undefined;
  const running = r.run(undefined, (signal) => {
    seen = signal;
    return new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('aborted')));
  });
  assert.equal(r.size, 1);
  r.cancelAll();
  assert.equal(await running, 'aborted');
  assert.equal(seen?.aborted, true);
  assert.equal(r.size, 0);
});
