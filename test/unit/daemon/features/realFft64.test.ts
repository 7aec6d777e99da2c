// realFft64.ts (the double-precision power spectrum of diarization's embedding fbank) against a
// direct DFT in double, for the radix-4-only size the front end uses and sizes with a radix-2 stage,
// and with the frame shorter than the transform (zero padding).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { realPowerSpectrum64 } from '../../../../daemon/features/realFft64';
import { lcgNoise } from './helpers';

function dftPower(x: Float64Array, length: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < length; t++) {
      re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

describe('realPowerSpectrum64', () => {
  for (const [size, length] of [
    [512, 400],
    [512, 512],
    [256, 200],
    [128, 128],
    [32, 20],
    [8, 8],
  ]) {
    it(`matches a double DFT to 1e-12 of the peak (size ${size}, ${length} samples)`, () => {
      const x = new Float64Array(size);
      x.set(lcgNoise({ numSamples: length, amplitude: 1000, seed: size + length }));
      // Garbage past `length` must be ignored: those samples count as zeros.
      x.fill(12345, length);
      const out = new Float64Array(size / 2 + 1);
      realPowerSpectrum64(size).power(x, length, out);
      const ref = dftPower(x, length);
      const peak = Math.max(...ref);
      for (let k = 0; k <= size / 2; k++)
        assert.ok(Math.abs(out[k] - ref[k]) <= peak * 1e-12, `bin ${k}: ${out[k]} vs ${ref[k]}`);
    });
  }

  it('gives a flat spectrum for an impulse and all energy at DC for a constant', () => {
    const out = new Float64Array(257);
    const impulse = new Float64Array(512);
    impulse[0] = 2;
    realPowerSpectrum64(512).power(impulse, 512, out);
    assert.ok(out.every((v) => v === 4));
    realPowerSpectrum64(512).power(new Float64Array(512).fill(1), 512, out);
    assert.equal(out[0], 512 * 512);
    for (let k = 1; k <= 256; k++) assert.ok(out[k] < 1e-18, `bin ${k}: ${out[k]}`);
  });

  it('is cached per size and rejects sizes that are not powers of two', () => {
    assert.equal(realPowerSpectrum64(512), realPowerSpectrum64(512));
    assert.throws(() => realPowerSpectrum64(400), RangeError);
    assert.throws(() => realPowerSpectrum64(4), RangeError);
  });
});
