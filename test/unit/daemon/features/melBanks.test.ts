import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inverseMelScale, kaldiMelBanks, melScale } from '../../../../daemon/features/melBanks';

const SENSE_VOICE = { numBins: 80, fftSize: 512, sampleRate: 16000, lowFreq: 20, highFreq: 0 } as const;

// Independent double-precision reference for the Kaldi construction.
const mel = (hz: number): number => 1127 * Math.log(1 + hz / 700);
const hz = (m: number): number => 700 * (Math.exp(m / 1127) - 1);
function referenceEdges(
  bin: number,
  lowHz: number,
  highHz: number,
  numBins: number,
): { left: number; center: number; right: number } {
  const lo = mel(lowHz);
  const delta = (mel(highHz) - lo) / (numBins + 1);
  return { left: hz(lo + bin * delta), center: hz(lo + (bin + 1) * delta), right: hz(lo + (bin + 2) * delta) };
}

describe('melScale', () => {
  it('is 1127 ln(1 + f / 700) in float32', () => {
    assert.equal(melScale(0), 0);
    assert.ok(Math.abs(melScale(700) - 1127 * Math.log(2)) < 1e-3);
    assert.ok(Math.abs(melScale(1000) - 999.985) < 1e-2);
    assert.ok(Math.abs(inverseMelScale(melScale(4000)) - 4000) < 0.01);
  });
});

describe('kaldiMelBanks', () => {
  const banks = kaldiMelBanks(SENSE_VOICE);

  it('has 80 filters over the 256 FFT bins below Nyquist', () => {
    assert.equal(banks.numBins, 80);
    assert.equal(banks.numFftBins, 256);
    assert.equal(banks.matrix.length, 80 * 256);
  });

  it('puts edges and centres where the mel formula says (checked for a few bins)', () => {
    for (const bin of [0, 1, 17, 40, 78, 79]) {
      const ref = referenceEdges(bin, 20, 8000, 80);
      assert.ok(Math.abs(banks.leftHz[bin] - ref.left) < 0.01, `bin ${bin} left ${banks.leftHz[bin]} vs ${ref.left}`);
      assert.ok(
        Math.abs(banks.centerHz[bin] - ref.center) < 0.01,
        `bin ${bin} centre ${banks.centerHz[bin]} vs ${ref.center}`,
      );
      assert.ok(
        Math.abs(banks.rightHz[bin] - ref.right) < 0.01,
        `bin ${bin} right ${banks.rightHz[bin]} vs ${ref.right}`,
      );
    }
    assert.ok(Math.abs(banks.leftHz[0] - 20) < 0.01);
    assert.ok(Math.abs(banks.rightHz[79] - 8000) < 0.1);
    // Neighbouring triangles share edges: the right edge of one is the centre of the next.
    assert.equal(banks.centerHz[10], banks.leftHz[11]);
    assert.equal(banks.rightHz[10], banks.centerHz[11]);
  });

  it('builds triangles: weight (mel - left) / (centre - left) rising, (right - mel) / (right - centre) falling', () => {
    for (const bin of [0, 5, 33, 79]) {
      const ref = referenceEdges(bin, 20, 8000, 80);
      const [l, c, r] = [mel(ref.left), mel(ref.center), mel(ref.right)];
      for (let i = 0; i < 256; i++) {
        const m = mel(i * 31.25);
        const expected = m > l && m < r ? (m <= c ? (m - l) / (c - l) : (r - m) / (r - c)) : 0;
        assert.ok(
          Math.abs(banks.matrix[bin * 256 + i] - expected) < 2e-4,
          `bin ${bin} fft ${i}: ${banks.matrix[bin * 256 + i]} vs ${expected}`,
        );
      }
    }
  });

  it('keeps the sparse rows and the dense matrix consistent', () => {
    for (let bin = 0; bin < 80; bin++) {
      const first = banks.firstIndex[bin];
      const w = banks.weights[bin];
      assert.ok(w.length > 0);
      for (let i = 0; i < 256; i++) {
        const inside = i >= first && i < first + w.length;
        assert.equal(banks.matrix[bin * 256 + i], inside ? w[i - first] : 0);
      }
      // Every stored weight is strictly inside the triangle.
      for (const v of w) assert.ok(v > 0 && v <= 1);
    }
    // The first filter starts at FFT bin 1 (31.25 Hz), just above the 20 Hz edge.
    assert.equal(banks.firstIndex[0], 1);
  });

  it('treats highFreq <= 0 as an offset from Nyquist, as Kaldi does', () => {
    const b = kaldiMelBanks({ ...SENSE_VOICE, highFreq: -400 });
    assert.ok(Math.abs(b.rightHz[79] - 7600) < 0.1);
    const same = kaldiMelBanks({ ...SENSE_VOICE, highFreq: 8000 });
    assert.deepEqual(same.matrix, banks.matrix);
  });

  it('is cached per options and rejects bad settings', () => {
    assert.equal(kaldiMelBanks({ ...SENSE_VOICE }), banks);
    assert.throws(() => kaldiMelBanks({ ...SENSE_VOICE, numBins: 2 }), RangeError);
    assert.throws(() => kaldiMelBanks({ ...SENSE_VOICE, highFreq: 9000 }), /bad frequency range/);
    assert.throws(() => kaldiMelBanks({ ...SENSE_VOICE, lowFreq: 8000 }), /bad frequency range/);
    assert.throws(() => kaldiMelBanks({ ...SENSE_VOICE, numBins: 400 }), /empty/);
  });
});
