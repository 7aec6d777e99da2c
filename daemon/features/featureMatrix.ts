// The one shape every front-end stage hands to the next: a row-major matrix of float32 features.

/** `frames` rows of `dim` float32 values, row-major: value (t, d) is `data[t * dim + d]`. */
export interface FeatureMatrix {
  frames: number;
  dim: number;
  data: Float32Array;
}

/** float32 machine epsilon (FLT_EPSILON, 2^-23): Kaldi's floor before the log. */
export const FLOAT32_EPSILON = 1.1920928955078125e-7;

/** A fresh zero-filled matrix. */
export function emptyFeatureMatrix({ frames, dim }: { frames: number; dim: number }): FeatureMatrix {
  return { frames, dim, data: new Float32Array(frames * dim) };
}
