// A small writer for ONNX graphs over onnx-proto's protobuf classes: initializers, nodes, typed
// inputs and outputs, and the model's bytes. Encoding is deterministic, so equal graphs give equal files.
// Big models (the full profile) declare their weights as streamed initializers: their bytes are made
// one tensor at a time while the file is written, so a 940 MB model never sits in memory.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { onnx } from 'onnx-proto';

export const DataType = onnx.TensorProto.DataType;
export type ElemType = onnx.TensorProto.DataType;

/** A dimension: a number, or a name for a dynamic one ('N', 'T'). */
export type Dim = number | string;

export type AttributeValue = number | number[] | string | { float: number };

/** The opset the synthetic models declare: supported by onnxruntime 1.28 (sherpa-onnx) and 1.30. */
export const OPSET = 17;
/** IR version 8 is the newest onnx-proto 8.0.1 knows, and what opset 17 needs. */
export const IR_VERSION = 8;

function floatBytes(data: Float32Array): Uint8Array {
  const out = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i] as number, i * 4);
  return out;
}

function valueInfo(name: string, elemType: ElemType, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: Buffer.from(value, 'utf8') };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.FLOAT, f: value.float };
}

/** An initializer whose bytes are produced only when the model is written (planStreamed). */
interface StreamedInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: ElemType;
  readonly byteLength: number;
  readonly produce: () => Uint8Array;
}

const ELEMENT_BYTES: Partial<Record<ElemType, number>> = { [DataType.FLOAT]: 4, [DataType.INT8]: 1, [DataType.INT32]: 4, [DataType.INT64]: 8 };

/** Little-endian bytes of a typed array, without a copy on little-endian hosts. */
export function littleEndianBytes(data: Float32Array | Int8Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (os.endianness() === 'LE' || data.BYTES_PER_ELEMENT === 1) return bytes;
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i += 4) out.subarray(i, i + 4).reverse();
  return out;
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Wire keys (field number << 3 | 2, length-delimited) of the fields the streamed writer emits. */
const KEY_MODEL_GRAPH = (7 << 3) | 2;
const KEY_GRAPH_INITIALIZER = (5 << 3) | 2;
const KEY_TENSOR_RAW_DATA = (9 << 3) | 2;

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly streamed: StreamedInitializer[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate tensor name ${name}`);
    this.names.add(name);
    return name;
  }

  input(name: string, elemType: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  output(name: string, elemType: ElemType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  floats(name: string, dims: readonly number[], data: Float32Array | readonly number[]): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${name}: size does not match dims`);
    this.initializers.push({ name: this.claim(name), dims: [...dims], dataType: DataType.FLOAT, rawData: floatBytes(values) });
    return name;
  }

  int8s(name: string, dims: readonly number[], data: Int8Array): string {
    this.initializers.push({ name: this.claim(name), dims: [...dims], dataType: DataType.INT8, rawData: new Uint8Array(data.buffer, data.byteOffset, data.length) });
    return name;
  }

  int32s(name: string, dims: readonly number[], data: readonly number[]): string {
    const raw = Buffer.alloc(data.length * 4);
    data.forEach((v, i) => raw.writeInt32LE(v, i * 4));
    this.initializers.push({ name: this.claim(name), dims: [...dims], dataType: DataType.INT32, rawData: raw });
    return name;
  }

  int64s(name: string, dims: readonly number[], data: readonly number[]): string {
    const raw = Buffer.alloc(data.length * 8);
    data.forEach((v, i) => raw.writeBigInt64LE(BigInt(v), i * 8));
    this.initializers.push({ name: this.claim(name), dims: [...dims], dataType: DataType.INT64, rawData: raw });
    return name;
  }

  /**
   * A float, int8 or int32 initializer whose data `produce` makes when the streamed write reaches it
   * (in the order declared); it must return exactly dims' worth of elements.
   */
  streamedTensor(name: string, dims: readonly number[], dataType: ElemType, produce: () => Float32Array | Int8Array | Int32Array): string {
    const size = ELEMENT_BYTES[dataType];
    if (size === undefined) throw new Error(`${name}: streamed tensors of type ${dataType} are not supported`);
    const byteLength = dims.reduce((a, b) => a * b, 1) * size;
    this.streamed.push({
      name: this.claim(name),
      dims: [...dims],
      dataType,
      byteLength,
      produce: () => {
        const data = produce();
        if (data.byteLength !== byteLength) throw new Error(`${name}: produced ${data.byteLength} bytes, expected ${byteLength}`);
        return littleEndianBytes(data);
      },
    });
    return name;
  }

  /**
   * Adds a node and returns its output names. `outputs` gives the names (a fixed graph output) or a
   * count of fresh names derived from `hint`.
   */
  node(opType: string, inputs: readonly string[], hint: string, attrs: Record<string, AttributeValue> = {}, outputs: number | readonly string[] = 1): string[] {
    const outNames = typeof outputs === 'number'
      ? Array.from({ length: outputs }, (_, i) => this.claim(`${hint}${outputs > 1 ? `_${i}` : ''}`))
      : outputs.map((n) => this.claim(n));
    this.nodes.push({
      opType,
      name: `${opType}_${this.counter++}`,
      input: [...inputs],
      output: outNames,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outNames;
  }

  /** Single-output node: the output's name. */
  op(opType: string, inputs: readonly string[], hint: string, attrs: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, hint, attrs)[0] as string;
  }

  /** The graph's pieces, for planStreamed. */
  parts(): {
    name: string;
    nodes: readonly onnx.INodeProto[];
    initializers: readonly onnx.ITensorProto[];
    streamed: readonly StreamedInitializer[];
    inputs: readonly onnx.IValueInfoProto[];
    outputs: readonly onnx.IValueInfoProto[];
  } {
    return { name: this.graphName, nodes: this.nodes, initializers: this.initializers, streamed: this.streamed, inputs: this.inputs, outputs: this.outputs };
  }

  /** The whole model file. metadata_props are written after the graph (protobuf field order). */
  encode(metadata: ReadonlyArray<readonly [string, string]>, docString: string): Uint8Array {
    if (this.streamed.length > 0) throw new Error(`${this.graphName} has streamed initializers: write it with planStreamed`);
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'sensevoice-make-test-model',
      producerVersion: '1',
      docString,
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: metadata.map(([key, value]) => ({ key, value })),
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

export interface StreamedPlan {
  /** The file's size in bytes. */
  readonly bytes: number;
  /** Initializers, streamed ones included. */
  readonly initializers: number;
  /** Elements of every initializer (the parameter count, constants included). */
  readonly elements: number;
  /**
   * sha256 of everything but the streamed tensors' data (header, nodes, small initializers, the
   * streamed tensors' names and shapes, inputs, outputs, metadata): equal plans with equal weight
   * producers give equal files.
   */
  readonly layoutHash: string;
  /** Writes the file, producing each streamed tensor just before its bytes go out. */
  write(file: string): void;
}

/**
 * Lays `g` out as encode() would (header, graph: nodes, name, initializers, inputs, outputs; then
 * metadata_props) with every length known from the dims, so each protobuf length prefix can be
 * written before its payload exists, and memory holds one tensor at a time.
 */
export function planStreamed(g: GraphBuilder, metadata: ReadonlyArray<readonly [string, string]>, docString: string): StreamedPlan {
  const parts = g.parts();
  const header = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    producerName: 'sensevoice-make-test-model',
    producerVersion: '1',
    docString,
    opsetImport: [{ domain: '', version: OPSET }],
  }).finish();
  const graphHead = onnx.GraphProto.encode({ node: [...parts.nodes], name: parts.name, initializer: [...parts.initializers] }).finish();
  const graphTail = onnx.GraphProto.encode({ input: [...parts.inputs], output: [...parts.outputs] }).finish();
  const tail = onnx.ModelProto.encode({ metadataProps: metadata.map(([key, value]) => ({ key, value })) }).finish();
  const streamed = parts.streamed.map((t) => {
    const head = onnx.TensorProto.encode({ name: t.name, dims: [...t.dims], dataType: t.dataType }).finish();
    const rawPrefix = Uint8Array.from([KEY_TENSOR_RAW_DATA, ...varintBytes(t.byteLength)]);
    const inner = head.length + rawPrefix.length + t.byteLength;
    const prefix = Uint8Array.from([KEY_GRAPH_INITIALIZER, ...varintBytes(inner)]);
    return { t, head, rawPrefix, prefix, total: prefix.length + inner };
  });
  const graphLength = graphHead.length + streamed.reduce((n, s) => n + s.total, 0) + graphTail.length;
  const graphPrefix = Uint8Array.from([KEY_MODEL_GRAPH, ...varintBytes(graphLength)]);
  const bytes = header.length + graphPrefix.length + graphLength + tail.length;
  const hash = crypto.createHash('sha256');
  for (const b of [header, graphPrefix, graphHead, ...streamed.flatMap((s) => [s.prefix, s.head, s.rawPrefix]), graphTail, tail]) hash.update(b);
  const count = (dims: readonly unknown[] | null | undefined) => (dims ?? []).reduce<number>((a, b) => a * Number(b), 1);
  return {
    bytes,
    initializers: parts.initializers.length + parts.streamed.length,
    elements: parts.initializers.reduce((n, t) => n + count(t.dims), 0) + parts.streamed.reduce((n, t) => n + count(t.dims), 0),
    layoutHash: hash.digest('hex'),
    write(file: string): void {
      const fd = fs.openSync(file, 'w');
      let written = 0;
      const write = (b: Uint8Array) => {
        let off = 0;
        while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off);
        written += b.length;
      };
      try {
        write(header);
        write(graphPrefix);
        write(graphHead);
        for (const s of streamed) {
          write(s.prefix);
          write(s.head);
          write(s.rawPrefix);
          write(s.t.produce());
        }
        write(graphTail);
        write(tail);
      } finally {
        fs.closeSync(fd);
      }
      if (written !== bytes) throw new Error(`${file}: wrote ${written} bytes, expected ${bytes}`);
    },
  };
}
