// The little vector arithmetic of speaker voices, shared by the daemon (matching voices to profiles)
// and the extension (averaging a profile's samples): cosine similarity of unit vectors, normalising,
// and a weighted mean. Plain number arrays: voices cross the protocol as JSON.

/** The dot product; for unit vectors, their cosine similarity. Vectors of different lengths: NaN. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return NaN;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The vector scaled to unit length (a zero vector stays zero). */
export function normalise(v: ArrayLike<number>): number[] {
  const norm = Math.sqrt(dot(v, v));
  const scale = norm > 0 ? 1 / norm : 0;
  // A loop, not Array.from with a callback: this runs for every profile of every request.
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * scale;
  return out;
}

/** Cosine similarity of any two non-zero vectors, -1..1. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return dot(normalise(a), normalise(b));
}

/** normalise(wa * a + wb * b): a mean of two voices, each by its weight. */
export function weightedMean(a: ArrayLike<number>, wa: number, b: ArrayLike<number>, wb: number): number[] {
  return normalise(Array.from(a, (x, i) => wa * x + wb * b[i]));
}

/** Values rounded to 6 decimals: a voice in JSON stays small and reads the same back. */
export function compactVoice(v: ArrayLike<number>): number[] {
  return Array.from(v, (x) => Math.round(x * 1e6) / 1e6);
}
