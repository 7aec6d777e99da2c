// Agglomerative clustering of the speaker embeddings, as sherpa-onnx's FastClustering does it
// (fast-clustering.cc): rows L2-normalised, cosine dissimilarity 1 - a.b (floored at 0), complete
// linkage by Daniel Müllner's NN-chain algorithm (fastcluster, BSD licence, as vendored in
// csukuangfj/hclust-cpp), the merges sorted by height into R's dendrogram form, then cut into a
// given number of clusters (cutree_k) or where the merge height reaches the threshold (cutree_cdist).
// Ported step for step, ties included, so that equal distances merge in the same order.
//
// Bounded on purpose where sherpa-onnx is not: its condensed distance matrix holds n (n - 1) / 2
// doubles, which for the ~27,000 embeddings of a 3-hour meeting is 2.9 GB. Up to
// EXACT_CLUSTERING_LIMIT embeddings (4,000: 64 MB; about 25 minutes of steady talk) the clustering
// is exactly sherpa-onnx's. Beyond it, two stages, which differ from sherpa-onnx by design:
// 1. the embeddings, in file order, in blocks of at most the limit, each clustered exactly as above
//    and cut at the threshold (in both modes: complete linkage keeps every pair in a sub-cluster
//    closer than the threshold, so a sub-cluster is one voice wherever the threshold separates voices);
// 2. each sub-cluster stands for itself by the normalised mean of its normalised embeddings, and
//    those representatives are clustered exactly (again in two stages if there are still too many),
//    cut into numClusters or at the threshold; every embedding takes its sub-cluster's label.
// Memory then stays at the limit's 64 MB whatever the file's length (test/unit/daemon/diarization/
// clustering.test.ts checks that the same speakers come out of a long synthetic input).

const f32 = Math.fround;

/** Above this many embeddings, the two-stage clustering (see the header). */
export const EXACT_CLUSTERING_LIMIT = 4000;

export interface ClusteringOptions {
  /** > 0: exactly this many clusters (all in one when there are fewer embeddings). */
  numClusters: number;
  /** Used when numClusters <= 0: merges stop at this cosine distance (and stage 1 of the two-stage path cuts here). */
  threshold: number;
  /** Tests only: a smaller limit for the exact clustering. */
  exactLimit?: number;
}

/** Cluster labels 0..K-1 for `rows` embeddings of `dim` values each (row-major). */
export function clusterEmbeddings(
  embeddings: Float32Array,
  rows: number,
  dim: number,
  options: ClusteringOptions,
): Int32Array {
  if (rows <= 0) return new Int32Array(0);
  if (rows === 1) return new Int32Array(1);
  const normalised = normaliseRows(embeddings, rows, dim);
  const limit = Math.max(2, options.exactLimit ?? EXACT_CLUSTERING_LIMIT);
  if (rows <= limit) return clusterExact(normalised, rows, dim, options.numClusters, options.threshold);
  return clusterTwoStage(normalised, rows, dim, options, limit);
}

function normaliseRows(embeddings: Float32Array, rows: number, dim: number): Float32Array {
  const normalised = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    for (let c = 0; c < dim; c++) sq = f32(sq + f32(embeddings[r * dim + c] * embeddings[r * dim + c]));
    const norm = f32(Math.sqrt(sq));
    for (let c = 0; c < dim; c++)
      normalised[r * dim + c] = norm > 0 ? embeddings[r * dim + c] / norm : embeddings[r * dim + c];
  }
  return normalised;
}

function clusterExact(
  normalised: Float32Array,
  rows: number,
  dim: number,
  numClusters: number,
  threshold: number,
): Int32Array {
  if (rows === 1) return new Int32Array(1);
  const distance = cosineDistances(normalised, rows, dim);
  const { merge, height } = hclustComplete(rows, distance, true);
  const labels = new Int32Array(rows);
  if (numClusters > 0) cutreeK(rows, merge, numClusters, labels);
  else cutreeCdist(rows, merge, height, threshold, labels);
  return labels;
}

function clusterTwoStage(
  normalised: Float32Array,
  rows: number,
  dim: number,
  options: ClusteringOptions,
  limit: number,
): Int32Array {
  const blocks = Math.ceil(rows / limit);
  const size = Math.ceil(rows / blocks);
  const sub = new Int32Array(rows);
  const sums: Float64Array[] = [];
  for (let from = 0; from < rows; from += size) {
    const count = Math.min(size, rows - from);
    const block = normalised.subarray(from * dim, (from + count) * dim);
    const labels = clusterExact(block, count, dim, -1, options.threshold);
    const first = sums.length;
    for (let r = 0; r < count; r++) {
      const g = first + labels[r];
      while (sums.length <= g) sums.push(new Float64Array(dim));
      sub[from + r] = g;
      for (let c = 0; c < dim; c++) sums[g][c] += block[r * dim + c];
    }
  }
  const reps = new Float32Array(sums.length * dim);
  sums.forEach((v, g) => {
    for (let c = 0; c < dim; c++) reps[g * dim + c] = v[c];
  });
  const top = clusterEmbeddings(reps, sums.length, dim, { ...options, exactLimit: limit });
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = top[sub[r]];
  return out;
}

/**
 * The condensed matrix of 1 - a.b (floored at 0) over the rows, pair (i, j > i) at the usual index.
 * Each dot product is summed in double over c = 0..dim-1 in order and rounded to float32 as before;
 * four pairs are summed side by side, sharing row i's loads and giving the CPU four independent
 * sums, identical bits. The whole clustering of 1,501 x 256 embeddings (the benchmark's count): 444 ->
 * 249 ms CPU on 2 loaded cores, same labels.
 */
function cosineDistances(normalised: Float32Array, rows: number, dim: number): Float64Array {
  const x = Float64Array.from(normalised);
  const distance = new Float64Array((rows * (rows - 1)) / 2);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const a = i * dim;
    let j = i + 1;
    for (; j + 3 < rows; j += 4) {
      const b0 = j * dim;
      const b1 = b0 + dim;
      const b2 = b1 + dim;
      const b3 = b2 + dim;
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      for (let c = 0; c < dim; c++) {
        const v = x[a + c];
        d0 += v * x[b0 + c];
        d1 += v * x[b1 + c];
        d2 += v * x[b2 + c];
        d3 += v * x[b3 + c];
      }
      distance[k++] = Math.max(0, 1 - f32(d0));
      distance[k++] = Math.max(0, 1 - f32(d1));
      distance[k++] = Math.max(0, 1 - f32(d2));
      distance[k++] = Math.max(0, 1 - f32(d3));
    }
    for (; j < rows; j++) {
      const b = j * dim;
      let dot = 0;
      for (let c = 0; c < dim; c++) dot += x[a + c] * x[b + c];
      distance[k++] = Math.max(0, 1 - f32(dot));
    }
  }
  return distance;
}

/** Complete linkage; returns R's merge matrix (column-major, 2 x (n-1)) and the heights. */
export function hclustComplete(
  n: number,
  distance: Float64Array,
  overwrite = false,
): { merge: Int32Array; height: Float64Array } {
  // The matrix is updated as clusters merge: on a copy unless the caller has no more use for it.
  const D = overwrite ? distance : Float64Array.from(distance);
  const at = (r: number, c: number) => ((2 * n - 3 - r) * r) / 2 + c - 1; // r < c
  const steps: { node1: number; node2: number; dist: number }[] = [];
  // doubly linked list of active nodes
  const succ = new Int32Array(n + 1);
  const pred = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    pred[i + 1] = i;
    succ[i] = i + 1;
  }
  let start = 0;
  const remove = (idx: number) => {
    if (idx === start) start = succ[idx];
    else {
      succ[pred[idx]] = succ[idx];
      pred[succ[idx]] = pred[idx];
    }
    succ[idx] = 0;
  };
  const chain = new Int32Array(n);
  let tip = 0;
  let idx1: number;
  let idx2: number;
  let min: number;
  for (let j = 0; j < n - 1; j++) {
    if (tip <= 3) {
      chain[0] = idx1 = start;
      tip = 1;
      idx2 = succ[idx1];
      min = D[at(idx1, idx2)];
      for (let i = succ[idx2]; i < n; i = succ[i]) {
        if (D[at(idx1, i)] < min) {
          min = D[at(idx1, i)];
          idx2 = i;
        }
      }
    } else {
      tip -= 3;
      idx1 = chain[tip - 1];
      idx2 = chain[tip];
      min = idx1 < idx2 ? D[at(idx1, idx2)] : D[at(idx2, idx1)];
    }
    do {
      chain[tip] = idx2;
      for (let i = start; i < idx2; i = succ[i]) {
        if (D[at(i, idx2)] < min) {
          min = D[at(i, idx2)];
          idx1 = i;
        }
      }
      for (let i = succ[idx2]; i < n; i = succ[i]) {
        if (D[at(idx2, i)] < min) {
          min = D[at(idx2, i)];
          idx1 = i;
        }
      }
      idx2 = idx1;
      idx1 = chain[tip++];
    } while (idx2 !== chain[tip - 2]);
    steps.push({ node1: idx1, node2: idx2, dist: min });
    if (idx1 > idx2) [idx1, idx2] = [idx2, idx1];
    remove(idx1);
    let i = start;
    for (; i < idx1; i = succ[i]) D[at(i, idx2)] = Math.max(D[at(i, idx2)], D[at(i, idx1)]);
    for (; i < idx2; i = succ[i]) D[at(i, idx2)] = Math.max(D[at(i, idx2)], D[at(idx1, i)]);
    for (i = succ[idx2]; i < n; i = succ[i]) D[at(idx2, i)] = Math.max(D[at(idx2, i)], D[at(idx1, i)]);
  }
  // generate_R_dendrogram<false>: stable sort by distance, union-find for the cluster ids.
  steps.sort((a, b) => (a.dist < b.dist ? -1 : b.dist < a.dist ? 1 : 0));
  const parent = new Int32Array(2 * n - 1);
  let nextParent = n;
  const find = (x: number) => {
    while (parent[x] !== 0) x = parent[x];
    return x;
  };
  const merge = new Int32Array(2 * (n - 1));
  const height = new Float64Array(n - 1);
  for (let s = 0; s < n - 1; s++) {
    let a = find(steps[s].node1);
    let b = find(steps[s].node2);
    parent[a] = parent[b] = nextParent++;
    if (a > b) [a, b] = [b, a];
    merge[s] = a < n ? -a - 1 : a - n + 1;
    merge[s + n - 1] = b < n ? -b - 1 : b - n + 1;
    height[s] = steps[s].dist;
  }
  return { merge, height };
}

export function cutreeK(n: number, merge: Int32Array, nclust: number, labels: Int32Array): void {
  if (nclust > n || nclust < 2) {
    labels.fill(0);
    return;
  }
  const lastMerge = new Int32Array(n);
  for (let k = 1; k <= n - nclust; k++) {
    let m1 = merge[k - 1];
    const m2 = merge[n - 1 + k - 1];
    if (m1 < 0 && m2 < 0) {
      lastMerge[-m1 - 1] = lastMerge[-m2 - 1] = k;
    } else if (m1 < 0 || m2 < 0) {
      let j: number;
      if (m1 < 0) {
        j = -m1;
        m1 = m2;
      } else j = -m2;
      for (let l = 0; l < n; l++) if (lastMerge[l] === m1) lastMerge[l] = k;
      lastMerge[j - 1] = k;
    } else {
      for (let l = 0; l < n; l++) if (lastMerge[l] === m1 || lastMerge[l] === m2) lastMerge[l] = k;
    }
  }
  let label = 0;
  const z = new Int32Array(n).fill(-1);
  for (let j = 0; j < n; j++) {
    if (lastMerge[j] === 0) labels[j] = label++;
    else {
      if (z[lastMerge[j]] < 0) z[lastMerge[j]] = label++;
      labels[j] = z[lastMerge[j]];
    }
  }
}

export function cutreeCdist(
  n: number,
  merge: Int32Array,
  height: Float64Array,
  cdist: number,
  labels: Int32Array,
): void {
  let k = 0;
  for (; k < n - 1; k++) if (height[k] >= cdist) break;
  cutreeK(n, merge, n - k, labels);
}
