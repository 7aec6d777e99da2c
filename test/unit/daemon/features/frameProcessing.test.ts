import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyWindow, preemphasize, removeDcOffset } from '../../../../daemon/features/frameProcessing';

const close = (a: ArrayLike<number>, b: number[], tol = 1e-6): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
};

describe('frame processing (Kaldi ProcessWindow steps)', () => {
  it('removes the DC offset', () => {
    const frame = new Float32Array([1, 2, 3, 4]);
    removeDcOffset({ frame, length: 4 });
    assert.deepEqual(Array.from(frame), [-1.5, -0.5, 0.5, 1.5]);
  });

  it('only touches the first `length` samples (the FFT padding stays as it is)', () => {
    const frame = new Float32Array([2, 4, 9, 9]);
    removeDcOffset({ frame, length: 2 });
    assert.deepEqual(Array.from(frame), [-1, 1, 9, 9]);
  });

  it('pre-emphasises backwards, with x[0] -= c * x[0]', () => {
    const frame = new Float32Array([-1.5, -0.5, 0.5, 1.5]);
    preemphasize({ frame, length: 4, coeff: 0.97 });
    // By hand: 1.5 - 0.97*0.5, 0.5 + 0.97*0.5, -0.5 + 0.97*1.5, -1.5 + 0.97*1.5.
    close(frame, [-0.045, 0.955, 0.985, 1.015]);
    // And exactly as float32 C code computes it, with c = 0.97f.
    const c = Math.fround(0.97);
    const f = Math.fround;
    assert.deepEqual(Array.from(frame), [
      f(-1.5 - f(c * -1.5)),
      f(-0.5 - f(c * -1.5)),
      f(0.5 - f(c * -0.5)),
      f(1.5 - f(c * 0.5)),
    ]);
  });

  it('DC removal then pre-emphasis turns a constant into zeros', () => {
    // 400 * 8192 is exact in a float accumulator, so the mean is exactly the constant. (A constant
    // whose running sum rounds leaves a tiny residue, in Kaldi as here.)
    const frame = new Float32Array(400).fill(8192);
    removeDcOffset({ frame, length: 400 });
    preemphasize({ frame, length: 400, coeff: 0.97 });
    assert.ok(frame.every((v) => v === 0));
  });

  it('coefficient 0 leaves the frame alone; the window multiplies sample by sample', () => {
    const frame = new Float32Array([1, 2, 3]);
    preemphasize({ frame, length: 3, coeff: 0 });
    assert.deepEqual(Array.from(frame), [1, 2, 3]);
    applyWindow({ frame, window: new Float32Array([0.5, 0.25, 2]) });
    assert.deepEqual(Array.from(frame), [0.5, 0.5, 6]);
  });
});
