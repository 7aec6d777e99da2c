import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashBudget } from '../../../extension/crashBudget';

test('allows maxRestarts crashes in the window, refuses the next, recovers as the window slides', () => {
  let now = 1_000_000;
  const b = new CrashBudget({ maxRestarts: 3, windowMs: 180_000, now: () => now });
  assert.equal(b.recordCrash(), true);
  now += 10_000;
  assert.equal(b.recordCrash(), true);
  now += 10_000;
  assert.equal(b.recordCrash(), true);
  now += 10_000;
  assert.equal(b.recordCrash(), false, 'fourth crash within 3 minutes is over budget');
  assert.equal(b.recent, 4);
  now += 180_000 - 20_000; // the first two crashes leave the window
  assert.equal(b.recent, 2);
  assert.equal(b.recordCrash(), true);
});

test('crashes spread wider than the window never exhaust the budget', () => {
  let now = 0;
  const b = new CrashBudget({ maxRestarts: 2, windowMs: 60_000, now: () => now });
  for (let i = 0; i < 20; i++) {
    assert.equal(b.recordCrash(), true, `crash ${i}`);
    now += 31_000;
  }
});

test('reset gives a fresh budget', () => {
  const now = 0;
  const b = new CrashBudget({ maxRestarts: 1, windowMs: 60_000, now: () => now });
  b.recordCrash();
  assert.equal(b.recordCrash(), false);
  b.reset();
  assert.equal(b.recent, 0);
  assert.equal(b.recordCrash(), true);
});
