// The SenseVoice front end: 16 kHz mono samples -> fbank (80) -> LFR (7/6 -> 560) -> CMVN, the
// model's `x` input. Same steps, same order and the same float32 rounding as sherpa-onnx 1.13.8.
//
// Streaming and per-segment use: a FrontEnd owns its tables (window, mel banks, FFT plan) and an
// fbank scratch matrix that only grows, so computing features for each VAD segment allocates just
// the returned 560-dim matrix (or nothing, when the caller passes `out`). Features of a segment
// depend only on that segment's samples: the LFR edge padding and snip_edges framing restart at
// every call, exactly as sherpa-onnx does when it is given one segment per stream. Concatenating
// the outputs of two segments is therefore not the same as the features of the joined audio.

import { applyCmvn, type Cmvn } from './cmvn';
import { createFbankComputer, SENSE_VOICE_FBANK_OPTIONS, type FbankOptions } from './fbank';
import type { FeatureMatrix } from './featureMatrix';
import {
  applyLowFrameRate,
  numLowFrameRateFrames,
  SENSE_VOICE_LFR_OPTIONS,
  type LowFrameRateOptions,
} from './lowFrameRate';

export interface FrontEndOptions {
  /** CMVN vectors (560 each), from the model's metadata or am.mvn. */
  cmvn: Cmvn;
  /** Fbank settings; defaults to what sherpa-onnx uses for SenseVoice. */
  fbank?: Readonly<FbankOptions>;
  /** LFR settings; defaults to 7/6 (the model's lfr_window_size / lfr_window_shift). */
  lowFrameRate?: Readonly<LowFrameRateOptions>;
}

export interface FrontEnd {
  /** Output feature size: numMelBins * windowSize (560). */
  readonly dim: number;
  /** Output frames for this many samples (0 when shorter than one fbank frame). */
  numFrames(args: { numSamples: number }): number;
  /**
   * Model input for `samples` (mono, [-1, 1], 16 kHz). With `out`, writes there (data must hold
   * numFrames * dim values) instead of allocating.
   */
  compute(args: { samples: Float32Array; out?: FeatureMatrix }): FeatureMatrix;
}

/** Builds a reusable front end; checks that the CMVN vectors match the output size. */
export function createFrontEnd({
  cmvn,
  fbank = SENSE_VOICE_FBANK_OPTIONS,
  lowFrameRate = SENSE_VOICE_LFR_OPTIONS,
}: FrontEndOptions): FrontEnd {
  const fbankComputer = createFbankComputer(fbank);
  const dim = fbank.numMelBins * lowFrameRate.windowSize;
  if (cmvn.negMean.length !== dim || cmvn.invStddev.length !== dim) {
    throw new RangeError(
      `front end: CMVN has ${cmvn.negMean.length} means and ${cmvn.invStddev.length} scales, expected ${dim} each`,
    );
  }
  let scratch: FeatureMatrix = { frames: 0, dim: fbank.numMelBins, data: new Float32Array(0) };

  const numFrames = ({ numSamples }: { numSamples: number }): number =>
    numLowFrameRateFrames({
      inputFrames: fbankComputer.numFrames({ numSamples }),
      windowShift: lowFrameRate.windowShift,
    });

  return {
    dim,
    numFrames,
    compute({ samples, out }) {
      const fbankFrames = fbankComputer.numFrames({ numSamples: samples.length });
      const needed = fbankFrames * fbank.numMelBins;
      if (scratch.data.length < needed) {
        // Grow with headroom so a run of slightly longer segments does not reallocate each time.
        scratch = { frames: 0, dim: fbank.numMelBins, data: new Float32Array(Math.ceil(needed * 1.25)) };
      }
      const fb = fbankComputer.compute({ samples, out: scratch });
      const stacked = applyLowFrameRate({ input: fb, options: lowFrameRate, out });
      return applyCmvn({ features: stacked, cmvn });
    },
  };
}

/** One-shot convenience: SenseVoice model input for `samples` with the given CMVN. */
export function computeFeatures({ samples, cmvn }: { samples: Float32Array; cmvn: Cmvn }): FeatureMatrix {
  return createFrontEnd({ cmvn }).compute({ samples });
}
