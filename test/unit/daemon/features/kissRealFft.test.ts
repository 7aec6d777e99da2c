import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kissRealFft } from '../../../../daemon/features/kissRealFft';
import { lcgNoise } from './helpers';

function dft(x: Float32Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let t = 0; t < n; t++) {
      re[k] += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im[k] -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
  }
  return { re, im };
}

describe('kissRealFft', () => {
  for (const size of [512, 256, 64, 8]) {
    it(`agrees with a double-precision DFT to float32 rounding (size ${size})`, () => {
      const x = lcgNoise({ numSamples: size, amplitude: 1000, seed: size });
      const re = new Float32Array(size / 2 + 1);
      const im = new Float32Array(size / 2 + 1);
      kissRealFft({ size }).forward({ input: x, re, im });
      const ref = dft(x);
      let peak = 0;
      for (let k = 0; k <= size / 2; k++) peak = Math.max(peak, Math.hypot(ref.re[k], ref.im[k]));
      for (let k = 0; k <= size / 2; k++) {
        const err = Math.hypot(re[k] - ref.re[k], im[k] - ref.im[k]);
        assert.ok(err < peak * 1e-5, `bin ${k}: error ${err} vs peak ${peak}`);
      }
      assert.equal(im[0], 0);
      assert.equal(im[size / 2], 0);
    });
  }

  it('gives exact results for an impulse and a constant', () => {
    const re = new Float32Array(257);
    const im = new Float32Array(257);
    const impulse = new Float32Array(512);
    impulse[0] = 1;
    kissRealFft({ size: 512 }).forward({ input: impulse, re, im });
    assert.ok(re.every((v) => v === 1) && im.every((v) => v === 0));
    kissRealFft({ size: 512 }).forward({ input: new Float32Array(512).fill(2), re, im });
    assert.equal(re[0], 1024);
    for (let k = 1; k <= 256; k++) assert.ok(Math.abs(re[k]) < 1e-3 && Math.abs(im[k]) < 1e-3);
  });

  it('is cached per size and rejects sizes it cannot factor', () => {
    assert.equal(kissRealFft({ size: 512 }), kissRealFft({ size: 512 }));
    assert.throws(() => kissRealFft({ size: 400 }), RangeError);
    assert.throws(() => kissRealFft({ size: 7 }), RangeError);
  });
});
