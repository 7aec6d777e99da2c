// The tiny model each execution provider is tried on: y = x · W + b with x [1,4], built in memory
// (the shipped product carries no model file for this). Its answer is known, so a provider that
// creates a session but computes garbage is caught too.
import { DataType, GraphBuilder } from '../../common/onnx/graphBuilder';
import { concatParts } from '../../common/onnx/protoWriter';

const N = 4;
/** W[i][j] = (i + 1) / 4 - j / 8, b[j] = j - 1.5: small values, exact in float16 too. */
const WEIGHTS = Array.from({ length: N * N }, (_, k) => (Math.floor(k / N) + 1) / 4 - (k % N) / 8);
const BIAS = Array.from({ length: N }, (_, j) => j - 1.5);
export const PROBE_INPUT = Float32Array.of(1, -2, 3, 0.5);

export interface ProbeModel {
  bytes: Uint8Array;
  input: { name: string; dims: number[]; data: Float32Array };
  output: string;
  expected: Float32Array;
}

export function buildProbeModel(): ProbeModel {
  const g = new GraphBuilder('sensevoice_gpu_probe');
  const x = g.input('x', DataType.FLOAT, [1, N]);
  const w = g.floats('w', [N, N], WEIGHTS);
  const b = g.floats('b', [N], BIAS);
  const xw = g.op('MatMul', [x, w], 'xw');
  g.node('Add', [xw, b], '', {}, ['y']);
  g.output('y', DataType.FLOAT, [1, N]);
  const expected = new Float32Array(N);
  for (let j = 0; j < N; j++) {
    let s = BIAS[j] as number;
    for (let i = 0; i < N; i++) s += (PROBE_INPUT[i] as number) * (WEIGHTS[i * N + j] as number);
    expected[j] = s;
  }
  return {
    bytes: concatParts(g.encode({ producerName: 'sensevoice-gpu-check' })),
    input: { name: 'x', dims: [1, N], data: PROBE_INPUT },
    output: 'y',
    expected,
  };
}

/** Whether a provider's output matches the known answer (float16 providers included). */
export function probeOutputMatches(actual: ArrayLike<number>, expected: Float32Array): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (
      !(
        Math.abs((actual[i] as number) - (expected[i] as number)) <=
        1e-2 * Math.max(1, Math.abs(expected[i] as number))
      )
    )
      return false;
  }
  return true;
}
