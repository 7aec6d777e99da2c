import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashBudget, DEFAULT_CRASH_BUDGET } from '../../../extension/crashBudget';

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

test('the budget the extension uses: 3 restarts in 3 minutes, the 4th crash within them gives up', () => {
  assert.deepEqual(DEFAULT_CRASH_BUDGET, { maxRestarts: 3, windowMs: 180_000 });
  let now = 0;
  const b = new CrashBudget({ ...DEFAULT_CRASH_BUDGET, now: () => now });
  for (const at of [0, 60_000, 120_000]) {
    now = at;
    assert.equal(b.recordCrash(), true, `crash at ${at / 1000} s is restarted`);
  }
  now = 179_999;
  assert.equal(b.recordCrash(), false, 'a 4th crash inside 3 minutes of the first is not');
  const later = new CrashBudget({ ...DEFAULT_CRASH_BUDGET, now: () => now });
  for (const at of [0, 60_000, 120_000, 180_000]) {
    now = at;
    assert.equal(
      later.recordCrash(),
      true,
      `crash at ${at / 1000} s: the first has left the 3-minute window by the 4th`,
    );
  }
});
