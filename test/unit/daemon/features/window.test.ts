import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hammingWindow } from '../../../../daemon/features/window';

describe('hammingWindow (Kaldi)', () => {
  it('is 0.54 - 0.46 cos(2 pi i / (N - 1)): 0.08 at both ends', () => {
    const w = hammingWindow({ length: 400 });
    assert.equal(w.length, 400);
    assert.equal(w[0], Math.fround(0.54 - 0.46));
    assert.equal(w[399], Math.fround(0.54 - 0.46 * Math.cos(2 * Math.PI)));
    assert.ok(Math.abs(w[0] - 0.08) < 1e-7 && Math.abs(w[399] - 0.08) < 1e-7);
  });

  it('is symmetric and peaks at 1 in the middle', () => {
    const w = hammingWindow({ length: 5 });
    const expected = [0.08, 0.54, 1, 0.54, 0.08];
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(w[i] - expected[i]) < 1e-7, `w[${i}] = ${w[i]}`);
    const w400 = hammingWindow({ length: 400 });
    for (let i = 0; i < 200; i++) assert.ok(Math.abs(w400[i] - w400[399 - i]) < 1e-7);
    assert.ok(w400[199] > 0.9999 && w400[199] < 1);
  });

  it('computes each value in double and rounds it to float32 once', () => {
    const w = hammingWindow({ length: 400 });
    const a = (2 * Math.PI) / 399;
    for (const i of [1, 57, 123, 200, 398]) assert.equal(w[i], Math.fround(0.54 - 0.46 * Math.cos(a * i)));
  });

  it('is cached per length and rejects nonsense', () => {
    assert.equal(hammingWindow({ length: 400 }), hammingWindow({ length: 400 }));
    assert.throws(() => hammingWindow({ length: 1 }), RangeError);
    assert.throws(() => hammingWindow({ length: 10.5 }), RangeError);
  });
});
