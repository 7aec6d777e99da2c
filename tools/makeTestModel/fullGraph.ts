// The full profile: SenseVoiceSmall's real shapes and operator mix with random weights, for
// benchmarks (README.md here). As FunASR's
// SenseVoiceEncoderSmall and its ONNX exports compute it:
//
//   4 query embeddings (language, event/emotion x2, text norm; 560 wide) prepended to x [N,T,560]
//   * sqrt(512), + sinusoidal positions; lengths + 4 give the mask
//   encoders0 (560 -> 512, no residual), 49 encoders, after_norm, 20 tp_encoders, tp_norm, each a
//   pre-norm SAN-M block:
//     h += Linear_out(softmax(q k^T / sqrt(128) + mask) v, 4 heads) + FSMN(v)   (FSMN: depthwise Conv
//          over time, kernel 11, on the masked v, plus v, masked again)
//     h += W2 relu(W1 LayerNorm(h))                                              (512 -> 2048 -> 512)
//   ctc_lo: 512 -> 25055 logits [N,T+4,25055]
//
// Two additions keep the decode well formed (the weights are random, so nothing else would): the
// four query frames decode to a tag of their kind (language, emotion, event, text norm; a forced
// language or text norm wins) through 32 encoder channels reserved for the tags, and the blank's
// bias is raised so that a good share of text frames are blank. Both work on the 512-wide encoder
// output, so the 25055-wide logits see exactly the real head's MatMul + Add, and no more memory.
import { DataType, GraphBuilder } from '../../common/onnx/graphBuilder';
import { streamedQuantizedMatMul } from './int8';
import type { FullProfile } from './profiles';
import { SeededRandom } from './seededRandom';
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
import type { GraphNames } from './tinyGraph';

/** Bumped whenever the weights change (graph changes are caught by the layout hash): cached full models are rebuilt. */
export const FULL_GRAPH_VERSION = 1;

/** Query frames: a tag of the frame's own kind ends near +OWN_TAG (text pieces stay near 0, within +-5). */
const OWN_TAG = 15;
/** Encoder channels (the last ones) that carry the tags; the text pieces read the others. */
const TAG_DIMS = 32;
/** The tags the query frames can emit, each with its frame (0 language, 1 emotion, 2 event, 3 text norm). */
const TAG_SLOTS: readonly { id: number; frame: number; extra: number }[] = [
  ...LANGUAGES.map((l) => ({ id: l.id, frame: 0, extra: l.name === 'nospeech' ? -10 : 0 })),
  ...EMOTIONS.map((e) => ({ id: e.id, frame: 1, extra: e.tag === '<|NEUTRAL|>' ? 1 : 0 })),
  { id: EMO_UNKNOWN_ID, frame: 1, extra: 0 },
  ...EVENTS.map((e) => ({ id: e.id, frame: 2, extra: e.tag === '<|Speech|>' ? 1 : 0 })),
  { id: WITH_ITN.id, frame: 3, extra: 0 },
  { id: WITHOUT_ITN.id, frame: 3, extra: 3 },
];
/** A forced language or text norm gets this much more than the audio's choice can reach. */
const FORCED = 20;
/** CTC bias of <s>, </s> and every <|...|> id: they never win a text frame. */
const SPECIAL_BIAS = -20;
/** FunASR's additive attention mask for padded keys. */
const MASK_NEG = -10000;
const LAYER_NORM_EPS = 1e-12;

/** Uniform weights of standard deviation `std` (one draw per weight: ~234 M of them). */
function uniform(seed: number, name: string, count: number, std: number): Float32Array {
  const rng = new SeededRandom(seed, name);
  const out = new Float32Array(count);
  const a = 2 * std * Math.sqrt(3);
  const b = std * Math.sqrt(3);
  for (let i = 0; i < count; i++) out[i] = rng.uniform() * a - b;
  return out;
}

export interface FullGraph {
  readonly graph: GraphBuilder;
  /** Weights of the real architecture (embeddings, blocks, norms, CTC), without the tag bias. */
  readonly parameters: number;
}

export function buildFullGraph(p: FullProfile, seed: number, names: GraphNames, int8: boolean): FullGraph {
  const g = new GraphBuilder('sensevoice_synthetic_full');
  const { featureDim: F, dModel: D, heads: H, ffn: FF, fsmnKernel: K } = p;
  const V = VOCAB_SIZE;
  const dk = D / H;
  let parameters = 0;

  const weight = (name: string, dims: number[], std: number): string => {
    const n = dims.reduce((a, b) => a * b, 1);
    parameters += n;
    return g.streamedTensor(name, dims, DataType.FLOAT, () => uniform(seed, name, n, std));
  };
  const constant = (name: string, dims: number[], value: number): string => {
    const n = dims.reduce((a, b) => a * b, 1);
    parameters += n;
    return g.streamedTensor(name, dims, DataType.FLOAT, () => new Float32Array(n).fill(value));
  };
  // Linear layers (the MatMuls onnxruntime's quantize_dynamic turns into int8), y = x W + b.
  const linear = (name: string, inDim: number, outDim: number, std: number, a: string, hint: string): string => {
    parameters += inDim * outDim;
    const produce = () => uniform(seed, `${name}.weight`, inDim * outDim, std);
    const mm = int8
      ? streamedQuantizedMatMul(g, `${name}.weight`, [inDim, outDim], produce)(a, `${hint}_mm`)
      : g.op('MatMul', [a, g.streamedTensor(`${name}.weight`, [inDim, outDim], DataType.FLOAT, produce)], `${hint}_mm`);
    return g.op('Add', [mm, weight(`${name}.bias`, [outDim], 0.01)], hint);
  };
  const layerNorm = (name: string, dim: number, a: string): string =>
    g.op('LayerNormalization', [a, constant(`${name}.weight`, [dim], 1), constant(`${name}.bias`, [dim], 0)], name, {
      axis: -1,
      epsilon: { float: LAYER_NORM_EPS },
    });
  const i64 = (name: string, values: number[], dims: number[] = [values.length]) => g.int64s(name, dims, values);
  const c = {
    axis0: i64('axes_0', [0]),
    axis1: i64('axes_1', [1]),
    axis2: i64('axes_2', [2]),
    axes12: i64('axes_1_2', [1, 2]),
    zero: i64('zero', [0], []),
    one: i64('one', [1], []),
    four: i64('four_1d', [QUERY_FRAMES]),
  };

  const x = g.input(names.features, DataType.FLOAT, ['N', 'T', F]);
  const lengths = g.input(names.lengths, DataType.INT32, ['N']);
  const language = g.input(names.language, DataType.INT32, ['N']);
  const textNorm = g.input(names.textNorm, DataType.INT32, ['N']);

  // Query embeddings: language, event and emotion (rows 1, 2), text norm, prepended to the features.
  const embed = weight('embed.weight', [p.queryEmbeddings, F], 1);
  const clampId = (ids: string, hint: string) =>
    g.op('Clip', [ids, g.int32s(`${hint}_min`, [], [0]), g.int32s(`${hint}_max`, [], [p.queryEmbeddings - 1])], hint);
  const query = (ids: string, hint: string) =>
    g.op(
      'Unsqueeze',
      [g.op('Gather', [embed, clampId(ids, `${hint}_id`)], `${hint}_embedding`, { axis: 0 }), c.axis1],
      hint,
    );
  const languageQuery = query(language, 'language_query');
  const textNormQuery = query(textNorm, 'text_norm_query');
  const batch = g.op('Shape', [x], 'batch_1d', { start: 0, end: 1 });
  const eventEmotion = g.op(
    'Unsqueeze',
    [
      g.op('Gather', [embed, g.int32s('event_emotion_ids', [2], [1, 2])], 'event_emotion_embedding', { axis: 0 }),
      c.axis0,
    ],
    'event_emotion_row',
  );
  const eventEmotionQuery = g.op(
    'Expand',
    [eventEmotion, g.op('Concat', [batch, i64('event_emotion_shape', [2, F])], 'event_emotion_expand', { axis: 0 })],
    'event_emotion_query',
  );
  const speech = g.op('Concat', [languageQuery, eventEmotionQuery, textNormQuery, x], 'speech', { axis: 1 });

  // Mask over the T + 4 frames: padded frames of a batch change nothing in the others.
  const frames1d = g.op('Shape', [speech], 'frames_1d', { start: 1, end: 2 });
  const frames = g.op('Squeeze', [frames1d, c.axis0], 'frames');
  const steps = g.op('Range', [c.zero, frames, c.one], 'steps');
  const lengths4 = g.op(
    'Add',
    [g.op('Cast', [lengths], 'lengths_i64', { to: DataType.INT64 }), i64('query_frames', [QUERY_FRAMES], [])],
    'lengths_with_queries',
  );
  const valid = g.op(
    'Less',
    [g.op('Unsqueeze', [steps, c.axis0], 'steps_row'), g.op('Unsqueeze', [lengths4, c.axis1], 'lengths_col')],
    'valid',
  );
  const maskNT = g.op('Cast', [valid], 'mask_nt', { to: DataType.FLOAT });
  const mask = g.op('Unsqueeze', [maskNT, c.axis2], 'mask');
  const maskBias = g.op(
    'Unsqueeze',
    [
      g.op(
        'Mul',
        [g.op('Sub', [g.floats('one_f', [], [1]), maskNT], 'mask_off'), g.floats('mask_neg', [], [MASK_NEG])],
        'mask_bias_nt',
      ),
      c.axes12,
    ],
    'mask_bias',
  );

  // xs * sqrt(d), + SinusoidalPositionEncoder over positions 1..T+4 (sin | cos, 280 each).
  const half = F / 2;
  const increment = Math.log(10000) / (half - 1);
  const invTimescales = g.floats(
    'position_inv_timescales',
    [half],
    Array.from({ length: half }, (_, i) => Math.exp(-i * increment)),
  );
  const positions = g.op(
    'Cast',
    [g.op('Range', [c.one, g.op('Add', [frames, c.one], 'frames_plus_1'), c.one], 'positions_i64')],
    'positions',
    { to: DataType.FLOAT },
  );
  const scaled = g.op(
    'Mul',
    [g.op('Unsqueeze', [positions, c.axis1], 'positions_col'), invTimescales],
    'position_angles',
  );
  const encoding = g.op(
    'Concat',
    [g.op('Sin', [scaled], 'position_sin'), g.op('Cos', [scaled], 'position_cos')],
    'position_encoding',
    { axis: 1 },
  );
  let h = g.op(
    'Add',
    [g.op('Mul', [speech, g.floats('input_scale', [], [Math.sqrt(D)])], 'speech_scaled'), encoding],
    'encoder_input',
  );

  const headsShape = i64('heads_shape', [0, 0, H, dk]);
  const modelShape = i64('model_shape', [0, 0, D]);
  const qkvSplit = i64('qkv_split', [D, D, D]);
  const attentionScale = g.floats('attention_scale', [], [1 / Math.sqrt(dk)]);
  const block = (name: string, inDim: number, residual: boolean) => {
    const n1 = layerNorm(`${name}.norm1`, inDim, h);
    const qkv = linear(`${name}.self_attn.linear_q_k_v`, inDim, 3 * D, 1 / Math.sqrt(inDim), n1, `${name}_qkv`);
    const [q, k, v] = g.node('Split', [qkv, qkvSplit], `${name}_qkv_part`, { axis: 2 }, 3) as [string, string, string];
    // FSMN memory: depthwise Conv over time on the masked values, plus the values, masked.
    const vMasked = g.op('Mul', [v, mask], `${name}_v_masked`);
    const memoryT = g.op(
      'Conv',
      [
        g.op('Transpose', [vMasked], `${name}_v_ndt`, { perm: [0, 2, 1] }),
        weight(`${name}.self_attn.fsmn_block.weight`, [D, 1, K], 0.5 / Math.sqrt(K)),
      ],
      `${name}_fsmn_ndt`,
      {
        group: D,
        kernel_shape: [K],
        pads: [(K - 1) / 2, (K - 1) / 2],
      },
    );
    const memory = g.op(
      'Mul',
      [
        g.op(
          'Add',
          [g.op('Transpose', [memoryT], `${name}_fsmn_conv`, { perm: [0, 2, 1] }), vMasked],
          `${name}_fsmn_sum`,
        ),
        mask,
      ],
      `${name}_fsmn`,
    );
    const split = (t: string, perm: number[], hint: string) =>
      g.op('Transpose', [g.op('Reshape', [t, headsShape], `${hint}_heads`)], hint, { perm });
    const qh = split(g.op('Mul', [q, attentionScale], `${name}_q_scaled`), [0, 2, 1, 3], `${name}_q_h`);
    const kh = split(k, [0, 2, 3, 1], `${name}_k_h`);
    const vh = split(v, [0, 2, 1, 3], `${name}_v_h`);
    const scores = g.op('Add', [g.op('MatMul', [qh, kh], `${name}_qk`), maskBias], `${name}_scores`);
    const context = g.op(
      'MatMul',
      [g.op('Softmax', [scores], `${name}_attention`, { axis: -1 }), vh],
      `${name}_context_h`,
    );
    const merged = g.op(
      'Reshape',
      [g.op('Transpose', [context], `${name}_context_t`, { perm: [0, 2, 1, 3] }), modelShape],
      `${name}_context`,
    );
    const attention = g.op(
      'Add',
      [linear(`${name}.self_attn.linear_out`, D, D, 1 / Math.sqrt(D), merged, `${name}_attn_out`), memory],
      `${name}_attn`,
    );
    h = residual ? g.op('Add', [h, attention], `${name}_h1`) : attention;
    const n2 = layerNorm(`${name}.norm2`, D, h);
    const up = g.op(
      'Relu',
      [linear(`${name}.feed_forward.w_1`, D, FF, 1 / Math.sqrt(D), n2, `${name}_ffn_up`)],
      `${name}_ffn_relu`,
    );
    h = g.op(
      'Add',
      [h, linear(`${name}.feed_forward.w_2`, FF, D, 1 / Math.sqrt(FF), up, `${name}_ffn_down`)],
      `${name}_h2`,
    );
  };
  block('encoders0.0', F, false);
  for (let i = 0; i < p.blocks - 1; i++) block(`encoders.${i}`, D, true);
  h = layerNorm('after_norm', D, h);
  for (let i = 0; i < p.tpBlocks; i++) block(`tp_encoders.${i}`, D, true);
  h = layerNorm('tp_norm', D, h);

  // Tags: the last TAG_DIMS channels of the encoder output carry them. On the four query frames each
  // channel of a tag of the frame's kind becomes OWN_TAG (+ the channel's own value, so the audio picks
  // among them; + FORCED for a forced language or text norm); everywhere else those channels are 0.
  // Only those channels reach the tags' CTC columns, and the text pieces never read them, so all of
  // this happens on [N, T+4, 512] tensors, not on the 25055-wide logits.
  const slots = TAG_SLOTS;
  const R = D - TAG_DIMS;
  const keep = g.floats(
    'tag_keep',
    [D],
    Array.from({ length: D }, (_, d) => (d < R ? 1 : 0)),
  );
  const kindMask = new Float32Array(QUERY_FRAMES * D);
  const kindBias = new Float32Array(QUERY_FRAMES * D);
  slots.forEach((t, i) => {
    kindMask[t.frame * D + R + i] = 1;
    kindBias[t.frame * D + R + i] = OWN_TAG - SPECIAL_BIAS + t.extra;
  });
  const queryFrames = g.op('Slice', [h, i64('query_start', [0]), c.four, c.axis1], 'query_encoder');
  const langHot = g.op(
    'Cast',
    [
      g.op(
        'Equal',
        [
          g.op('Unsqueeze', [language, c.axis1], 'language_col'),
          g.int32s(
            'language_ids',
            [LANGUAGES.length],
            LANGUAGES.map((l) => l.input),
          ),
        ],
        'language_eq',
      ),
    ],
    'language_hot',
    { to: DataType.FLOAT },
  );
  const tnHot = g.op(
    'Cast',
    [
      g.op(
        'Equal',
        [
          g.op('Unsqueeze', [textNorm, c.axis1], 'text_norm_col'),
          g.int32s('text_norm_ids', [2], [WITH_ITN.input, WITHOUT_ITN.input]),
        ],
        'text_norm_eq',
      ),
    ],
    'text_norm_hot',
    { to: DataType.FLOAT },
  );
  const forcedIds = [...LANGUAGES.map((l) => l.id), WITH_ITN.id, WITHOUT_ITN.id];
  const forced = new Float32Array(forcedIds.length * QUERY_FRAMES * D);
  forcedIds.forEach((id, row) => {
    const i = slots.findIndex((t) => t.id === id);
    forced[row * QUERY_FRAMES * D + slots[i].frame * D + R + i] = FORCED;
  });
  const hot = g.op('Concat', [langHot, tnHot], 'query_hot', { axis: 1 });
  const forcedAdd = g.op(
    'Reshape',
    [
      g.op('MatMul', [hot, g.floats('query_forced', [forcedIds.length, QUERY_FRAMES * D], forced)], 'query_forced_mm'),
      i64('query_shape', [0, QUERY_FRAMES, D]),
    ],
    'query_forced_add',
  );
  const queryTags = g.op(
    'Add',
    [
      g.op(
        'Add',
        [
          g.op('Mul', [queryFrames, g.floats('query_kind_mask', [QUERY_FRAMES, D], kindMask)], 'query_own'),
          g.floats('query_kind_bias', [QUERY_FRAMES, D], kindBias),
        ],
        'query_tagged',
      ),
      forcedAdd,
    ],
    'query_tags',
  );
  // Zero-padded over the text frames, then added to the encoder output with the tag channels cleared.
  const textFrames = g.op('Sub', [frames1d, c.four], 'text_frames_1d');
  const pads = g.op('Concat', [i64('pads_head', [0, 0, 0, 0]), textFrames, i64('pads_tail', [0])], 'tag_pads', {
    axis: 0,
  });
  const tagChannels = g.op('Pad', [queryTags, pads], 'tag_channels');
  const encoderOut = g.op('Add', [g.op('Mul', [h, keep], 'encoder_kept'), tagChannels], 'encoder_out');

  // CTC head. Text pieces (and the blank) read the first R channels; each tag reads its own channel.
  // The bias keeps <s>, </s> and the tags off text frames and raises the blank.
  parameters += D * V;
  const ctcProduce = () => {
    const w = uniform(seed, 'ctc.ctc_lo.weight', D * V, 1 / Math.sqrt(R));
    for (let d = R; d < D; d++) w.fill(0, d * V, (d + 1) * V);
    for (let id = FIRST_SPECIAL_ID; id < V; id++) for (let d = 0; d < R; d++) w[d * V + id] = 0;
    slots.forEach((t, i) => (w[(R + i) * V + t.id] = 1));
    return w;
  };
  const ctcMm = int8
    ? streamedQuantizedMatMul(g, 'ctc.ctc_lo.weight', [D, V], ctcProduce)(encoderOut, 'ctc_mm')
    : g.op('MatMul', [encoderOut, g.streamedTensor('ctc.ctc_lo.weight', [D, V], DataType.FLOAT, ctcProduce)], 'ctc_mm');
  parameters += V;
  const ctcBias = g.streamedTensor('ctc.ctc_lo.bias', [V], DataType.FLOAT, () => {
    const b = uniform(seed, 'ctc.ctc_lo.bias', V, 0.1);
    b[0] += p.blankBias;
    b[1] = SPECIAL_BIAS;
    b[2] = SPECIAL_BIAS;
    for (let id = FIRST_SPECIAL_ID; id < V; id++) b[id] = SPECIAL_BIAS;
    return b;
  });
  g.node('Add', [ctcMm, ctcBias], '', {}, [names.logits]);
  g.output(names.logits, DataType.FLOAT, ['N', 'T+4', V]);
  if (names.outputLengths) {
    g.node('Add', [lengths, g.int32s('query_frame_count', [], [QUERY_FRAMES])], '', {}, [names.outputLengths]);
    g.output(names.outputLengths, DataType.INT32, ['N']);
  }
  return { graph: g, parameters };
}
