// The tiny network's weights, drawn from a seed. Both layouts and the int8 variant are built from the
// same TinyWeights, so one seed gives one model whatever its file names.
import type { TinyProfile } from './profiles';
import { SeededRandom } from './seededRandom';
import { EMOTIONS, EVENTS, FIRST_SPECIAL_ID, LANGUAGES, QUERY_FRAMES, VOCAB_SIZE } from './tagIds';

/** A float tensor with its shape (row-major). */
export interface FloatTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Columns of the tag head's score vector, one block per query frame's category. */
export const TAG_SCORES = {
  language: { start: 0, count: LANGUAGES.length },
  emotion: { start: LANGUAGES.length, count: EMOTIONS.length },
  /** Its tanh, times UNKNOWN_LEAD (tinyGraph.ts), is how far <|EMO_UNKNOWN|> leads the best real emotion. */
  unknownLead: { start: LANGUAGES.length + EMOTIONS.length, count: 1 },
  event: { start: LANGUAGES.length + EMOTIONS.length + 1, count: EVENTS.length },
  textNorm: { start: LANGUAGES.length + EMOTIONS.length + 1 + EVENTS.length, count: 2 },
} as const;
export const TAG_SCORE_COUNT = TAG_SCORES.textNorm.start + TAG_SCORES.textNorm.count;

export interface TinyWeights {
  /** Frame encoder: x [N,T,F] @ w1 [F,H] + b1, tanh. Unit 0 measures loudness. */
  readonly w1: FloatTensor;
  readonly b1: FloatTensor;
  /** Depthwise smoothing over time, Conv weight [H,1,K]. */
  readonly smooth: FloatTensor;
  /** Conditioning added to the smoothed frames: rows for forced languages [6,H] and text norms [2,H]. */
  readonly languageEmbedding: FloatTensor;
  readonly textNormEmbedding: FloatTensor;
  /** CTC head: tanh(s @ w2 + b2) @ wOut + bOut. */
  readonly w2: FloatTensor;
  readonly b2: FloatTensor;
  readonly wOut: FloatTensor;
  readonly bOut: FloatTensor;
  /** Blank gate: how far the blank logit sits above the best text piece; see makeTinyWeights. */
  readonly blankGate: FloatTensor;
  readonly blankVary: FloatTensor;
  readonly blankBias: FloatTensor;
  /** Per-query-frame offsets of the head's input [4,D] (their text logits are then pushed down). */
  readonly queryEmbedding: FloatTensor;
  /** Tag head: the utterance's mean feature frame [N,F] @ tagW [F,S] + tagB, S = TAG_SCORE_COUNT. */
  readonly tagW: FloatTensor;
  readonly tagB: FloatTensor;
  /** The text pieces whose output weights are full size, ascending. */
  readonly activeIds: readonly number[];
}

function tensor(dims: number[]): FloatTensor {
  return { dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) };
}

function fillNormal(t: FloatTensor, rng: SeededRandom, std: number): FloatTensor {
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal() * std;
  return t;
}

export function makeTinyWeights(profile: TinyProfile, seed: number): TinyWeights {
  const { featureDim: F, hidden: H, headDim: D, smoothKernel: K, gains } = profile;
  const V = VOCAB_SIZE;
  const rng = (name: string) => new SeededRandom(seed, name);

  // Encoder: random tanh units with zero bias (CMVN'd features are centred on 0), and unit 0, a
  // loudness detector reading the mean of all 560 features.
  const w1 = fillNormal(tensor([F, H]), rng('w1'), gains.encoder / Math.sqrt(F));
  const b1 = tensor([H]);
  for (let f = 0; f < F; f++) w1.data[f * H] = gains.loudnessSlope / F;
  b1.data[0] = -gains.loudnessSlope * gains.loudnessThreshold;

  // Positive, peaked kernels: neighbouring frames agree, which gives CTC repeats.
  const smooth = tensor([H, 1, K]);
  const r = rng('smooth');
  const mid = (K - 1) / 2;
  for (let h = 0; h < H; h++) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const v = (mid + 1 - Math.abs(k - mid)) * (0.75 + 0.5 * r.uniform());
      smooth.data[h * K + k] = v;
      sum += v;
    }
    for (let k = 0; k < K; k++) smooth.data[h * K + k] = (smooth.data[h * K + k] as number) / sum;
  }

  const languageEmbedding = fillNormal(tensor([LANGUAGES.length, H]), rng('languageEmbedding'), gains.conditioning);
  const textNormEmbedding = fillNormal(tensor([2, H]), rng('textNormEmbedding'), gains.conditioning);
  for (let i = 0; i < LANGUAGES.length; i++) languageEmbedding.data[i * H] = 0;
  for (let i = 0; i < 2; i++) textNormEmbedding.data[i * H] = 0;

  // Head. Unit 0 of the head copies the loudness unit so the blank logit can read it.
  const w2 = fillNormal(tensor([H, D]), rng('w2'), gains.head / Math.sqrt(H));
  for (let h = 1; h < H; h++) w2.data[h * D] = 0;
  w2.data[0] = 3;
  const b2 = fillNormal(tensor([D]), rng('b2'), 0.2);
  b2.data[0] = 0;

  const ids: number[] = [];
  for (let id = 3; id < FIRST_SPECIAL_ID; id++) ids.push(id);
  const activeIds = rng('activeIds')
    .shuffle(ids)
    .slice(0, profile.activeVocab)
    .sort((a, b) => a - b);
  const active = new Set(activeIds);

  const wOut = tensor([D, V]);
  const bOut = tensor([V]);
  const rw = rng('wOut');
  const rb = rng('bOut');
  const column = new Float32Array(D);
  for (let v = 0; v < V; v++) {
    for (let d = 0; d < D; d++) column[d] = rw.normal();
    // Active pieces all get the same norm, so each owns a similar share of the head's space (variety)
    // instead of a few long columns winning everywhere.
    let scale = gains.active * gains.inactive;
    if (v === 0)
      scale = 0; // the blank's logit comes from the gate below
    else if (active.has(v)) {
      let norm = 0;
      for (let d = 1; d < D; d++) norm += (column[d] as number) ** 2;
      scale = (gains.active * Math.sqrt(D)) / Math.sqrt(norm);
      column[0] = 0; // the loudness unit only drives the blank gate
    }
    for (let d = 0; d < D; d++) wOut.data[d * V + v] = (column[d] as number) * scale;
    bOut.data[v] = active.has(v) ? rb.normal() * 0.3 : 0;
  }
  // <s>, </s> and the <|...|> tags never win a text frame; the blank column is replaced by the gate.
  bOut.data[0] = -30;
  bOut.data[1] = -30;
  bOut.data[2] = -30;
  for (let v = FIRST_SPECIAL_ID; v < V; v++) bOut.data[v] = -30;

  // Blank gate: blank logit = best text logit + gate, gate = bias - loudness * g0 + varying part
  // (see tinyGraph.ts). Silence (g0 near -1) always gives blank.
  const blankGate = tensor([D, 1]);
  blankGate.data[0] = -gains.blankLoudness;
  const blankVary = fillNormal(tensor([H, 1]), rng('blankVary'), gains.blankRandom / Math.sqrt(H));
  blankVary.data[0] = 0;
  const blankBias = tensor([1]);
  blankBias.data[0] = gains.blankBias;

  const queryEmbedding = fillNormal(tensor([QUERY_FRAMES, D]), rng('queryEmbedding'), 0.5);

  const tagW = fillNormal(tensor([F, TAG_SCORE_COUNT]), rng('tagW'), gains.tags / Math.sqrt(F));
  const tagB = tensor([TAG_SCORE_COUNT]);
  // Small distinct biases so that even an all-zero input has no tied tags.
  for (let i = 0; i < TAG_SCORE_COUNT; i++) tagB.data[i] = 0.01 * (TAG_SCORE_COUNT - i);
  // Auto language detection never answers <|nospeech|>; only forcing it (language 13) does.
  tagB.data[TAG_SCORES.language.start + LANGUAGES.length - 1] = -10;
  tagB.data[TAG_SCORES.emotion.start + EMOTIONS.findIndex((e) => e.tag === '<|NEUTRAL|>')] += gains.neutralBonus;
  tagB.data[TAG_SCORES.event.start] += gains.speechBonus;
  tagB.data[TAG_SCORES.unknownLead.start] = gains.unknownLead;

  return {
    w1,
    b1,
    smooth,
    languageEmbedding,
    textNormEmbedding,
    w2,
    b2,
    wOut,
    bOut,
    blankGate,
    blankVary,
    blankBias,
    queryEmbedding,
    tagW,
    tagB,
    activeIds,
  };
}
