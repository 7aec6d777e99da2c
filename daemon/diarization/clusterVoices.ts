// Each speaker's voice, kept with the transcript so that a speaker can be remembered by name (speaker
// profiles): the normalised mean of the speaker's normalised embeddings (the direction the cosine
// clustering compared them by). A few hundred floats per speaker, whatever the file's length.

/** Cluster index -> its voice, for `rows` embeddings of `dim` values and their cluster labels. */
export function clusterVoices(
  embeddings: Float32Array,
  rows: number,
  dim: number,
  clusterOf: ArrayLike<number>,
): Map<number, Float32Array> {
  const sums = new Map<number, Float64Array>();
  for (let r = 0; r < rows; r++) {
    const row = embeddings.subarray(r * dim, (r + 1) * dim);
    let sq = 0;
    for (let c = 0; c < dim; c++) sq += row[c] * row[c];
    const norm = Math.sqrt(sq);
    if (!(norm > 0)) continue;
    const k = clusterOf[r];
    let sum = sums.get(k);
    if (!sum) sums.set(k, (sum = new Float64Array(dim)));
    for (let c = 0; c < dim; c++) sum[c] += row[c] / norm;
  }
  const voices = new Map<number, Float32Array>();
  for (const [k, sum] of sums) {
    let sq = 0;
    for (let c = 0; c < dim; c++) sq += sum[c] * sum[c];
    const norm = Math.sqrt(sq);
    if (norm > 0)
      voices.set(
        k,
        Float32Array.from(sum, (x) => x / norm),
      );
  }
  return voices;
}
