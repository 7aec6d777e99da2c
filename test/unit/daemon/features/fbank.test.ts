import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeFbank,
  createFbankComputer,
  numFbankFrames,
  SENSE_VOICE_FBANK_OPTIONS,
} from '../../../../daemon/features/fbank';
import { FLOAT32_EPSILON } from '../../../../daemon/features/featureMatrix';
import { glibcLogf } from '../../../../daemon/features/logf';
import { kaldiMelBanks } from '../../../../daemon/features/melBanks';
import { chirp, sine } from './helpers';

const LOG_FLOOR = glibcLogf(FLOAT32_EPSILON); // ln(2^-23) = -15.942385 in float32
const banks = kaldiMelBanks({ numBins: 80, fftSize: 512, sampleRate: 16000, lowFreq: 20, highFreq: 0 });

function argmaxRow(data: Float32Array, row: number, dim: number): number {
  let best = 0;
  for (let d = 1; d < dim; d++) if (data[row * dim + d] > data[row * dim + best]) best = d;
  return best;
}

describe('fbank framing (snip_edges)', () => {
  it('counts 1 + floor((n - 400) / 160) frames, 0 below one frame', () => {
    const cases: [number, number][] = [
      [0, 0],
      [1, 0],
      [399, 0],
      [400, 1],
      [559, 1],
      [560, 2],
      [1600, 8],
      [16000, 98],
    ];
    for (const [n, frames] of cases) {
      assert.equal(numFbankFrames({ numSamples: n, frameLength: 400, frameShift: 160 }), frames, `${n} samples`);
      assert.equal(computeFbank({ samples: new Float32Array(n) }).frames, frames, `${n} samples computed`);
    }
  });

  it('returns an empty 80-wide matrix for a 1-sample clip', () => {
    const fb = computeFbank({ samples: new Float32Array([0.5]) });
    assert.deepEqual({ frames: fb.frames, dim: fb.dim, length: fb.data.length }, { frames: 0, dim: 80, length: 0 });
  });
});

describe('fbank values', () => {
  it('gives the log floor, ln(FLT_EPSILON), for silence', () => {
    assert.equal(LOG_FLOOR, Math.fround(-15.9423847));
    const fb = computeFbank({ samples: new Float32Array(1600) });
    assert.ok(fb.data.every((v) => v === LOG_FLOOR));
  });

  it('gives the floor for a constant (DC) signal: DC removal leaves nothing', () => {
    // 0.25 * 32768 = 8192; 400 of them sum exactly in float, so the mean removes it all.
    const fb = computeFbank({ samples: new Float32Array(4000).fill(0.25) });
    assert.equal(fb.frames, 23);
    assert.ok(fb.data.every((v) => v === LOG_FLOOR));
  });

  it('peaks, for a 1 kHz sine, in the filter that weighs 1 kHz most', () => {
    // 1000 Hz is exactly FFT bin 32 (31.25 Hz per bin at 512 points).
    let expected = 0;
    for (let b = 1; b < 80; b++) if (banks.matrix[b * 256 + 32] > banks.matrix[expected * 256 + 32]) expected = b;
    assert.ok(banks.leftHz[expected] < 1000 && 1000 < banks.rightHz[expected]);
    assert.ok(Math.abs(banks.centerHz[expected] - 1000) < 40, `centre ${banks.centerHz[expected]} Hz`);
    const fb = computeFbank({ samples: sine({ freqHz: 1000, numSamples: 16000 }) });
    for (let t = 0; t < fb.frames; t++) assert.equal(argmaxRow(fb.data, t, 80), expected, `frame ${t}`);
    // Far from 1 kHz there is only window leakage: tens of nepers below the peak.
    assert.ok(fb.data[expected] - fb.data[79] > 10);
  });

  it('follows a chirp upwards: the peak filter never moves down', () => {
    const fb = computeFbank({ samples: chirp({ fromHz: 100, toHz: 7900, numSamples: 32000 }) });
    const peaks = Array.from({ length: fb.frames }, (_, t) => argmaxRow(fb.data, t, 80));
    for (let t = 1; t < peaks.length; t++)
      assert.ok(peaks[t] >= peaks[t - 1], `frame ${t}: ${peaks[t - 1]} -> ${peaks[t]}`);
    assert.ok(peaks[0] <= 6 && peaks[peaks.length - 1] >= 77, `from ${peaks[0]} to ${peaks[peaks.length - 1]}`);
  });

  it('scales samples by 32768 first: doubling the input adds 2 ln 2 to every value', () => {
    const x = sine({ freqHz: 440, numSamples: 2000, amplitude: 0.25 });
    const a = computeFbank({ samples: x });
    const b = computeFbank({ samples: x.map((v) => v * 2) });
    for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(b.data[i] - a.data[i] - 2 * Math.LN2) < 1e-3);
    const unscaled = computeFbank({ samples: x, options: { ...SENSE_VOICE_FBANK_OPTIONS, sampleScale: 1 } });
    for (const i of [0, 37, 200]) assert.ok(Math.abs(a.data[i] - unscaled.data[i] - 2 * Math.log(32768)) < 1e-3);
  });

  it("writes into a caller's buffer when given one, with the same values", () => {
    const x = chirp({ fromHz: 300, toHz: 3000, numSamples: 4000 });
    const computer = createFbankComputer();
    const fresh = computer.compute({ samples: x });
    const out = { frames: 0, dim: 0, data: new Float32Array(10000) };
    const reused = computer.compute({ samples: x, out });
    assert.equal(reused, out);
    assert.equal(out.frames, fresh.frames);
    assert.deepEqual(out.data.subarray(0, fresh.data.length), fresh.data);
    assert.throws(
      () => computer.compute({ samples: x, out: { frames: 0, dim: 0, data: new Float32Array(10) } }),
      RangeError,
    );
  });

  it('rejects inconsistent options', () => {
    assert.throws(() => createFbankComputer({ ...SENSE_VOICE_FBANK_OPTIONS, fftSize: 256 }), RangeError);
    assert.throws(() => createFbankComputer({ ...SENSE_VOICE_FBANK_OPTIONS, frameShift: 0 }), RangeError);
  });
});
