// Global CMVN for SenseVoice: y = (x + neg_mean) * inv_stddev per dimension, as sherpa-onnx's
// ApplyCMVN does it (an Eigen float expression: the add rounded to float, then the multiply), and
// the parser for FunASR's am.mvn, where the same two vectors live.

import type { FeatureMatrix } from './featureMatrix';

const f32 = Math.fround;

/** The two CMVN vectors, one value per feature dimension (560 for SenseVoice). */
export interface Cmvn {
  negMean: Float32Array;
  invStddev: Float32Array;
}

/** Normalises `features` in place and returns it. Throws if the dimensions disagree. */
export function applyCmvn({ features, cmvn }: { features: FeatureMatrix; cmvn: Cmvn }): FeatureMatrix {
  const { negMean, invStddev } = cmvn;
  const dim = features.dim;
  if (negMean.length !== dim || invStddev.length !== dim) {
    throw new RangeError(
      `applyCmvn: features have dim ${dim} but CMVN has ${negMean.length} means and ${invStddev.length} scales`,
    );
  }
  const data = features.data;
  const n = features.frames * dim;
  for (let base = 0; base < n; base += dim) {
    // sherpa-onnx: (x + neg_mean) * inv_stddev; the sum is rounded to float before the product.
    for (let d = 0; d < dim; d++) data[base + d] = f32(data[base + d] + negMean[d]) * invStddev[d];
  }
  return features;
}

/**
 * Parses FunASR's am.mvn (a Kaldi nnet1 text file):
 *
 *   <Nnet>
 *   <Splice> 560 560
 *   [ 0 ]
 *   <AddShift> 560 560
 *   <LearnRateCoef> 0 [ -8.31 ... ]     <- neg_mean
 *   <Rescale> 560 560
 *   <LearnRateCoef> 0 [ 0.155 ... ]     <- inv_stddev
 *   </Nnet>
 *
 * Values are read as float32, as FunASR and sherpa-onnx store them. Throws an Error naming what
 * is wrong when a section is missing, a value is not a number, or a vector has the wrong length.
 */
export function parseAmMvn({ text, expectedDim = 560 }: { text: string; expectedDim?: number }): Cmvn {
  const negMean = readVector(text, 'AddShift', expectedDim);
  const invStddev = readVector(text, 'Rescale', expectedDim);
  return { negMean, invStddev };
}

function readVector(text: string, section: string, expectedDim: number): Float32Array {
  const tag = `<${section}>`;
  const at = text.indexOf(tag);
  if (at < 0) throw new Error(`am.mvn: no ${tag} section`);
  // The vector is the first [ ... ] after the section's <LearnRateCoef>, before any other section.
  const rest = text.slice(at + tag.length);
  const coef = rest.indexOf('<LearnRateCoef>');
  const nextSection = rest.search(/<(?!LearnRateCoef>)[A-Za-z/]/);
  if (coef < 0 || (nextSection >= 0 && nextSection < coef)) {
    throw new Error(`am.mvn: ${tag} has no <LearnRateCoef> [ ... ] row`);
  }
  const open = rest.indexOf('[', coef);
  const close = open < 0 ? -1 : rest.indexOf(']', open);
  if (open < 0 || close < 0) throw new Error(`am.mvn: ${tag} row has no [ ... ] vector`);
  const between = rest.slice(coef + '<LearnRateCoef>'.length, open).trim();
  if (!/^[-+0-9.eE]*$/.test(between))
    throw new Error(`am.mvn: unexpected text before the ${tag} vector: "${between.slice(0, 40)}"`);
  const tokens = rest
    .slice(open + 1, close)
    .trim()
    .split(/\s+/)
    .filter((s) => s.length > 0);
  if (tokens.length !== expectedDim) {
    throw new Error(`am.mvn: ${tag} has ${tokens.length} values, expected ${expectedDim}`);
  }
  const out = new Float32Array(expectedDim);
  for (let i = 0; i < tokens.length; i++) {
    const v = Number(tokens[i]);
    if (!Number.isFinite(v)) throw new Error(`am.mvn: ${tag} value ${i} is not a number: "${tokens[i]}"`);
    out[i] = v;
  }
  return out;
}
