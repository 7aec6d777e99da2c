// The analysis window, as kaldi-native-fbank's FeatureWindowFunction builds it.

export interface HammingWindowOptions {
  /** Samples in one frame (400 for 25 ms at 16 kHz). */
  length: number;
}

const cache = new Map<number, Float32Array>();

/**
 * Kaldi's Hamming window: w[i] = 0.54 - 0.46 cos(2 pi i / (N - 1)), symmetric, so both ends are 0.08.
 * kaldi-native-fbank evaluates the formula in double and stores it in a float vector; the
 * Float32Array store does the same single rounding. Cached per length; treat it as read-only.
 */
export function hammingWindow({ length }: HammingWindowOptions): Float32Array {
  if (!Number.isInteger(length) || length < 2) {
    throw new RangeError(`hammingWindow: length must be an integer >= 2, got ${length}`);
  }
  let w = cache.get(length);
  if (w === undefined) {
    w = new Float32Array(length);
    // Kaldi: double a = M_2PI / (frame_length - 1); then cos(a * i) with i as a double.
    const a = (2 * Math.PI) / (length - 1);
    for (let i = 0; i < length; i++) w[i] = 0.54 - 0.46 * Math.cos(a * i);
    cache.set(length, w);
  }
  return w;
}

const poveyCache = new Map<number, Float32Array>();

/**
 * Kaldi's "povey" window, sherpa-onnx's default (speaker embeddings): (0.5 - 0.5 cos(2 pi i / (N - 1)))^0.85,
 * evaluated in double and stored as float like the Hamming window. Cached per length; read-only.
 */
export function poveyWindow({ length }: HammingWindowOptions): Float32Array {
  if (!Number.isInteger(length) || length < 2) {
    throw new RangeError(`poveyWindow: length must be an integer >= 2, got ${length}`);
  }
  let w = poveyCache.get(length);
  if (w === undefined) {
    w = new Float32Array(length);
    const a = (2 * Math.PI) / (length - 1);
    for (let i = 0; i < length; i++) w[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85);
    poveyCache.set(length, w);
  }
  return w;
}
