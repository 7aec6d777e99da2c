// The ONNX writer the daemon and the test-model generator share (common/onnx): what it writes is what
// onnx-proto (a full protobuf implementation) decodes, what the project's header reader reads, and what
// onnxruntime runs with the known answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { ProtoWriter, concatParts, partBytes } from '../../../../common/onnx/protoWriter';
import { DataType, GraphBuilder } from '../../../../common/onnx/graphBuilder';
import { buildProbeModel, probeOutputMatches, PROBE_INPUT } from '../../../../daemon/diagnostics/probeModel';
import {
  buildSyntheticModel,
  inferenceFlops,
  SYNTHETIC_SHAPE,
  type SyntheticShape,
} from '../../../../daemon/diagnostics/syntheticModel';
import { readOnnxModelInfo } from '../../../../daemon/model/onnxMetadata';
import { tempDir } from '../../../helpers/paths';

test("varints: small, multi-byte, 2^53 and negative int64 (10-byte two's complement)", () => {
  const w = new ProtoWriter()
    .varint(1, 1)
    .varint(2, 300)
    .varint(3, 2 ** 53)
    .varint(4, -1);
  const bytes = Array.from(w.finish());
  assert.deepEqual(bytes.slice(0, 2), [0x08, 0x01]);
  assert.deepEqual(bytes.slice(2, 5), [0x10, 0xac, 0x02]);
  assert.deepEqual(bytes.slice(5, 6), [0x18]);
  assert.deepEqual(bytes.slice(6, 14), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
  assert.deepEqual(bytes.slice(14), [0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
});

test('a lazy part is produced only when written, and must keep its declared length', () => {
  let made = 0;
  const w = new ProtoWriter().lazyBytes(9, 3, () => {
    made++;
    return Uint8Array.of(7, 8, 9);
  });
  const parts = w.toParts();
  assert.equal(made, 0);
  assert.deepEqual(Array.from(concatParts(parts)), [0x4a, 3, 7, 8, 9]);
  assert.equal(made, 1);
  const liar = new ProtoWriter().lazyBytes(9, 4, () => Uint8Array.of(1)).toParts();
  assert.throws(() => liar.map(partBytes), /produced 1 bytes, declared 4/);
});

test('a graph decodes with onnx-proto field for field: nodes, attributes, initializers, shapes, metadata', () => {
  const g = new GraphBuilder('g');
  const x = g.input('x', DataType.FLOAT, ['N', 3]);
  const w = g.floats('w', [3, 2], [1, 2, 3, 4, 5, 6]);
  g.int64s('axes', [1], [-1]);
  const lazy = g.streamedTensor('lazy', [2], DataType.FLOAT, () => Float32Array.of(0.5, -0.25));
  const y = g.op('MatMul', [x, w], 'y');
  g.node('Softmax', [y], '', { axis: -1 }, ['z']);
  g.op('LayerNormalization', [y, lazy, lazy], 'n', { axis: -1, epsilon: { float: 1e-5 } });
  g.op('Transpose', [y], 't', { perm: [1, 0] });
  g.output('z', DataType.FLOAT, ['N', 2]);
  const bytes = concatParts(g.encode({ producerName: 'p', metadata: [['k', 'v']] }));
  const m = onnx.ModelProto.decode(bytes);
  assert.equal(Number(m.irVersion), 8);
  assert.equal(m.producerName, 'p');
  assert.equal(Number(m.opsetImport[0]?.version), 17);
  assert.deepEqual(
    m.metadataProps.map((e) => [e.key, e.value]),
    [['k', 'v']],
  );
  const graph = m.graph!;
  const nodes = graph.node ?? [];
  assert.deepEqual(
    nodes.map((n) => n.opType),
    ['MatMul', 'Softmax', 'LayerNormalization', 'Transpose'],
  );
  assert.deepEqual(
    nodes.map((n) => n.name),
    ['MatMul_0', 'Softmax_1', 'LayerNormalization_2', 'Transpose_3'],
  );
  const softmax = nodes[1]?.attribute ?? [];
  assert.equal(Number(softmax[0]?.i), -1);
  assert.equal(softmax[0]?.type, onnx.AttributeProto.AttributeType.INT);
  const ln = nodes[2]?.attribute ?? [];
  assert.ok(Math.abs((ln.find((a) => a.name === 'epsilon')?.f ?? 0) - 1e-5) < 1e-9);
  assert.deepEqual(nodes[3]?.attribute?.[0]?.ints?.map(Number), [1, 0]);
  const init = Object.fromEntries((graph.initializer ?? []).map((t) => [t.name, t]));
  assert.deepEqual(init.w?.dims?.map(Number), [3, 2]);
  assert.deepEqual(Array.from(new Float32Array(new Uint8Array(init.w!.rawData!).buffer)), [1, 2, 3, 4, 5, 6]);
  assert.equal(Number(new BigInt64Array(new Uint8Array(init.axes!.rawData!).buffer)[0]), -1);
  assert.deepEqual(Array.from(new Float32Array(new Uint8Array(init.lazy!.rawData!).buffer)), [0.5, -0.25]);
  const xShape = graph.input?.[0]?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
  assert.deepEqual(xShape, ['N', 3]);
});

test('the bytes are what onnx-proto itself encodes (field order, packed dims and ints), so generated models kept their bytes', () => {
  const g = new GraphBuilder('g');
  const x = g.input('x', DataType.FLOAT, ['N', 3]);
  const q = g.int8s('q', [3, 2], Int8Array.of(1, -2, 3, -4, 5, -127));
  g.int32s('i32', [], [7]);
  g.int64s('i64', [2], [-1, 2 ** 40]);
  g.streamedTensor('late', [2], DataType.FLOAT, () => Float32Array.of(1.5, -2));
  const [a, b] = g.node('Split', [x], 'part', { axis: 1 }, 2) as [string, string];
  g.op('Transpose', [a], 't', { perm: [1, 0] });
  g.op('Foo', [b, q], 'f', { mode: 'constant', epsilon: { float: 0.25 }, empty: [] });
  g.output('t', DataType.FLOAT, [3, 'N']);
  const bytes = concatParts(
    g.encode({
      producerName: 'p',
      producerVersion: '1',
      docString: 'd',
      metadata: [
        ['k', 'v'],
        ['k2', ''],
      ],
    }),
  );
  assert.deepEqual(Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.decode(bytes)).finish()), Buffer.from(bytes));
});

test("the project's header reader reads the written model's interface", async () => {
  const file = path.join(tempDir('onnxwriter'), 'probe.onnx');
  fs.writeFileSync(file, buildProbeModel().bytes);
  const info = await readOnnxModelInfo(file);
  assert.equal(info.opset, 17);
  assert.deepEqual(
    info.inputs.map((i) => [i.name, i.elemType, i.shape]),
    [['x', 'float32', [1, 4]]],
  );
  assert.deepEqual(
    info.outputs.map((o) => o.name),
    ['y'],
  );
});

test('the probe model runs on the CPU and gives the known answer', async () => {
  const m = buildProbeModel();
  const s = await ort.InferenceSession.create(m.bytes, { executionProviders: ['cpu'] });
  const out = await s.run({ x: new ort.Tensor('float32', PROBE_INPUT, [1, 4]) });
  const y = out.y!.data as Float32Array;
  assert.ok(probeOutputMatches(y, m.expected), `${Array.from(y)} vs ${Array.from(m.expected)}`);
  assert.ok(!probeOutputMatches(Float32Array.of(0, 0, 0, 0), m.expected));
  assert.ok(
    m.expected.some((v) => v !== 0),
    'the answer is not trivially zero',
  );
  await s.release();
});

test('the synthetic model has the SenseVoice contract: x, x_length, language, text_norm -> logits [1, T+4, V]', async () => {
  const shape: SyntheticShape = { blocks: 2, dModel: 32, ffn: 64, vocab: 50, featureDim: 560 };
  const s = await ort.InferenceSession.create(concatParts(buildSyntheticModel(shape)), { executionProviders: ['cpu'] });
  assert.deepEqual([...s.inputNames].sort(), ['language', 'text_norm', 'x', 'x_length']);
  const T = 9;
  const x = new Float32Array(T * 560).map((_, i) => Math.sin(i));
  const out = await s.run({
    x: new ort.Tensor('float32', x, [1, T, 560]),
    x_length: new ort.Tensor('int32', Int32Array.of(T), [1]),
    language: new ort.Tensor('int32', Int32Array.of(0), [1]),
    text_norm: new ort.Tensor('int32', Int32Array.of(15), [1]),
  });
  assert.deepEqual(out.logits!.dims, [1, T + 4, 50]);
  assert.ok((out.logits!.data as Float32Array).every(Number.isFinite));
  await s.release();
  // Its compute share is what the report quotes: 6 of 70 blocks plus the full head.
  const share = inferenceFlops(SYNTHETIC_SHAPE, 167) / inferenceFlops({ ...SYNTHETIC_SHAPE, blocks: 70 }, 167);
  assert.ok(share > 0.1 && share < 0.2, String(share));
});
