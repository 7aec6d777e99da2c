// The project's one ONNX graph builder. Two callers need synthetic SenseVoice-shaped models: the
// daemon's GPU check (daemon/diagnostics: a probe model and a random-weight benchmark model, built at
// run time, so the shipped product carries no model file and no protobuf library), and the test-model
// generator (tools/makeTestModel: the models that tests, the demo and the benchmark run). They used to
// have a writer each; this one serves both, and lives in common/ because tools/ may not import daemon/.
// It imports only node builtins and its own protobuf writer (no onnx-proto: that is a dev dependency).
//
// Fields are written in onnx.proto's declaration order with repeated integers packed, exactly as
// onnx-proto (protobufjs) encodes the same graph, so the generator's files are what they were when it
// used onnx-proto. Weights can be streamed: a tensor declared with streamedTensor is produced only
// when its bytes are written, so a 940 MB model never sits in memory (see partsLayoutHash, writeParts);
// streamed tensors follow all the others in the file.
// IR 8 and opset 17: what onnxruntime 1.28 (sherpa-onnx) and 1.30 both run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { ProtoWriter, partBytes, type Part } from './protoWriter';

/** TensorProto.DataType values this builder writes. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type ElemType = (typeof DataType)[keyof typeof DataType];

/** A dimension: a size, or a name for a dynamic one ('N', 'T'). */
export type Dim = number | string;
/** An attribute: INT, INTS, STRING or FLOAT (written as { float }). */
export type AttributeValue = number | readonly number[] | string | { float: number };

export const IR_VERSION = 8;
export const OPSET = 17;

/** What the model says about itself besides its graph. */
export interface ModelHeader {
  readonly producerName: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  /** metadata_props, in order (SenseVoice's contract lives here in the sherpa-onnx export). */
  readonly metadata?: ReadonlyArray<readonly [string, string]>;
}

const ELEMENT_BYTES: Record<ElemType, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8 };
const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

type TypedArray = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

/** Little-endian bytes of a typed array (raw_data's byte order), without a copy on little-endian hosts. */
export function littleEndianBytes(data: TypedArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = data.BYTES_PER_ELEMENT;
  if (os.endianness() === 'LE' || size === 1) return bytes;
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i += size) out.subarray(i, i + size).reverse();
  return out;
}

interface Initializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: ElemType;
  readonly byteLength: number;
  /** The bytes now, or a function that makes them when the file is written. */
  readonly data: Uint8Array | (() => Uint8Array);
}

interface NodeSpec {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttributeValue>>;
}

interface ValueInfo {
  readonly name: string;
  readonly type: ElemType;
  readonly dims: readonly Dim[];
}

const elementCount = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly graphName: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate tensor name ${name}`);
    this.names.add(name);
    return name;
  }

  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    this.inputs.push({ name: this.claim(name), type, dims: [...dims] });
    return name;
  }

  output(name: string, type: ElemType, dims: readonly Dim[]): void {
    this.outputs.push({ name, type, dims: [...dims] });
  }

  floats(name: string, dims: readonly number[], data: Float32Array | readonly number[]): string {
    return this.tensor(name, dims, DataType.FLOAT, Float32Array.from(data));
  }

  int8s(name: string, dims: readonly number[], data: Int8Array): string {
    return this.tensor(name, dims, DataType.INT8, Int8Array.from(data));
  }

  int32s(name: string, dims: readonly number[], data: readonly number[]): string {
    return this.tensor(name, dims, DataType.INT32, Int32Array.from(data));
  }

  int64s(name: string, dims: readonly number[], data: readonly number[]): string {
    return this.tensor(
      name,
      dims,
      DataType.INT64,
      BigInt64Array.from(data, (v) => BigInt(v)),
    );
  }

  /** An initializer whose data is copied now (later changes to `data` do not reach the file). */
  private tensor(name: string, dims: readonly number[], type: ElemType, data: TypedArray): string {
    if (data.length !== elementCount(dims))
      throw new Error(`${name}: ${data.length} values for dims [${dims.join(', ')}]`);
    this.initializers.push({
      name: this.claim(name),
      dims: [...dims],
      type,
      byteLength: data.byteLength,
      data: littleEndianBytes(data),
    });
    return name;
  }

  /**
   * An initializer whose data `produce` makes when the written file reaches it (tensors are produced
   * in the order declared); it must return exactly dims' worth of elements.
   */
  streamedTensor(name: string, dims: readonly number[], type: ElemType, produce: () => TypedArray): string {
    const byteLength = elementCount(dims) * ELEMENT_BYTES[type];
    const data = () => {
      const values = produce();
      if (values.byteLength !== byteLength)
        throw new Error(`${name}: produced ${values.byteLength} bytes, expected ${byteLength}`);
      return littleEndianBytes(values);
    };
    this.initializers.push({ name: this.claim(name), dims: [...dims], type, byteLength, data });
    return name;
  }

  /**
   * Adds a node and returns its output names. `outputs` gives the names (a fixed graph output) or a
   * count of fresh names derived from `hint` (`hint` itself for one, `hint_0`, `hint_1`, … for more).
   */
  node(
    opType: string,
    inputs: readonly string[],
    hint: string,
    attrs: Record<string, AttributeValue> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    const names =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => this.claim(`${hint}${outputs > 1 ? `_${i}` : ''}`))
        : outputs.map((n) => this.claim(n));
    this.nodes.push({
      name: `${opType}_${this.nodes.length}`,
      opType,
      inputs: [...inputs],
      outputs: names,
      attrs: { ...attrs },
    });
    return [...names];
  }

  /** A single-output node: its output's name. */
  op(opType: string, inputs: readonly string[], hint: string, attrs: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, hint, attrs)[0] as string;
  }

  /** The model file as parts, in file order; streamed tensors' parts are produced when written. */
  encode(header: ModelHeader): Part[] {
    const model = new ProtoWriter();
    model.varint(1, IR_VERSION);
    model.string(2, header.producerName);
    if (header.producerVersion !== undefined) model.string(3, header.producerVersion);
    if (header.docString !== undefined) model.string(6, header.docString);
    model.message(7, (g) => this.writeGraph(g));
    model.message(8, (opset) => opset.string(1, '').varint(2, OPSET));
    for (const [key, value] of header.metadata ?? []) model.message(14, (e) => e.string(1, key).string(2, value));
    return model.toParts();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) {
      g.message(1, (w) => {
        for (const i of n.inputs) w.string(1, i);
        for (const o of n.outputs) w.string(2, o);
        w.string(3, n.name);
        w.string(4, n.opType);
        for (const [name, value] of Object.entries(n.attrs)) w.message(5, (a) => writeAttribute(a, name, value));
      });
    }
    g.string(2, this.graphName);
    // Small initializers first, then the streamed ones (in the order declared, which is the order
    // their producers run in): the generator's stamp files hash this layout.
    const eager = this.initializers.filter((t) => t.data instanceof Uint8Array);
    const streamed = this.initializers.filter((t) => !(t.data instanceof Uint8Array));
    for (const t of [...eager, ...streamed]) {
      g.message(5, (w) => {
        if (t.dims.length > 0) w.packedVarints(1, t.dims);
        w.varint(2, t.type);
        w.string(8, t.name);
        if (t.data instanceof Uint8Array) w.bytes(9, t.data);
        else w.lazyBytes(9, t.byteLength, t.data);
      });
    }
    for (const v of this.inputs) g.message(11, (w) => writeValueInfo(w, v));
    for (const v of this.outputs) g.message(12, (w) => writeValueInfo(w, v));
  }
}

function writeAttribute(a: ProtoWriter, name: string, value: AttributeValue): void {
  a.string(1, name);
  if (typeof value === 'number') {
    a.varint(3, value).varint(20, ATTRIBUTE_TYPE.INT);
  } else if (typeof value === 'string') {
    a.string(4, value).varint(20, ATTRIBUTE_TYPE.STRING);
  } else if (isIntList(value)) {
    if (value.length > 0) a.packedVarints(8, value);
    a.varint(20, ATTRIBUTE_TYPE.INTS);
  } else {
    a.float(2, value.float).varint(20, ATTRIBUTE_TYPE.FLOAT);
  }
}

function isIntList(value: AttributeValue): value is readonly number[] {
  return Array.isArray(value);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.dims)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/**
 * sha256 of a file's parts except the streamed ones (header, nodes, small initializers, the streamed
 * tensors' names, shapes and lengths, inputs, outputs, metadata): equal hashes and equal weight
 * producers give equal files, without producing a single weight.
 */
export function partsLayoutHash(parts: readonly Part[]): string {
  const hash = crypto.createHash('sha256');
  for (const p of parts) if (p instanceof Uint8Array) hash.update(p);
  return hash.digest('hex');
}

/** Writes the parts to `file`, producing each streamed tensor just before its bytes go out; returns the size. */
export function writeParts(file: string, parts: readonly Part[]): number {
  const expected = parts.reduce((n, p) => n + p.length, 0);
  const fd = fs.openSync(file, 'w');
  let written = 0;
  try {
    for (const p of parts) {
      const b = partBytes(p);
      let off = 0;
      while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off);
      written += b.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (written !== expected) throw new Error(`${file}: wrote ${written} bytes, expected ${expected}`);
  return written;
}
