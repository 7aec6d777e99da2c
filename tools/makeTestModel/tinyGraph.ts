// The tiny SenseVoice-shaped network (README.md in this folder says why it is built this way):
//
//   x [N,T,560] --MatMul, tanh--> h [N,T,H] (unit 0: loudness); frames past the length masked to 0
//   h --depthwise Conv over time--> s; s + language/text-norm embedding --MatMul, tanh--> g [N,T,D]
//   g --MatMul--> text logits [N,T,V]; blank = best text logit + gate (silence: always blank)
//   mean_t(x) --MatMul--> tag scores --> 4 query frames [N,4,V]: language, emotion, event, text norm
//   logits = concat(query frames, text frames) [N,T+4,V]
import { DataType, GraphBuilder } from '../../common/onnx/graphBuilder';
import { quantizedMatMul } from './int8';
import {
  EMOTIONS,
  EMO_UNKNOWN_ID,
  EVENTS,
  FIRST_SPECIAL_ID,
  LANGUAGES,
  QUERY_FRAMES,
  VOCAB_SIZE,
  WITHOUT_ITN,
  WITH_ITN,
} from './tagIds';
import { TAG_SCORES, TAG_SCORE_COUNT, type FloatTensor, type TinyWeights } from './weights';

/** Tensor names of one layout's graph inputs and outputs. */
export interface GraphNames {
  readonly features: string;
  readonly lengths: string;
  readonly language: string;
  readonly textNorm: string;
  readonly logits: string;
  /** Present in the FunASR layout: lengths + 4. */
  readonly outputLengths?: string;
}

/**
 * Query-frame logits: each category's scores are shifted so its best tag sits at TAG_OFFSET (the
 * others below by their score gaps), tags of other categories at OFF_CATEGORY and text pieces below
 * about -5: every frame decodes to a tag of its kind whatever the input.
 */
const TAG_OFFSET = 15;
const OFF_CATEGORY = -25;
const QUERY_TEXT_OFFSET = -20;
/** Added to the forced language's score; the audio's own scores stay within +-AUDIO_LANGUAGE_RANGE. */
const FORCED_LANGUAGE_BONUS = 40;
const AUDIO_LANGUAGE_RANGE = 8;
/** Text-norm scores: +B for the requested tag, and B/2 for <|woitn|> as the default. */
const TEXT_NORM_BONUS = 20;
/** How far <|EMO_UNKNOWN|> can lead or trail the best real emotion. */
export const UNKNOWN_LEAD = 1.5;

const TAG_REGION = VOCAB_SIZE - FIRST_SPECIAL_ID;
/** Frames of the blank gate's high-pass window (odd). */
const BLANK_WINDOW = 9;

export function buildTinyGraph(w: TinyWeights, names: GraphNames, int8: boolean): GraphBuilder {
  const g = new GraphBuilder('sensevoice_synthetic_tiny');
  const H = w.b1.dims[0] as number;
  const F = w.w1.dims[0] as number;
  const K = w.smooth.dims[2] as number;

  const x = g.input(names.features, DataType.FLOAT, ['N', 'T', F]);
  const lengths = g.input(names.lengths, DataType.INT32, ['N']);
  const language = g.input(names.language, DataType.INT32, ['N']);
  const textNorm = g.input(names.textNorm, DataType.INT32, ['N']);

  const matmul = (
    weightName: string,
    weight: FloatTensor,
    quantize: boolean,
  ): ((a: string, hint: string) => string) => {
    if (int8 && quantize) return quantizedMatMul(g, weightName, weight);
    const init = g.floats(weightName, weight.dims, weight.data);
    return (a, hint) => g.op('MatMul', [a, init], hint);
  };
  const c = {
    zero64: g.int64s('const_zero_i64', [], [0]),
    one64: g.int64s('const_one_i64', [], [1]),
    one64_1: g.int64s('const_one_i64_1d', [1], [1]),
    axis0: g.int64s('const_axes_0', [1], [0]),
    axis1: g.int64s('const_axes_1', [1], [1]),
    axis2: g.int64s('const_axes_2', [1], [2]),
    oneF: g.floats('const_one_f', [], [1]),
  };

  // Valid-frame mask from the lengths, so padded frames of a batch change nothing.
  const t1 = g.op('Shape', [x], 'time_1d', { start: 1, end: 2 });
  const t = g.op('Squeeze', [t1, c.axis0], 'time');
  const steps = g.op('Range', [c.zero64, t, c.one64], 'steps');
  const stepsRow = g.op('Unsqueeze', [steps, c.axis0], 'steps_row');
  const len64 = g.op('Cast', [lengths], 'lengths_i64', { to: DataType.INT64 });
  const lenCol = g.op('Unsqueeze', [len64, c.axis1], 'lengths_col');
  const valid = g.op('Less', [stepsRow, lenCol], 'valid');
  const maskNT = g.op('Cast', [valid], 'mask_nt', { to: DataType.FLOAT });
  const mask = g.op('Unsqueeze', [maskNT, c.axis2], 'mask');
  const lenF = g.op('Cast', [lengths], 'lengths_f', { to: DataType.FLOAT });
  const lenSafe = g.op('Max', [lenF, c.oneF], 'lengths_safe');
  const lenDiv = g.op('Unsqueeze', [lenSafe, c.axis1], 'lengths_div');

  // One-hot of the forced language (zh en yue ja ko nospeech; auto and unknown ids: all zero) and
  // of the text norm (withitn, woitn).
  const langIds = g.int32s(
    'language_ids',
    [LANGUAGES.length],
    LANGUAGES.map((l) => l.input),
  );
  const tnIds = g.int32s('text_norm_ids', [2], [WITH_ITN.input, WITHOUT_ITN.input]);
  const langCol = g.op('Unsqueeze', [language, c.axis1], 'language_col');
  const langHot = g.op('Cast', [g.op('Equal', [langCol, langIds], 'language_eq')], 'language_hot', {
    to: DataType.FLOAT,
  });
  const tnCol = g.op('Unsqueeze', [textNorm, c.axis1], 'text_norm_col');
  const tnHot = g.op('Cast', [g.op('Equal', [tnCol, tnIds], 'text_norm_eq')], 'text_norm_hot', { to: DataType.FLOAT });

  // Frame encoder.
  const encode = matmul('encoder_weight', w.w1, true);
  const encoderBias = g.floats('encoder_bias', w.b1.dims, w.b1.data);
  const h = g.op('Tanh', [g.op('Add', [encode(x, 'encoder_mm'), encoderBias], 'encoder_pre')], 'encoder');
  const hm = g.op('Mul', [h, mask], 'encoder_masked');

  // Temporal smoothing (depthwise, 'same' padding).
  const hT = g.op('Transpose', [hm], 'encoder_nht', { perm: [0, 2, 1] });
  const sT = g.op('Conv', [hT, g.floats('smooth_weight', w.smooth.dims, w.smooth.data)], 'smooth_nht', {
    group: H,
    kernel_shape: [K],
    pads: [(K - 1) / 2, (K - 1) / 2],
  });
  const s = g.op('Transpose', [sT], 'smooth', { perm: [0, 2, 1] });

  const langEmb = g.op(
    'MatMul',
    [langHot, g.floats('language_embedding', w.languageEmbedding.dims, w.languageEmbedding.data)],
    'language_emb',
  );
  const tnEmb = g.op(
    'MatMul',
    [tnHot, g.floats('text_norm_embedding', w.textNormEmbedding.dims, w.textNormEmbedding.data)],
    'text_norm_emb',
  );
  const cond = g.op('Add', [langEmb, tnEmb], 'condition');
  const sc = g.op('Add', [s, g.op('Unsqueeze', [cond, c.axis1], 'condition_row')], 'smooth_cond');

  // CTC head on the text frames.
  const head = matmul('head_weight', w.w2, true);
  const headBias = g.floats('head_bias', w.b2.dims, w.b2.data);
  const hidden = g.op('Tanh', [g.op('Add', [head(sc, 'head_mm'), headBias], 'head_pre')], 'head');
  const out = matmul('ctc_weight', w.wOut, true);
  const outBias = g.floats('ctc_bias', w.bOut.dims, w.bOut.data);
  const textRaw = g.op('Add', [out(hidden, 'ctc_mm'), outBias], 'text_raw');
  // The blank's logit is the best text logit plus the gate: its sign alone says blank or text, so the
  // share of blanks does not hang on how large the text logits happen to be for a given seed.
  const best = g.op('ReduceMax', [textRaw], 'text_best', { axes: [2], keepdims: 1 });
  // Its varying part is a random direction of the smoothed encoder, high-passed over time (minus its
  // local mean over BLANK_WINDOW frames): zero-mean over any stretch of speech, so about half the
  // speech frames are blank whatever the seed or the clip's mix of speech and silence.
  const vary = g.op(
    'MatMul',
    [g.op('Mul', [s, mask], 'smooth_masked'), g.floats('blank_vary', w.blankVary.dims, w.blankVary.data)],
    'blank_vary_mm',
  );
  const highPass = new Float32Array(BLANK_WINDOW).fill(-1 / BLANK_WINDOW);
  highPass[(BLANK_WINDOW - 1) / 2] = 1 - 1 / BLANK_WINDOW;
  const varyT = g.op('Transpose', [vary], 'blank_vary_n1t', { perm: [0, 2, 1] });
  const variedT = g.op(
    'Conv',
    [varyT, g.floats('blank_high_pass', [1, 1, BLANK_WINDOW], highPass)],
    'blank_varied_n1t',
    {
      kernel_shape: [BLANK_WINDOW],
      pads: [(BLANK_WINDOW - 1) / 2, (BLANK_WINDOW - 1) / 2],
    },
  );
  const varied = g.op('Transpose', [variedT], 'blank_varied', { perm: [0, 2, 1] });
  const gate = g.op(
    'Add',
    [
      g.op(
        'Add',
        [
          g.op('MatMul', [hidden, g.floats('blank_gate', w.blankGate.dims, w.blankGate.data)], 'blank_loudness'),
          varied,
        ],
        'blank_gate_sum',
      ),
      g.floats('blank_gate_bias', [1], w.blankBias.data),
    ],
    'blank_gate_out',
  );
  const blank = g.op('Add', [best, gate], 'blank_logit');
  const pieces = g.op('Slice', [textRaw, c.one64_1, g.int64s('vocab_end', [1], [VOCAB_SIZE]), c.axis2], 'text_pieces');
  const textLogits = g.op('Concat', [blank, pieces], 'text_logits', { axis: 2 });

  // Utterance summary: the mean feature frame over valid frames. Linear on purpose: clips' mean
  // frames differ far more than they share, so scores read from it vary from clip to clip.
  const xm = g.op('Mul', [x, mask], 'features_masked');
  const sum = g.op('ReduceSum', [xm, c.axis1], 'summary_sum', { keepdims: 0 });
  const summary = g.op('Div', [sum, lenDiv], 'summary');

  // Query frames' text region: the summary through the encoder and head, plus a per-frame offset,
  // pushed down so only tags can win there.
  const qEnc = g.op(
    'Tanh',
    [g.op('Add', [encode(summary, 'query_encoder_mm'), encoderBias], 'query_encoder_pre')],
    'query_encoder',
  );
  const qIn = g.op('Add', [qEnc, cond], 'query_in');
  const qPre = g.op('Add', [head(qIn, 'query_head_mm'), headBias], 'query_head_pre');
  const qPre3 = g.op(
    'Add',
    [
      g.op('Unsqueeze', [qPre, c.axis1], 'query_head_row'),
      g.floats('query_embedding', w.queryEmbedding.dims, w.queryEmbedding.data),
    ],
    'query_head_pre3',
  );
  const qHidden = g.op('Tanh', [qPre3], 'query_head');
  const qAll = g.op('Add', [out(qHidden, 'query_ctc_mm'), outBias], 'query_ctc');
  const qText = g.op(
    'Slice',
    [qAll, g.int64s('query_text_start', [1], [0]), g.int64s('query_text_end', [1], [FIRST_SPECIAL_ID]), c.axis2],
    'query_text_raw',
  );
  const qTextLow = g.op('Add', [qText, g.floats('query_text_offset', [], [QUERY_TEXT_OFFSET])], 'query_text');

  // Tag scores, one block per query frame.
  const scores = g.op(
    'Add',
    [
      g.op('MatMul', [summary, g.floats('tag_weight', w.tagW.dims, w.tagW.data)], 'tag_mm'),
      g.floats('tag_bias', w.tagB.dims, w.tagB.data),
    ],
    'tag_scores',
  );
  const blocks = [
    TAG_SCORES.language,
    TAG_SCORES.emotion,
    TAG_SCORES.unknownLead,
    TAG_SCORES.event,
    TAG_SCORES.textNorm,
  ];
  const [langS, emoS, leadS, eventS, tnS] = g.node(
    'Split',
    [
      scores,
      g.int64s(
        'tag_split',
        [blocks.length],
        blocks.map((b) => b.count),
      ),
    ],
    'tag_block',
    { axis: 1 },
    blocks.length,
  ) as [string, string, string, string, string];
  // Audio scores are squashed into +-AUDIO_LANGUAGE_RANGE (language) and +-1 (text norm) so a forced
  // language or text norm wins whatever the input.
  const bounded = (score: string, range: number, hint: string): string =>
    g.op(
      'Mul',
      [
        g.op(
          'Tanh',
          [g.op('Mul', [score, g.floats(`${hint}_in_scale`, [], [1 / range])], `${hint}_scaled`)],
          `${hint}_tanh`,
        ),
        g.floats(`${hint}_out_scale`, [], [range]),
      ],
      hint,
    );
  const langAudio = bounded(langS, AUDIO_LANGUAGE_RANGE, 'language_audio');
  const langScore = g.op(
    'Add',
    [
      langAudio,
      g.op('Mul', [langHot, g.floats('forced_language_bonus', [], [FORCED_LANGUAGE_BONUS])], 'language_forced'),
    ],
    'language_score',
  );
  // <|EMO_UNKNOWN|> = best real emotion + UNKNOWN_LEAD * tanh(a clip-dependent score): the argmax on
  // some clips, never more than UNKNOWN_LEAD behind on the others.
  const bestEmotion = g.op('ReduceMax', [emoS], 'emotion_best', { axes: [1], keepdims: 1 });
  const lead = g.op(
    'Mul',
    [g.op('Tanh', [leadS], 'emotion_lead_tanh'), g.floats('emotion_lead_range', [], [UNKNOWN_LEAD])],
    'emotion_lead',
  );
  const unknown = g.op('Add', [bestEmotion, lead], 'emotion_unknown');
  const emoScore = g.op('Concat', [emoS, unknown], 'emotion_score', { axis: 1 });
  const tnScore = g.op(
    'Add',
    [
      g.op(
        'Add',
        [
          g.op('Tanh', [tnS], 'text_norm_audio'),
          g.op('Mul', [tnHot, g.floats('text_norm_bonus', [], [TEXT_NORM_BONUS])], 'text_norm_forced'),
        ],
        'text_norm_sum',
      ),
      g.floats('text_norm_default', [2], [0, TEXT_NORM_BONUS / 2]),
    ],
    'text_norm_score',
  );
  const fromBest = (block: string, hint: string): string =>
    g.op('Sub', [block, g.op('ReduceMax', [block], `${hint}_max`, { axes: [1], keepdims: 1 })], `${hint}_from_best`);
  const catScores = g.op(
    'Concat',
    [
      fromBest(langScore, 'language'),
      fromBest(emoScore, 'emotion'),
      fromBest(eventS, 'event'),
      fromBest(tnScore, 'text_norm'),
    ],
    'query_scores',
    { axis: 1 },
  );

  // Scatter the scores into the <|...|> region of each query frame with a 0/1 matrix (the lead's
  // score column became <|EMO_UNKNOWN|>'s, so the row count equals TAG_SCORE_COUNT).
  const frames: number[][] = [
    LANGUAGES.map((l) => l.id),
    [...EMOTIONS.map((e) => e.id), EMO_UNKNOWN_ID],
    EVENTS.map((e) => e.id),
    [WITH_ITN.id, WITHOUT_ITN.id],
  ];
  const rows = frames.reduce((n, f) => n + f.length, 0);
  const select = new Float32Array(rows * QUERY_FRAMES * TAG_REGION);
  const bias = new Float32Array(QUERY_FRAMES * TAG_REGION).fill(OFF_CATEGORY);
  let row = 0;
  frames.forEach((ids, frame) => {
    for (const id of ids) {
      const col = frame * TAG_REGION + (id - FIRST_SPECIAL_ID);
      select[row * QUERY_FRAMES * TAG_REGION + col] = 1;
      bias[col] = TAG_OFFSET;
      row++;
    }
  });
  if (rows !== TAG_SCORE_COUNT) throw new Error('tag layout and score layout disagree');
  const tagFlat = g.op(
    'Add',
    [
      g.op('MatMul', [catScores, g.floats('tag_select', [rows, QUERY_FRAMES * TAG_REGION], select)], 'tag_scatter'),
      g.floats('tag_region_bias', [QUERY_FRAMES * TAG_REGION], bias),
    ],
    'tag_flat',
  );
  const tagRegion = g.op(
    'Reshape',
    [tagFlat, g.int64s('tag_region_shape', [3], [0, QUERY_FRAMES, TAG_REGION])],
    'tag_region',
  );
  const queryLogits = g.op('Concat', [qTextLow, tagRegion], 'query_logits', { axis: 2 });

  g.node('Concat', [queryLogits, textLogits], '', { axis: 1 }, [names.logits]);
  g.output(names.logits, DataType.FLOAT, ['N', 'T+4', VOCAB_SIZE]);
  if (names.outputLengths) {
    g.node('Add', [lengths, g.int32s('query_frame_count', [], [QUERY_FRAMES])], '', {}, [names.outputLengths]);
    g.output(names.outputLengths, DataType.INT32, ['N']);
  }
  return g;
}
