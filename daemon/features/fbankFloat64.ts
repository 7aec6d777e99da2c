// Kaldi fbank frames in double precision: the same steps as fbank.ts's float32-exact path (scale,
// remove DC, pre-emphasis, window, FFT, power, mel, log), each in double and rounded once, when the
// log-mel value is stored as float32. For the speaker-embedding front end of diarization, whose
// parity with sherpa-onnx is judged on its turns (labels >= 99% of the time, boundaries within 20 ms:
// test/integration/diarizationParity.test.ts), not on the features' bits; SenseVoice's front end
// keeps the exact path (its parity is bit for bit).
//
// Why: diarization frames every sample in up to ten overlapping windows (~394,000 frames for 10.9
// min), and the fbank was ~58% of its CPU time. Per frame, on 2 loaded cores (CPU time, bench/
// diarization.ts's 10-minute input): float32-exact 11.8 us; the same with fused loops 9.5 us; this
// 4.7 us (frame 1.1, FFT 1.9, split 0.45, mel + log ~1.2). A quarter of the values differ from the
// exact path's, by at most 2e-4 (log-mel values of 5-25 on noise): mostly the float32 path's own
// rounding error in low-energy bins, which double precision does not make.
// Quiet machine, 2026-12-06 (a minute of samples framed alone, CPU time): 5.7-6.1 us a frame, of which
// the FFT and split ~3.2 us, the 80 Math.log ~0.5 us, framing and mel the rest. Tried: fft.js's
// realTransform (npm, radix-4) takes 2.7 us for the transform alone, before the power spectrum: no
// gain worth a dependency; a log from the exponent bits and an atanh series: 29 ns against V8's
// Math.log 9-13 ns.
import { FLOAT32_EPSILON } from './featureMatrix';
import type { MelBanks } from './melBanks';
import { realPowerSpectrum64 } from './realFft64';

export interface Float64FrameOptions {
  frameLength: number;
  fftSize: number;
  preemphCoeff: number;
  removeDcOffset: boolean;
  sampleScale: number;
}

/** Writes the numBins log-mel values of the frame starting at `start` (reflected at the ends) to out[outOffset...]. */
export type FrameComputer = (samples: Float32Array, start: number, out: Float32Array, outOffset: number) => void;

export function createFloat64FrameComputer(
  options: Float64FrameOptions,
  window: Float32Array,
  banks: MelBanks,
): FrameComputer {
  const { frameLength: L, fftSize, removeDcOffset } = options;
  const scale = options.sampleScale;
  const c = Math.fround(options.preemphCoeff);
  const win = Float64Array.from(window);
  const fft = realPowerSpectrum64(fftSize);
  const numBins = banks.numBins;
  // The mel rows back to back: row b covers power[first[b] .. first[b] + (end[b] - start[b])).
  const first = Int32Array.from(banks.firstIndex);
  const start = new Int32Array(numBins);
  const end = new Int32Array(numBins);
  let total = 0;
  for (const w of banks.weights) total += w.length;
  const weights = new Float64Array(total);
  for (let b = 0, at = 0; b < numBins; b++) {
    start[b] = at;
    weights.set(banks.weights[b], at);
    at += banks.weights[b].length;
    end[b] = at;
  }
  const power = new Float64Array(fftSize / 2 + 1);
  const frame = new Float32Array(L); // only for frames that reach past the ends: the samples, reflected
  const { packed, slot } = fft;
  const padding = slot.slice(L);

  return (samples, from, out, outOffset) => {
    let x = samples;
    let at = from;
    if (from < 0 || from + L > samples.length) {
      // Kaldi's ExtractWindow without snip_edges: samples outside the wave are reflected into it.
      const n = samples.length;
      for (let j = 0; j < L; j++) {
        let i = from + j;
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
        frame[j] = samples[i];
      }
      x = frame;
      at = 0;
    }
    let sum = 0;
    for (let j = 0; j < L; j++) sum += x[at + j];
    const mean = removeDcOffset ? (sum * scale) / L : 0;
    // Scale, remove DC, pre-emphasis (x[j] -= c x[j-1], x[0] -= c x[0]) and window in one pass,
    // written straight into the FFT's packed input.
    let prev = x[at] * scale - mean;
    packed[slot[0]] = (prev - c * prev) * win[0];
    for (let j = 1; j < L; j++) {
      const cur = x[at + j] * scale - mean;
      packed[slot[j]] = (cur - c * prev) * win[j];
      prev = cur;
    }
    for (let j = 0; j < padding.length; j++) packed[padding[j]] = 0;
    fft.powerOfPacked(power);
    for (let b = 0; b < numBins; b++) {
      // Two sums, even and odd weights, half the dependency chain: ~5% of the frame (A/B in one process).
      const e0 = end[b];
      const d = first[b] - start[b];
      let i = start[b];
      let ea = 0;
      let eb = 0;
      for (; i + 1 < e0; i += 2) {
        ea += weights[i] * power[i + d];
        eb += weights[i + 1] * power[i + 1 + d];
      }
      if (i < e0) ea += weights[i] * power[i + d];
      const e = ea + eb;
      out[outOffset + b] = Math.log(e > FLOAT32_EPSILON ? e : FLOAT32_EPSILON);
    }
  };
}
