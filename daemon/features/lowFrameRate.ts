// Low frame rate (LFR): stack `windowSize` consecutive frames into one, advancing `windowShift`
// frames each time, as sherpa-onnx 1.13.8's ApplyLfr (sherpa-onnx/csrc/lfr.cc) does it:
//
//   output frames = ceil(T / shift); output frame i stacks input frames
//   i * shift - (size - 1) / 2 + j for j in [0, size), each index clamped to [0, T - 1].
//
// So the left edge repeats frame 0 three times (for 7/6) and the right edge repeats the last frame.
// Older sherpa-onnx releases computed (T - 7) / 6 + 1 frames with no padding; FunASR pads the same
// way as this one. Only copies values, so there is no rounding to match.

import type { FeatureMatrix } from './featureMatrix';

export interface LowFrameRateOptions {
  /** Frames stacked into one output frame (lfr_m, 7 for SenseVoice). */
  windowSize: number;
  /** Frames advanced per output frame (lfr_n, 6). */
  windowShift: number;
}

export const SENSE_VOICE_LFR_OPTIONS: Readonly<LowFrameRateOptions> = Object.freeze({ windowSize: 7, windowShift: 6 });

/** Output frames for `inputFrames` input frames: ceil(inputFrames / windowShift), 0 for none. */
export function numLowFrameRateFrames({
  inputFrames,
  windowShift,
}: {
  inputFrames: number;
  windowShift: number;
}): number {
  return inputFrames <= 0 ? 0 : Math.ceil(inputFrames / windowShift);
}

/** Index of the input frame that lands in slot `j` of output frame `i` (after clamping). */
export function lowFrameRateSource({
  outputFrame,
  slot,
  inputFrames,
  windowSize,
  windowShift,
}: {
  outputFrame: number;
  slot: number;
  inputFrames: number;
  windowSize: number;
  windowShift: number;
}): number {
  const t = outputFrame * windowShift - ((windowSize - 1) >> 1) + slot;
  return t < 0 ? 0 : t > inputFrames - 1 ? inputFrames - 1 : t;
}

/**
 * Stacks frames of `input` (frames x dim) into ceil(frames / shift) x (dim * size). With `out`,
 * writes there (its data must be large enough) instead of allocating.
 */
export function applyLowFrameRate({
  input,
  options = SENSE_VOICE_LFR_OPTIONS,
  out,
}: {
  input: FeatureMatrix;
  options?: Readonly<LowFrameRateOptions>;
  out?: FeatureMatrix;
}): FeatureMatrix {
  const { windowSize, windowShift } = options;
  if (!Number.isInteger(windowSize) || windowSize < 1 || !Number.isInteger(windowShift) || windowShift < 1) {
    throw new RangeError(
      `applyLowFrameRate: windowSize and windowShift must be positive integers, got ${windowSize}/${windowShift}`,
    );
  }
  const inDim = input.dim;
  const inputFrames = input.frames;
  const frames = numLowFrameRateFrames({ inputFrames, windowShift });
  const dim = inDim * windowSize;
  let result: FeatureMatrix;
  if (out !== undefined) {
    if (out.data.length < frames * dim) {
      throw new RangeError(`applyLowFrameRate: out holds ${out.data.length} values, needs ${frames * dim}`);
    }
    out.frames = frames;
    out.dim = dim;
    result = out;
  } else {
    result = { frames, dim, data: new Float32Array(frames * dim) };
  }
  const src = input.data;
  const dst = result.data;
  for (let i = 0; i < frames; i++) {
    for (let j = 0; j < windowSize; j++) {
      const t = lowFrameRateSource({ outputFrame: i, slot: j, inputFrames, windowSize, windowShift });
      dst.set(src.subarray(t * inDim, (t + 1) * inDim), (i * windowSize + j) * inDim);
    }
  }
  return result;
}
