// Builds ONNX model files over the minimal protobuf writer: typed inputs and outputs, initializers
// (as raw_data, optionally produced lazily), nodes with int / ints / float attributes, metadata.
// Field numbers are onnx.proto's (IR 8, opset 17: what onnxruntime 1.28 and 1.30 both run).
import { ProtoWriter, type Part } from './protoWriter';

/** TensorProto.DataType values used here. */
export const OnnxType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;
export type OnnxTypeValue = (typeof OnnxType)[keyof typeof OnnxType];

export const IR_VERSION = 8;
export const OPSET = 17;

/** A dimension: a size, or a name for a dynamic one. */
export type Dim = number | string;
export type Attribute = number | readonly number[] | { float: number };

const ELEM_BYTES: Record<OnnxTypeValue, number> = { 1: 4, 6: 4, 7: 8 };

interface Initializer {
  name: string;
  dims: readonly number[];
  type: OnnxTypeValue;
  byteLength: number;
  data: Uint8Array | (() => Uint8Array);
}

interface NodeSpec {
  name: string;
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs: Record<string, Attribute>;
}

function littleEndian(view: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  // Every platform Node supports for this product is little-endian; raw_data is little-endian too.
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

export class OnnxGraph {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: { name: string; type: OnnxTypeValue; dims: readonly Dim[] }[] = [];
  private readonly outputs: { name: string; type: OnnxTypeValue; dims: readonly Dim[] }[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly name: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate tensor name ${name}`);
    this.names.add(name);
    return name;
  }

  input(name: string, type: OnnxTypeValue, dims: readonly Dim[]): string {
    this.inputs.push({ name: this.claim(name), type, dims });
    return name;
  }

  output(name: string, type: OnnxTypeValue, dims: readonly Dim[]): void {
    this.outputs.push({ name, type, dims });
  }

  floats(name: string, dims: readonly number[], data: Float32Array | readonly number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    return this.tensor(name, dims, OnnxType.FLOAT, littleEndian(values));
  }

  /** A float initializer whose values are made only when the model is written (big weights). */
  lazyFloats(name: string, dims: readonly number[], make: () => Float32Array): string {
    return this.tensor(name, dims, OnnxType.FLOAT, () => littleEndian(make()));
  }

  ints32(name: string, dims: readonly number[], data: readonly number[]): string {
    return this.tensor(name, dims, OnnxType.INT32, littleEndian(Int32Array.from(data)));
  }

  ints64(name: string, dims: readonly number[], data: readonly number[]): string {
    return this.tensor(name, dims, OnnxType.INT64, littleEndian(BigInt64Array.from(data, (v) => BigInt(v))));
  }

  private tensor(name: string, dims: readonly number[], type: OnnxTypeValue, data: Initializer['data']): string {
    const byteLength = dims.reduce((a, b) => a * b, 1) * ELEM_BYTES[type];
    if (data instanceof Uint8Array && data.length !== byteLength) throw new Error(`${name}: ${data.length} bytes for dims [${dims.join(', ')}]`);
    this.initializers.push({ name: this.claim(name), dims, type, byteLength, data });
    return name;
  }

  /** Adds a node with one fresh output named after `hint`, and returns that name. */
  op(op: string, inputs: readonly string[], hint: string, attrs: Record<string, Attribute> = {}): string {
    return this.node(op, inputs, [hint], attrs)[0] as string;
  }

  /** Adds a node with the given output names (claimed here). */
  node(op: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, Attribute> = {}): string[] {
    for (const o of outputs) this.claim(o);
    this.nodes.push({ name: `${op}_${this.nodes.length}`, op, inputs, outputs, attrs });
    return [...outputs];
  }

  /** The model file as parts (weights produced lazily when written). */
  encode(options: { producer: string; metadata?: ReadonlyArray<readonly [string, string]> }): Part[] {
    const model = new ProtoWriter();
    model.varint(1, IR_VERSION);
    model.string(2, options.producer);
    model.message(7, (g) => this.writeGraph(g));
    model.message(8, (op) => op.string(1, '').varint(2, OPSET));
    for (const [key, value] of options.metadata ?? []) model.message(14, (e) => e.string(1, key).string(2, value));
    return model.toParts();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) {
      g.message(1, (w) => {
        for (const i of n.inputs) w.string(1, i);
        for (const o of n.outputs) w.string(2, o);
        w.string(3, n.name);
        w.string(4, n.op);
        for (const [name, value] of Object.entries(n.attrs)) w.message(5, (a) => writeAttribute(a, name, value));
      });
    }
    g.string(2, this.name);
    for (const t of this.initializers) {
      g.message(5, (w) => {
        for (const d of t.dims) w.varint(1, d);
        w.varint(2, t.type);
        w.string(8, t.name);
        const data = t.data;
        if (data instanceof Uint8Array) w.bytes(9, data);
        else w.lazyBytes(9, t.byteLength, data);
      });
    }
    for (const v of this.inputs) g.message(11, (w) => writeValueInfo(w, v));
    for (const v of this.outputs) g.message(12, (w) => writeValueInfo(w, v));
  }
}

function writeAttribute(a: ProtoWriter, name: string, value: Attribute): void {
  a.string(1, name);
  if (typeof value === 'number') {
    a.varint(3, value).varint(20, 2); // INT
  } else if (Array.isArray(value)) {
    for (const v of value as readonly number[]) a.varint(8, v);
    a.varint(20, 7); // INTS
  } else {
    a.float(2, (value as { float: number }).float).varint(20, 1); // FLOAT
  }
}

function writeValueInfo(w: ProtoWriter, v: { name: string; type: OnnxTypeValue; dims: readonly Dim[] }): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
      });
    }),
  );
}
