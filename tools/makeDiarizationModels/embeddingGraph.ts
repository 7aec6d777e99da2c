// A synthetic speaker-embedding model with the 3D-Speaker contract sherpa-onnx reads
// (scripts/3dspeaker/export-onnx.py; speaker-embedding-extractor-model.cc): input `x` [N,T,80] kaldi
// fbank features (after the global-mean normalisation the metadata asks for), output `embedding`
// [N,192]. Not degenerate: the mean is already gone, so it keys on the spectrum's shape over time,
//
//   v = log(mean_t (x W1)^2 + eps)       a fixed random projection's variances (W1: 80 x 64)
//   embedding = (v - mean(v)) W2          loudness removed, spread over 192 dims (W2: 64 x 192)
//
// so voices with different spectra get embeddings far apart in cosine distance.
//
// The WeSpeaker variant (framework wespeaker, normalize_samples 0, no feature_normalize_type: the
// features of samples * 32768, not mean-normalised) keys on the mean spectrum instead, which is
// steadier on short pieces: embedding = (m - mean(m)) W2 with m = mean_t x (W2: 80 x 256).
import { DataType, GraphBuilder } from '../../common/onnx/graphBuilder';
import { SeededRandom } from '../makeTestModel/seededRandom';

export const EMBEDDING_CONTRACT = { featureDim: 80, outputDim: 192, sampleRate: 16000, hidden: 64 } as const;
export const WESPEAKER_OUTPUT_DIM = 256;

export type EmbeddingFramework = '3d-speaker' | 'wespeaker';

function randomMatrix(seed: number, name: string, rows: number, cols: number, scale: number): Float32Array {
  const rng = new SeededRandom(seed, name);
  return Float32Array.from({ length: rows * cols }, () => rng.normal() * scale);
}

export function buildEmbeddingGraph(seed: number, framework: EmbeddingFramework = '3d-speaker'): GraphBuilder {
  const { featureDim: F, outputDim: D, hidden: H } = EMBEDDING_CONTRACT;
  const g = new GraphBuilder('speaker_embedding_synthetic');
  const x = g.input(framework === 'wespeaker' ? 'feats' : 'x', DataType.FLOAT, ['N', 'T', F]);
  if (framework === 'wespeaker') {
    const W = WESPEAKER_OUTPUT_DIM;
    const m = g.op('ReduceMean', [x], 'mean_spectrum', { axes: [1], keepdims: 0 });
    const centred = g.op(
      'Sub',
      [m, g.op('ReduceMean', [m], 'mean_level', { axes: [1], keepdims: 1 })],
      'spectrum_shape',
    );
    const w = g.floats('spread', [F, W], randomMatrix(seed, 'wespeaker_spread', F, W, 1 / Math.sqrt(F)));
    g.node('MatMul', [centred, w], 'embs', {}, ['embs']);
    g.output('embs', DataType.FLOAT, ['N', W]);
    return g;
  }
  const w1 = g.floats('projection', [F, H], randomMatrix(seed, 'projection', F, H, 1 / Math.sqrt(F)));
  const w2 = g.floats('spread', [H, D], randomMatrix(seed, 'spread', H, D, 1 / Math.sqrt(H)));
  const p = g.op('MatMul', [x, w1], 'projected');
  const variance = g.op('ReduceMean', [g.op('Mul', [p, p], 'projected_sq')], 'variance', { axes: [1], keepdims: 0 });
  const v = g.op('Log', [g.op('Add', [variance, g.floats('eps', [], [1e-6])], 'variance_eps')], 'log_variance');
  const centred = g.op('Sub', [v, g.op('ReduceMean', [v], 'log_variance_mean', { axes: [1], keepdims: 1 })], 'centred');
  g.node('MatMul', [centred, w2], 'embedding', {}, ['embedding']);
  g.output('embedding', DataType.FLOAT, ['N', D]);
  return g;
}

/** The metadata keys sherpa-onnx reads, with the values each project's export writes. */
export function embeddingMetadata(framework: EmbeddingFramework = '3d-speaker'): [string, string][] {
  const c = EMBEDDING_CONTRACT;
  if (framework === 'wespeaker')
    return [
      ['framework', 'wespeaker'],
      ['language', 'English'],
      ['url', 'synthetic'],
      ['comment', 'sensevoice-make-diarization-models: synthetic test model'],
      ['sample_rate', String(c.sampleRate)],
      ['output_dim', String(WESPEAKER_OUTPUT_DIM)],
      ['normalize_samples', '0'],
    ];
  return [
    ['framework', framework],
    ['language', 'English'],
    ['url', 'synthetic'],
    ['comment', 'sensevoice-make-diarization-models: synthetic test model'],
    ['sample_rate', String(c.sampleRate)],
    ['output_dim', String(c.outputDim)],
    ['normalize_samples', '1'],
    ['feature_normalize_type', 'global-mean'],
  ];
}
