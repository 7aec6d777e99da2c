// The clustering's bound (clustering.ts): up to the exact limit it is sherpa-onnx's complete linkage
// (the parity tests prove that); beyond it the two-stage path must find the same speakers on a long
// input, in both modes, and agree with the exact clustering where both run on well-separated voices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterEmbeddings, EXACT_CLUSTERING_LIMIT } from '../../../../daemon/diarization/clustering';

/** `rows` embeddings of `speakers` voices taking turns in runs, each a voice's direction plus noise. */
function voices(rows: number, speakers: number, dim: number, noise: number, seed = 1) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const centres = Array.from({ length: speakers }, () => Float32Array.from({ length: dim }, () => rand()));
  const truth = new Int32Array(rows);
  const data = new Float32Array(rows * dim);
  let who = 0;
  for (let r = 0; r < rows; r++) {
    if (r % 7 === 0) who = Math.floor((rand() + 0.5) * speakers) % speakers;
    truth[r] = who;
    for (let c = 0; c < dim; c++) data[r * dim + c] = centres[who][c] * 3 + rand() * noise;
  }
  return { data, truth };
}

/** True when the labels are the truth up to renaming. */
function samePartition(labels: Int32Array, truth: Int32Array): boolean {
  const a = new Map<number, number>();
  const b = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    if ((a.get(labels[i]) ?? truth[i]) !== truth[i] || (b.get(truth[i]) ?? labels[i]) !== labels[i]) return false;
    a.set(labels[i], truth[i]);
    b.set(truth[i], labels[i]);
  }
  return true;
}

test('beyond the exact limit the two-stage clustering finds the same speakers (threshold and fixed count)', () => {
  const rows = EXACT_CLUSTERING_LIMIT + 2500;
  const { data, truth } = voices(rows, 4, 32, 0.6);
  const byThreshold = clusterEmbeddings(data, rows, 32, { numClusters: -1, threshold: 0.5 });
  assert.equal(Math.max(...byThreshold) + 1, 4);
  assert.ok(samePartition(byThreshold, truth), 'threshold: every embedding with its own voice');
  const byCount = clusterEmbeddings(data, rows, 32, { numClusters: 4, threshold: 0.5 });
  assert.ok(samePartition(byCount, truth), 'fixed count: every embedding with its own voice');
});

test('the two-stage path agrees with the exact clustering where both run, blocks and recursion included', () => {
  const { data, truth } = voices(900, 3, 16, 0.5, 7);
  const exact = clusterEmbeddings(data, 900, 16, { numClusters: -1, threshold: 0.5 });
  assert.ok(samePartition(exact, truth));
  // 50 a block: 18 blocks, and their sub-clusters (>= 54) are more than 50, so stage 2 recurses.
  const staged = clusterEmbeddings(data, 900, 16, { numClusters: -1, threshold: 0.5, exactLimit: 50 });
  assert.ok(samePartition(staged, exact));
  const stagedK = clusterEmbeddings(data, 900, 16, { numClusters: 3, threshold: 0.5, exactLimit: 50 });
  assert.ok(samePartition(stagedK, exact));
});

test('the two-stage path keeps voices apart that the threshold separates, and merges one voice', () => {
  const one = voices(300, 1, 16, 0.5, 3);
  const labels = clusterEmbeddings(one.data, 300, 16, { numClusters: -1, threshold: 0.5, exactLimit: 40 });
  assert.deepEqual([...new Set(labels)], [0]);
});
