// Kaldi-style log mel filterbank features, step for step as kaldi-native-fbank computes them for
// sherpa-onnx's SenseVoice recogniser (OnlineFbank over the whole clip, then GetFrames):
//
//   samples * 32768 -> frames with snip_edges -> per frame: remove DC, pre-emphasis, Hamming
//   window, zero-pad to the FFT size -> KISS real FFT -> power spectrum -> mel -> log (floored).
//
// kaldi-native-fbank does every one of these steps in float32, so each is mirrored here with
// float32 storage and Math.fround on intermediates; where the order of operations matters for the
// rounding, the comment at that line says so. Checked bit for bit against sherpa-onnx 1.13.8
// (features dumped from the running binary; see test/unit/daemon/features/golden/).

import { FLOAT32_EPSILON, type FeatureMatrix } from './featureMatrix';
import { createSimdFrames } from './simdFbank';
import { applyWindow, preemphasize, removeDcOffset as removeDc } from './frameProcessing';
import { kissRealFft } from './kissRealFft';
import { glibcLogf } from './logf';
import { kaldiMelBanks } from './melBanks';
import { hammingWindow, poveyWindow } from './window';

const f32 = Math.fround;

export interface FbankOptions {
  /** Input sample rate in Hz. */
  sampleRate: number;
  /** Samples per frame (25 ms at 16 kHz = 400). */
  frameLength: number;
  /** Samples between frame starts (10 ms = 160). */
  frameShift: number;
  /** FFT length: the frame zero-padded to a power of two (512). */
  fftSize: number;
  /** Mel filters (80). */
  numMelBins: number;
  /** Lowest filter edge in Hz (20). */
  lowFreq: number;
  /** Highest filter edge in Hz; <= 0 is an offset from Nyquist (0 = Nyquist). */
  highFreq: number;
  /** Pre-emphasis coefficient (0.97); 0 disables it. Rounded to float32 as Kaldi stores it. */
  preemphCoeff: number;
  /** Subtract each frame's mean before pre-emphasis. */
  removeDcOffset: boolean;
  /** Factor applied to the [-1, 1] input first: 32768 (sherpa-onnx's normalize_samples = 0). */
  sampleScale: number;
  /** 'hamming' (default, SenseVoice) or 'povey' (sherpa-onnx's default, its speaker embeddings). */
  windowType?: 'hamming' | 'povey';
  /** Kaldi's snip_edges (default true). false: round(n / shift) frames centred on shift multiples, edges reflected. */
  snipEdges?: boolean;
  /**
   * 'float32-exact' (default): every step rounded as kaldi-native-fbank rounds it, bit for bit
   * sherpa-onnx's features. 'simd': a WebAssembly SIMD kernel, four frames at once (simdFbank.ts),
   * ~7x faster a frame, float32 in another order of operations, so values differ in the last bits
   * (up to ~1e-2 in near-silent bins): for diarization's speaker embeddings. Needs fftSize 512.
   */
  precision?: 'float32-exact' | 'simd';
}

/** What sherpa-onnx 1.13.8 configures for SenseVoice (dither 0, snip_edges, no energy term). */
export const SENSE_VOICE_FBANK_OPTIONS: Readonly<FbankOptions> = Object.freeze({
  sampleRate: 16000,
  frameLength: 400,
  frameShift: 160,
  fftSize: 512,
  numMelBins: 80,
  lowFreq: 20,
  highFreq: 0,
  preemphCoeff: 0.97,
  removeDcOffset: true,
  sampleScale: 32768,
});

/**
 * Frames Kaldi extracts: with snip_edges only whole frames, the first starting at sample 0; without,
 * (n + shift / 2) / shift frames (integer division), as kaldi-native-fbank's NumFrames(flush = true).
 */
export function numFbankFrames({
  numSamples,
  frameLength,
  frameShift,
  snipEdges = true,
}: {
  numSamples: number;
  frameLength: number;
  frameShift: number;
  snipEdges?: boolean;
}): number {
  if (!snipEdges) return Math.floor((numSamples + Math.floor(frameShift / 2)) / frameShift);
  if (numSamples < frameLength) return 0;
  return 1 + Math.floor((numSamples - frameLength) / frameShift);
}

/** A computer with its tables (window, mel banks, FFT plan) and scratch buffers built once. */
export interface FbankComputer {
  readonly options: Readonly<FbankOptions>;
  /** Frames `compute` would return for this many samples. */
  numFrames(args: { numSamples: number }): number;
  /**
   * Features of `samples` (mono, [-1, 1], at options.sampleRate). With `out`, writes there (its
   * data must hold at least frames * numMelBins values) instead of allocating.
   */
  compute(args: { samples: Float32Array; out?: FeatureMatrix }): FeatureMatrix;
}

/** Builds an fbank computer; the tables come from caches, so building another is cheap. */
export function createFbankComputer(options: Readonly<FbankOptions> = SENSE_VOICE_FBANK_OPTIONS): FbankComputer {
  const { frameLength, frameShift, fftSize, numMelBins, sampleScale, removeDcOffset } = options;
  if (!Number.isInteger(frameLength) || frameLength < 2) {
    throw new RangeError(`fbank: frameLength must be an integer >= 2, got ${frameLength}`);
  }
  if (!Number.isInteger(frameShift) || frameShift < 1) {
    throw new RangeError(`fbank: frameShift must be a positive integer, got ${frameShift}`);
  }
  if (fftSize < frameLength || (fftSize & (fftSize - 1)) !== 0) {
    throw new RangeError(`fbank: fftSize must be a power of two >= frameLength, got ${fftSize}`);
  }
  const snipEdges = options.snipEdges ?? true;
  const window =
    options.windowType === 'povey' ? poveyWindow({ length: frameLength }) : hammingWindow({ length: frameLength });
  const fft = kissRealFft({ size: fftSize });
  const banks = kaldiMelBanks({
    numBins: numMelBins,
    fftSize,
    sampleRate: options.sampleRate,
    lowFreq: options.lowFreq,
    highFreq: options.highFreq,
  });
  const preemph = options.preemphCoeff;
  const scale = f32(sampleScale);

  // Kaldi pads each frame to the FFT size with zeros; only the first frameLength samples are ever
  // written, so the padding set here stays zero.
  const frame = new Float32Array(fftSize);
  const re = new Float32Array(fftSize / 2 + 1);
  const im = new Float32Array(fftSize / 2 + 1);
  const power = new Float32Array(fftSize / 2 + 1);

  function computeFrame(samples: Float32Array, start: number, out: Float32Array, outOffset: number): void {
    // sherpa-onnx scales the whole waveform (float * 32768, exact) before framing; per frame is the same.
    if (start >= 0 && start + frameLength <= samples.length) {
      for (let j = 0; j < frameLength; j++) frame[j] = samples[start + j] * scale;
    } else {
      // Kaldi's ExtractWindow without snip_edges: samples outside the wave are reflected into it.
      const n = samples.length;
      for (let j = 0; j < frameLength; j++) {
        let i = start + j;
        while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
        frame[j] = samples[i] * scale;
      }
    }
    if (removeDcOffset) removeDc({ frame, length: frameLength });
    preemphasize({ frame, length: frameLength, coeff: preemph });
    applyWindow({ frame, window });

    fft.forward({ input: frame, re, im });

    // ComputePowerSpectrum: re*re + im*im, each product rounded to float before the sum.
    const half = fftSize / 2;
    for (let k = 0; k <= half; k++) power[k] = f32(re[k] * re[k]) + f32(im[k] * im[k]);

    const { firstIndex, weights } = banks;
    for (let bin = 0; bin < numMelBins; bin++) {
      const w = weights[bin];
      const offset = firstIndex[bin];
      // MelBanks::Compute: a float accumulator, summed left to right.
      let energy = 0;
      for (let k = 0; k < w.length; k++) energy = f32(energy + f32(w[k] * power[offset + k]));
      // std::log(std::max(e, FLT_EPSILON)) on a float is glibc's logf, reproduced bit for bit.
      out[outOffset + bin] = glibcLogf(energy > FLOAT32_EPSILON ? energy : FLOAT32_EPSILON);
    }
  }

  const simd = options.precision === 'simd' ? createSimdFrames(options, window, banks) : undefined;

  return {
    options,
    numFrames: ({ numSamples }) => numFbankFrames({ numSamples, frameLength, frameShift, snipEdges }),
    compute({ samples, out }) {
      const frames = numFbankFrames({ numSamples: samples.length, frameLength, frameShift, snipEdges });
      // Without snip_edges frame t is centred on t * shift + shift / 2 (Kaldi's FirstSampleOfFrame).
      const firstStart = snipEdges ? 0 : Math.floor(frameShift / 2) - Math.floor(frameLength / 2);
      let result: FeatureMatrix;
      if (out !== undefined) {
        if (out.data.length < frames * numMelBins) {
          throw new RangeError(`fbank: out holds ${out.data.length} values, needs ${frames * numMelBins}`);
        }
        out.frames = frames;
        out.dim = numMelBins;
        result = out;
      } else {
        result = { frames, dim: numMelBins, data: new Float32Array(frames * numMelBins) };
      }
      if (simd) simd(samples, firstStart, frameShift, frames, result.data);
      else
        for (let t = 0; t < frames; t++)
          computeFrame(samples, firstStart + t * frameShift, result.data, t * numMelBins);
      return result;
    },
  };
}

/** One-shot convenience: fbank features of `samples` with the given (default SenseVoice) options. */
export function computeFbank({
  samples,
  options = SENSE_VOICE_FBANK_OPTIONS,
}: {
  samples: Float32Array;
  options?: Readonly<FbankOptions>;
}): FeatureMatrix {
  return createFbankComputer(options).compute({ samples });
}
