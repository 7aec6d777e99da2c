// The per-frame steps of kaldi-native-fbank's ProcessWindow (feature-window.cc), in its order:
// (dither: off for SenseVoice), remove DC offset, (raw log energy: not used), pre-emphasis, window.
// All three work in place on the first `length` samples of a Float32Array, in float32 arithmetic.
// Storing into a Float32Array rounds to float32, so `frame[j] = a op b` with float32 operands is
// exactly C's float `a op b`; only intermediates that C keeps as float need Math.fround.

const f32 = Math.fround;

/** Subtracts the frame's mean: a float accumulator summed in order, divided by the length as a float. */
export function removeDcOffset({ frame, length }: { frame: Float32Array; length: number }): void {
  let sum = 0;
  for (let j = 0; j < length; j++) sum = f32(sum + frame[j]);
  const mean = f32(sum / length);
  for (let j = 0; j < length; j++) frame[j] = frame[j] - mean;
}

/**
 * Kaldi's pre-emphasis, x[i] -= c * x[i-1], run backwards in place so each step reads the
 * un-emphasised previous sample; the first sample has no predecessor and Kaldi scales it by
 * itself: x[0] -= c * x[0]. `coeff` is rounded to float32 (Kaldi keeps 0.97f, not the double 0.97).
 */
export function preemphasize({ frame, length, coeff }: { frame: Float32Array; length: number; coeff: number }): void {
  const c = f32(coeff);
  if (c === 0) return;
  for (let j = length - 1; j > 0; j--) frame[j] = frame[j] - f32(c * frame[j - 1]);
  frame[0] = frame[0] - f32(c * frame[0]);
}

/** Multiplies the frame by the window, sample by sample (FeatureWindowFunction::Apply). */
export function applyWindow({ frame, window }: { frame: Float32Array; window: Float32Array }): void {
  for (let j = 0; j < window.length; j++) frame[j] = frame[j] * window[j];
}
