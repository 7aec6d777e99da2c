// A small writer for ONNX graphs over onnx-proto's protobuf classes: initializers, nodes, typed
// inputs and outputs, and the model's bytes. Encoding is deterministic, so equal graphs give equal files.
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

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
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

  /** The whole model file. metadata_props are written after the graph (protobuf field order). */
  encode(metadata: ReadonlyArray<readonly [string, string]>, docString: string): Uint8Array {
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
