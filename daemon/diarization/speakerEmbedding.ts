// One speaker embedding from the samples of one (window, local speaker) pair, as sherpa-onnx's
// general (WeSpeaker / 3D-Speaker) extractor computes it: kaldi fbank with sherpa-onnx's default
// front end (80 bins, povey window, no snip_edges, dither 0, 20 Hz to Nyquist - 400 Hz, samples
// scaled by 32768 unless normalize_samples: embeddingFeatures.ts), the global mean subtracted for
// 3D-Speaker, then the model.
import * as ort from 'onnxruntime-node';
import type { FeatureMatrix } from '../features/featureMatrix';
import type { EmbeddingMeta, LoadedModel } from './diarizationModels';

const f32 = Math.fround;

/** The embedding from the features of the pair's pieces back to back (embeddingFeatures.ts; normalised here in place), or null when it has NaNs (sherpa drops those). */
export async function computeEmbedding(
  model: LoadedModel<EmbeddingMeta>,
  feats: FeatureMatrix,
): Promise<Float32Array | null> {
  const { frames, dim, data } = feats;
  if (frames === 0) return null;
  if (model.meta.featureNormalizeType === 'global-mean') {
    for (let c = 0; c < dim; c++) {
      let sum = 0;
      for (let t = 0; t < frames; t++) sum = f32(sum + data[t * dim + c]);
      const mean = f32(sum / frames);
      for (let t = 0; t < frames; t++) data[t * dim + c] = data[t * dim + c] - mean;
    }
  }
  const out = await model.session.run({
    [model.inputName]: new ort.Tensor('float32', data.subarray(0, frames * dim), [1, frames, dim]),
  });
  const e = out[model.outputName];
  const values = Float32Array.from((e.data as Float32Array).subarray(0, model.meta.outputDim));
  for (const v of Object.values(out)) v.dispose?.();
  return values.some((v) => Number.isNaN(v)) ? null : values;
}
