// The Open Inference Protocol's (KServe v2) infer request and response bodies, as the daemon's client
// writes and reads them: plain JSON (tensors as flat `data` arrays) or Triton's binary tensor data
// extension (the JSON header, then each tensor's raw little-endian bytes in order; the header's length
// travels in the `Inference-Header-Content-Length` HTTP header, each tensor's byte count in its
// `parameters.binary_data_size`). Pure functions, so golden fixtures can pin the bytes.
import { ErrorCode, SenseVoiceError } from '../../common/protocol';

/** The tensor datatypes the SenseVoice contract uses, as the protocol spells them. */
export type OipDatatype = 'FP32' | 'INT32' | 'INT64';

/** A tensor in memory: its name, datatype, shape and row-major values. */
export interface OipTensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

export interface InferRequest {
  id?: string;
  inputs: OipTensor[];
  /** The outputs wanted back, by name. */
  outputs: string[];
  /** true: the binary tensor extension (the default in the client); false: JSON only. */
  binary: boolean;
}

/** The HTTP body and the headers that go with it. */
export interface EncodedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** The JSON part of a request, exactly as written (the conformance tests validate it). */
export interface InferRequestJson {
  id?: string;
  inputs: {
    name: string;
    shape: number[];
    datatype: OipDatatype;
    parameters?: { binary_data_size: number };
    data?: number[];
  }[];
  outputs: { name: string; parameters: { binary_data: boolean } }[];
}

const BYTES: Record<OipDatatype, number> = { FP32: 4, INT32: 4, INT64: 8 };

export const HEADER_LENGTH_HEADER = 'inference-header-content-length';

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Encodes a request: JSON, or the JSON header followed by the tensors' bytes. */
export function encodeInferRequest(req: InferRequest): EncodedRequest {
  const json: InferRequestJson = {
    ...(req.id !== undefined ? { id: req.id } : {}),
    inputs: req.inputs.map((t) => ({
      name: t.name,
      shape: t.shape,
      datatype: t.datatype,
      ...(req.binary ? { parameters: { binary_data_size: t.data.byteLength } } : { data: plainNumbers(t) }),
    })),
    outputs: req.outputs.map((name) => ({ name, parameters: { binary_data: req.binary } })),
  };
  const header = Buffer.from(JSON.stringify(json), 'utf8');
  if (!req.binary) return { body: header, headers: { 'content-type': 'application/json' } };
  const body = Buffer.concat([header, ...req.inputs.map((t) => littleEndian(t.data))]);
  return {
    body,
    headers: { 'content-type': 'application/octet-stream', [HEADER_LENGTH_HEADER]: String(header.length) },
  };
}

/** Parses a response body; `headerLength` is the Inference-Header-Content-Length value, if any. */
export function decodeInferResponse(
  body: Buffer,
  headerLength: number | undefined,
): { modelName?: string; id?: string; outputs: OipTensor[] } {
  const jsonBytes = headerLength === undefined ? body : body.subarray(0, headerLength);
  if (headerLength !== undefined && (headerLength < 0 || headerLength > body.length)) {
    throw malformed(`its header length ${headerLength} exceeds the ${body.length}-byte body`);
  }
  let json: unknown;
  try {
    json = JSON.parse(jsonBytes.toString('utf8'));
  } catch {
    throw malformed('its JSON does not parse');
  }
  const r = json as { model_name?: unknown; id?: unknown; outputs?: unknown };
  if (typeof r !== 'object' || r === null || !Array.isArray(r.outputs)) throw malformed('it has no outputs array');
  let offset = headerLength ?? body.length;
  const outputs = r.outputs.map((o: unknown): OipTensor => {
    const t = o as { name?: unknown; datatype?: unknown; shape?: unknown; data?: unknown; parameters?: unknown };
    if (typeof t.name !== 'string') throw malformed('an output has no name');
    if (t.datatype !== 'FP32' && t.datatype !== 'INT32' && t.datatype !== 'INT64') {
      throw malformed(`output ${t.name} has datatype ${String(t.datatype)}, not FP32, INT32 or INT64`);
    }
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw malformed(`output ${t.name} has no valid shape`);
    }
    const shape = t.shape as number[];
    const count = elementCount(shape);
    const size = (t.parameters as { binary_data_size?: unknown } | undefined)?.binary_data_size;
    if (size !== undefined) {
      if (size !== count * BYTES[t.datatype]) {
        throw malformed(`output ${t.name} has ${String(size)} binary bytes for shape [${shape.join(', ')}]`);
      }
      if (offset + size > body.length) throw malformed(`output ${t.name}'s bytes end past the body (truncated?)`);
      const data = fromLittleEndian(t.datatype, body.subarray(offset, offset + size));
      offset += size;
      return { name: t.name, datatype: t.datatype, shape, data };
    }
    if (!Array.isArray(t.data) || t.data.length !== count) {
      throw malformed(`output ${t.name} has no data of ${count} values`);
    }
    return { name: t.name, datatype: t.datatype, shape, data: fromNumbers(t.datatype, t.data as unknown[]) };
  });
  if (offset !== body.length) throw malformed(`${body.length - offset} bytes follow the last output`);
  return {
    ...(typeof r.model_name === 'string' ? { modelName: r.model_name } : {}),
    ...(typeof r.id === 'string' ? { id: r.id } : {}),
    outputs,
  };
}

function malformed(why: string): SenseVoiceError {
  return new SenseVoiceError(ErrorCode.InferenceServerError, `The inference server's response is malformed: ${why}.`);
}

function plainNumbers(t: OipTensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function fromNumbers(datatype: OipDatatype, values: unknown[]): OipTensor['data'] {
  if (!values.every((v) => typeof v === 'number')) throw malformed('a data array holds a value that is not a number');
  const nums = values as number[];
  if (datatype === 'FP32') return Float32Array.from(nums);
  if (datatype === 'INT32') return Int32Array.from(nums);
  return BigInt64Array.from(nums, (v) => BigInt(v));
}

/** Tensor bytes in little-endian order whatever the host's (the protocol's byte order). */
function littleEndian(data: OipTensor['data']): Buffer {
  const out = Buffer.alloc(data.byteLength);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

function fromLittleEndian(datatype: OipDatatype, bytes: Buffer): OipTensor['data'] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / BYTES[datatype];
  if (datatype === 'FP32') {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = view.getFloat32(i * 4, true);
    return a;
  }
  if (datatype === 'INT32') {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = view.getInt32(i * 4, true);
    return a;
  }
  const a = new BigInt64Array(n);
  for (let i = 0; i < n; i++) a[i] = view.getBigInt64(i * 8, true);
  return a;
}
