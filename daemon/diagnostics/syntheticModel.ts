// A random-weight model of SenseVoiceSmall's shape, made at run time so "how fast is my GPU" has an
// answer before any model is downloaded. Same inputs and output as the sherpa-onnx export (x [N,T,560],
// x_length, language, text_norm -> logits [N,T+4,25055]) and the same width (512, FFN 2048,
// self-attention over the whole clip, the full CTC head), but only a few of its 70 encoder blocks:
// its times compare providers with each other; they are not the real model's.
import { DataType, GraphBuilder } from '../../common/onnx/graphBuilder';
import type { Part } from '../../common/onnx/protoWriter';

export interface SyntheticShape {
  /** Encoder blocks (SenseVoiceSmall has 70: 50 SAN-M and 20 "tp"). */
  blocks: number;
  dModel: number;
  ffn: number;
  vocab: number;
  featureDim: number;
}

/** SenseVoiceSmall's real dimensions, with 6 of its 70 blocks. */
export const SYNTHETIC_SHAPE: SyntheticShape = { blocks: 6, dModel: 512, ffn: 2048, vocab: 25055, featureDim: 560 };
export const REAL_MODEL_BLOCKS = 70;
export const SYNTHETIC_INPUTS = {
  features: 'x',
  lengths: 'x_length',
  language: 'language',
  textNorm: 'text_norm',
  logits: 'logits',
} as const;

/** Multiply-adds x2 of one inference on `frames` input frames (matrix products only; they dominate). */
export function inferenceFlops(shape: SyntheticShape, frames: number): number {
  const d = shape.dModel;
  const perFramePerBlock = 2 * (d * 3 * d + d * d + 2 * d * shape.ffn) + 2 * 2 * frames * d;
  return (
    2 * frames * shape.featureDim * d + frames * shape.blocks * perFramePerBlock + 2 * (frames + 4) * d * shape.vocab
  );
}

/** Deterministic uniform weights in [-scale, scale] (an LCG: fast, and no denormals). */
function weights(count: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** The model file as parts; its weights are made one tensor at a time as the parts are written. */
export function buildSyntheticModel(shape: SyntheticShape = SYNTHETIC_SHAPE): Part[] {
  const { dModel: d, ffn, vocab, featureDim: F } = shape;
  const g = new GraphBuilder('sensevoice_synthetic_benchmark');
  let seed = 1;
  const matrix = (name: string, rows: number, cols: number) => {
    const s = seed++;
    return g.streamedTensor(name, [rows, cols], DataType.FLOAT, () => weights(rows * cols, Math.sqrt(3 / rows), s));
  };
  const vector = (name: string, n: number, value: number) => g.floats(name, [n], new Float32Array(n).fill(value));

  const x = g.input(SYNTHETIC_INPUTS.features, DataType.FLOAT, ['N', 'T', F]);
  const lengths = g.input(SYNTHETIC_INPUTS.lengths, DataType.INT32, ['N']);
  const language = g.input(SYNTHETIC_INPUTS.language, DataType.INT32, ['N']);
  const textNorm = g.input(SYNTHETIC_INPUTS.textNorm, DataType.INT32, ['N']);
  const axes0 = g.int64s('axes_0', [1], [0]);
  const axes1 = g.int64s('axes_1', [1], [1]);
  const axes2 = g.int64s('axes_2', [1], [2]);

  // Frames past each utterance's length are masked, as the real encoder does.
  const time = g.op('Squeeze', [g.op('Shape', [x], 'time_1d', { start: 1, end: 2 }), axes0], 'time');
  const steps = g.op('Range', [g.int64s('zero', [], [0]), time, g.int64s('one', [], [1])], 'steps');
  const valid = g.op(
    'Less',
    [
      g.op('Unsqueeze', [steps, axes0], 'steps_row'),
      g.op('Unsqueeze', [g.op('Cast', [lengths], 'lengths_i64', { to: DataType.INT64 }), axes1], 'lengths_col'),
    ],
    'valid',
  );
  const mask = g.op('Unsqueeze', [g.op('Cast', [valid], 'mask_nt', { to: DataType.FLOAT }), axes2], 'mask');
  // The language and text-norm queries condition every frame (a tiny offset: they only need to be used).
  const query = g.op(
    'Add',
    [
      g.op('Cast', [language], 'language_f', { to: DataType.FLOAT }),
      g.op('Cast', [textNorm], 'text_norm_f', { to: DataType.FLOAT }),
    ],
    'query',
  );
  const queryCol = g.op(
    'Mul',
    [g.op('Unsqueeze', [query, g.int64s('axes_12', [2], [1, 2])], 'query_col'), g.floats('query_scale', [], [1e-3])],
    'query_offset',
  );

  const input = g.op(
    'Add',
    [g.op('MatMul', [x, matrix('input_weight', F, d)], 'input_mm'), vector('input_bias', d, 0)],
    'input_proj',
  );
  let h = g.op('Add', [g.op('Mul', [input, mask], 'input_masked'), queryCol], 'h_0');
  const norm = (v: string, name: string) =>
    g.op('LayerNormalization', [v, vector(`${name}_gamma`, d, 1), vector(`${name}_beta`, d, 0)], name, {
      axis: -1,
      epsilon: { float: 1e-5 },
    });
  const split = g.int64s('qkv_split', [3], [d, d, d]);
  const scale = g.floats('attention_scale', [], [1 / Math.sqrt(d)]);
  for (let b = 0; b < shape.blocks; b++) {
    const p = `block${b}`;
    const qkv = g.op('MatMul', [norm(h, `${p}_ln1`), matrix(`${p}_qkv`, d, 3 * d)], `${p}_qkv_mm`);
    const [q, k, v] = g.node('Split', [qkv, split], '', { axis: 2 }, [`${p}_q`, `${p}_k`, `${p}_v`]) as [
      string,
      string,
      string,
    ];
    const scores = g.op(
      'Mul',
      [g.op('MatMul', [q, g.op('Transpose', [k], `${p}_kt`, { perm: [0, 2, 1] })], `${p}_qk`), scale],
      `${p}_scores`,
    );
    const context = g.op('MatMul', [g.op('Softmax', [scores], `${p}_attention`, { axis: -1 }), v], `${p}_context`);
    h = g.op('Add', [h, g.op('MatMul', [context, matrix(`${p}_out`, d, d)], `${p}_attn_out`)], `${p}_h1`);
    const up = g.op(
      'Relu',
      [
        g.op(
          'Add',
          [
            g.op('MatMul', [norm(h, `${p}_ln2`), matrix(`${p}_ffn_up`, d, ffn)], `${p}_up_mm`),
            vector(`${p}_up_bias`, ffn, 0),
          ],
          `${p}_up_pre`,
        ),
      ],
      `${p}_up`,
    );
    const down = g.op(
      'Add',
      [g.op('MatMul', [up, matrix(`${p}_ffn_down`, ffn, d)], `${p}_down_mm`), vector(`${p}_down_bias`, d, 0)],
      `${p}_down`,
    );
    h = g.op('Add', [h, down], `${p}_h2`);
  }
  // Four query frames (language, emotion, event, text norm) before the text frames, as the real model.
  const head = g.op(
    'Slice',
    [h, g.int64s('head_start', [1], [0]), g.int64s('head_end', [1], [4]), axes1],
    'query_frames',
  );
  const frames = norm(g.op('Concat', [head, h], 'frames', { axis: 1 }), 'ctc_ln');
  g.node(
    'Add',
    [g.op('MatMul', [frames, matrix('ctc_weight', d, vocab)], 'ctc_mm'), vector('ctc_bias', vocab, 0)],
    '',
    {},
    [SYNTHETIC_INPUTS.logits],
  );
  g.output(SYNTHETIC_INPUTS.logits, DataType.FLOAT, ['N', 'T+4', vocab]);
  return g.encode({ producerName: 'sensevoice-gpu-check' });
}
