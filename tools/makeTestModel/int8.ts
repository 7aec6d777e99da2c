// Dynamic int8 quantisation of a MatMul, as onnxruntime's quantize_dynamic writes it (per-tensor,
// symmetric int8 weights, uint8 activations quantised at run time):
//   a_q, a_scale, a_zp = DynamicQuantizeLinear(a)
//   y = Cast<float>(MatMulInteger(a_q, w_q, a_zp, w_zp)) * (a_scale * w_scale)
// The published model.int8.onnx / model_quant.onnx use the same operators, so a runtime that loads
// these loads those.
import type { FloatTensor } from './weights';
import { DataType, type GraphBuilder } from '../../common/onnx/graphBuilder';

export interface QuantizedWeight {
  readonly data: Int8Array;
  readonly scale: number;
}

/** Symmetric per-tensor quantisation: w ~= q * scale with q in [-127, 127]. */
export function quantizeSymmetric(values: Float32Array): QuantizedWeight {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] as number));
  const scale = Math.fround(max > 0 ? max / 127 : 1);
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    data[i] = Math.max(-127, Math.min(127, Math.round((values[i] as number) / scale)));
  }
  return { data, scale };
}

/** Adds the weight's initializers once; returns a function that emits a quantised a @ w. */
export function quantizedMatMul(
  g: GraphBuilder,
  name: string,
  weight: FloatTensor,
): (a: string, hint: string) => string {
  const q = quantizeSymmetric(weight.data);
  const wq = g.int8s(`${name}_quantized`, weight.dims, q.data);
  const wScale = g.floats(`${name}_scale`, [], [q.scale]);
  const wZero = g.int8s(`${name}_zero_point`, [], new Int8Array(1));
  return quantizedMatMulEmitter(g, wq, wScale, wZero);
}

/**
 * quantizedMatMul for a streamed weight (the full profile): `produce` makes the float weight when
 * the file is written; the int8 data goes out first and its scale right after it.
 */
export function streamedQuantizedMatMul(
  g: GraphBuilder,
  name: string,
  dims: readonly number[],
  produce: () => Float32Array,
): (a: string, hint: string) => string {
  let scale: number | null = null;
  const wq = g.streamedTensor(`${name}_quantized`, dims, DataType.INT8, () => {
    const q = quantizeSymmetric(produce());
    scale = q.scale;
    return q.data;
  });
  const wScale = g.streamedTensor(`${name}_scale`, [], DataType.FLOAT, () => {
    if (scale === null) throw new Error(`${name}: scale asked for before the weight was quantised`);
    return Float32Array.of(scale);
  });
  const wZero = g.int8s(`${name}_zero_point`, [], new Int8Array(1));
  return quantizedMatMulEmitter(g, wq, wScale, wZero);
}

function quantizedMatMulEmitter(
  g: GraphBuilder,
  wq: string,
  wScale: string,
  wZero: string,
): (a: string, hint: string) => string {
  return (a: string, hint: string): string => {
    const [aq, aScale, aZero] = g.node('DynamicQuantizeLinear', [a], `${hint}_quant`, {}, 3) as [
      string,
      string,
      string,
    ];
    const acc = g.op('MatMulInteger', [aq, wq, aZero, wZero], `${hint}_int32`);
    const accF = g.op('Cast', [acc], `${hint}_acc`, { to: DataType.FLOAT });
    const scale = g.op('Mul', [aScale, wScale], `${hint}_scale`);
    return g.op('Mul', [accF, scale], hint);
  };
}
