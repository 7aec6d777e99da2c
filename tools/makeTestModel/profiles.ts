// Model sizes. `tiny` is the synthetic network the tests use; `full` is a replica of SenseVoiceSmall's
// real shapes and operators (560 -> 512, 1 + 49 SAN-M blocks and 20 "tp" blocks, 25055-way CTC) with
// random weights, for benchmarks (fullGraph.ts; streamed to disk, never built in memory).
import { UsageError } from './usageError';

export interface TinyProfile {
  readonly name: 'tiny';
  /** LFR feature width: 80 mel bins x 7 stacked frames. */
  readonly featureDim: number;
  /** Width of the per-frame encoder (tanh units); unit 0 is the loudness detector. */
  readonly hidden: number;
  /** Width of the CTC head's input. */
  readonly headDim: number;
  /** Depthwise temporal smoothing kernel (frames), the FSMN memory's stand-in; odd. */
  readonly smoothKernel: number;
  /** Text pieces with full-size output weights; the rest of the vocabulary never wins a frame. */
  readonly activeVocab: number;
  readonly gains: TinyGains;
}

/** Scales of the random weights, tuned on the clips in test/fixtures/audio (see README.md here). */
export interface TinyGains {
  /** Std of x·W1 for unit-variance features. */
  readonly encoder: number;
  /** Loudness unit: tanh(slope * (mean feature - threshold)); CMVN'd silence sits near -0.7, speech above 0. */
  readonly loudnessSlope: number;
  readonly loudnessThreshold: number;
  /** Std of the head's pre-activation per unit of input. */
  readonly head: number;
  /** Std of an active text piece's output weight; inactive pieces get `inactive` times that. */
  readonly active: number;
  readonly inactive: number;
  /**
   * Blank gate (blank logit minus the best text logit) = blankBias - blankLoudness * loudness unit
   * + a random direction of the encoder (norm blankRandom) high-passed over time: positive in
   * silence always, in speech about half the time.
   */
  readonly blankBias: number;
  readonly blankLoudness: number;
  readonly blankRandom: number;
  /**
   * Tag scores = the clip's mean feature frame . w, w ~ N(0, tags^2 / 560): mean frames of different
   * clips lie ~4.5 apart, so scores differ between clips by ~tags * 4.5 / sqrt(560), about 3.
   */
  readonly tags: number;
  /** Score bonus of <|NEUTRAL|> and <|Speech|>: the real model mostly emits them. */
  readonly neutralBonus: number;
  readonly speechBonus: number;
  /** Bias of <|EMO_UNKNOWN|>'s lead over the best real emotion (negative: it wins less often). */
  readonly unknownLead: number;
  /** Std of the language/text-norm conditioning added to the text frames. */
  readonly conditioning: number;
}

/** SenseVoiceSmall's encoder (FunASR SenseVoiceEncoderSmall) and CTC head, as REFERENCE.md gives them. */
export interface FullProfile {
  readonly name: 'full';
  readonly featureDim: number;
  readonly dModel: number;
  readonly heads: number;
  readonly ffn: number;
  /** Depthwise FSMN memory kernel over time (frames); odd. */
  readonly fsmnKernel: number;
  /** `encoders0` (560 -> 512, no residual) and `encoders` (512 -> 512): 1 + 49 SAN-M blocks. */
  readonly blocks: number;
  /** `tp_encoders`: SAN-M blocks after `after_norm`, then `tp_norm`. */
  readonly tpBlocks: number;
  /** Rows of the query embedding table (7 + 7 language ids + 2 text-norm ids in FunASR). */
  readonly queryEmbeddings: number;
  /** Added to the blank's CTC bias: ~half the text frames decode to blank, as speech does. */
  readonly blankBias: number;
}

export type Profile = TinyProfile | FullProfile;
export const PROFILE_NAMES = ['tiny', 'full'] as const;

const TINY: TinyProfile = {
  name: 'tiny',
  featureDim: 560,
  hidden: 64,
  headDim: 32,
  smoothKernel: 3,
  activeVocab: 1024,
  gains: {
    encoder: 6,
    loudnessSlope: 4,
    loudnessThreshold: -0.3,
    head: 4,
    active: 1,
    inactive: 0.15,
    blankBias: 4.3,
    blankLoudness: 4,
    blankRandom: 3,
    tags: 15,
    neutralBonus: 1,
    speechBonus: 1,
    unknownLead: -1,
    conditioning: 0.3,
  },
};

export const FULL: FullProfile = {
  name: 'full',
  featureDim: 560,
  dModel: 512,
  heads: 4,
  ffn: 2048,
  fsmnKernel: 11,
  blocks: 50,
  tpBlocks: 20,
  queryEmbeddings: 16,
  blankBias: 4,
};

/** The profile called `name`, or a UsageError that lists the ones that exist. */
export function resolveProfile(name: string): Profile {
  if (name === 'tiny') return TINY;
  if (name === 'full') return FULL;
  throw new UsageError(`unknown profile '${name}'; available: ${PROFILE_NAMES.join(', ')}`);
}
