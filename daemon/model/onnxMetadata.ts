// Reads what an ONNX file says about itself (metadata_props, producer, opset, graph inputs and
// outputs) without decoding it. The file is walked field by field with positioned reads: big fields
// (the graph's nodes and initializers) are skipped by their declared length, so a 940 MB model costs a
// few hundred small reads, not a parse. SenseVoice's contract lives in metadata_props, which
// protobuf writers put after the graph, so the walk has to cross the graph to reach them.

import fs from 'node:fs/promises';
import { ProtoReader, ProtoWireError, WireType, decodeVarint, splitKey } from './protoWire';

/** A graph input or output as the file declares it. */
export interface OnnxValueInfo {
  name: string;
  /** 'float32', 'int32', 'int64', … as onnxruntime names tensor types; 'sequence', 'map', … for non-tensors. */
  elemType: string;
  /** Each dimension: a number, a symbolic name, or null when unknown; null when the rank is unknown. */
  shape: (number | string | null)[] | null;
}

export interface OnnxModelInfo {
  path: string;
  fileSize: number;
  irVersion: number | null;
  producerName: string;
  producerVersion: string;
  /** Version of the default (ai.onnx) operator set, null when the file imports none. */
  opset: number | null;
  opsetImports: { domain: string; version: number }[];
  metadata: Record<string, string>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Diagnostics: how much of the file the walk read, and in how many reads. */
  bytesRead: number;
  reads: number;
}

/** The file is not a readable ONNX model; the message says what was expected and what was found. */
export class OnnxFormatError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'OnnxFormatError';
  }
}

/** TensorProto.DataType -> the names onnxruntime uses for tensor types. */
const ELEM_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

// ModelProto, GraphProto and friends: only the fields this reader looks at.
const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8, metadataProps: 14 };
const GRAPH = { input: 11, output: 12 };
const EXPECTED_WIRE: Record<number, number> = {
  [MODEL.irVersion]: WireType.Varint,
  [MODEL.producerName]: WireType.LengthDelimited,
  [MODEL.producerVersion]: WireType.LengthDelimited,
  [MODEL.graph]: WireType.LengthDelimited,
  [MODEL.opsetImport]: WireType.LengthDelimited,
  [MODEL.metadataProps]: WireType.LengthDelimited,
};
const MODEL_FIELD_NAMES: Record<number, string> = {
  1: 'ir_version',
  2: 'producer_name',
  3: 'producer_version',
  7: 'graph',
  8: 'opset_import',
  14: 'metadata_props',
};
/** Small messages we decode in memory; anything larger is not plausible and means a corrupt file. */
const MAX_SMALL_MESSAGE = 64 * 1024 * 1024;
const MIN_CHUNK = 256;
const MAX_CHUNK = 1024 * 1024;

/** Positioned reads through a small window that grows while the walk reads sequentially. */
class WindowedFile {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  private chunk = MIN_CHUNK * 16;
  bytesRead = 0;
  reads = 0;

  constructor(
    private readonly fh: fs.FileHandle,
    readonly size: number,
  ) {}

  /** Makes bytes [pos, pos + n) available (n clipped to the file's end) and returns the window. */
  async window(pos: number, n: number): Promise<{ bytes: Buffer; offset: number; end: number }> {
    const want = Math.min(n, this.size - pos);
    const bufEnd = this.bufStart + this.buf.length;
    if (pos < this.bufStart || pos + want > bufEnd) {
      const sequential = pos >= this.bufStart && pos <= bufEnd + MIN_CHUNK;
      this.chunk = sequential ? Math.min(this.chunk * 2, MAX_CHUNK) : MIN_CHUNK;
      const len = Math.min(Math.max(want, this.chunk), this.size - pos);
      const buf = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await this.fh.read(buf, got, len - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      this.reads++;
      this.bytesRead += got;
      this.buf = buf.subarray(0, got);
      this.bufStart = pos;
    }
    return { bytes: this.buf, offset: pos - this.bufStart, end: this.buf.length };
  }
}

/**
 * Reads the header-level facts of the ONNX model at `path`. Throws OnnxFormatError when the file is
 * empty, truncated, or not an ONNX ModelProto; other errors (missing file, permissions) pass through.
 */
export async function readOnnxModelInfo(path: string): Promise<OnnxModelInfo> {
  const fh = await fs.open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) throw new OnnxFormatError(path, `${path} is empty (0 bytes); expected an ONNX model.`);
    const file = new WindowedFile(fh, size);
    const progress = { sawIrVersion: false };
    try {
      return await walkModel(path, file, progress);
    } catch (err) {
      // A length running past the end of a file that began like a model is a cut-short download;
      // the same in bytes that never looked like a model is just more evidence of garbage.
      if (err instanceof TruncatedError && progress.sawIrVersion) {
        throw new OnnxFormatError(
          path,
          `${path} is truncated: ${err.message}. It was probably cut short (an interrupted download?); ` +
            'fetch it again.',
        );
      }
      if (err instanceof ProtoWireError) throw await notOnnx(path, file, err.message);
      throw err;
    }
  } finally {
    await fh.close();
  }
}

async function walkModel(
  path: string,
  file: WindowedFile,
  progress: { sawIrVersion: boolean },
): Promise<OnnxModelInfo> {
  const info: OnnxModelInfo = {
    path,
    fileSize: file.size,
    irVersion: null,
    producerName: '',
    producerVersion: '',
    opset: null,
    opsetImports: [],
    metadata: {},
    inputs: [],
    outputs: [],
    bytesRead: 0,
    reads: 0,
  };
  let sawGraph = false;
  await walkFields(file, 0, file.size, 'the model', async (field, wireType, r, varint) => {
    const expected = EXPECTED_WIRE[field];
    if (expected !== undefined && expected !== wireType) {
      throw new ProtoWireError(
        `field ${field} (${MODEL_FIELD_NAMES[field]}) has wire type ${wireType} where ONNX uses ${expected}`,
      );
    }
    switch (field) {
      case MODEL.irVersion:
        info.irVersion = varint;
        progress.sawIrVersion = true;
        return;
      case MODEL.producerName:
      case MODEL.producerVersion: {
        const s = (await smallMessage(file, r)).readStringAll();
        if (field === MODEL.producerName) info.producerName = s;
        else info.producerVersion = s;
        return;
      }
      case MODEL.opsetImport: {
        const m = (await smallMessage(file, r)).reader;
        let domain = '';
        let version = 0;
        while (!m.done) {
          const k = m.readKey();
          if (k.fieldNumber === 1 && k.wireType === WireType.LengthDelimited) domain = m.readString();
          else if (k.fieldNumber === 2 && k.wireType === WireType.Varint) version = m.readSignedVarint();
          else m.skip(k.wireType);
        }
        info.opsetImports.push({ domain, version });
        if (domain === '' || domain === 'ai.onnx') info.opset = version;
        return;
      }
      case MODEL.metadataProps: {
        const m = (await smallMessage(file, r)).reader;
        let key = '';
        let value = '';
        while (!m.done) {
          const k = m.readKey();
          if (k.fieldNumber === 1 && k.wireType === WireType.LengthDelimited) key = m.readString();
          else if (k.fieldNumber === 2 && k.wireType === WireType.LengthDelimited) value = m.readString();
          else m.skip(k.wireType);
        }
        info.metadata[key] = value;
        return;
      }
      case MODEL.graph:
        sawGraph = true;
        await walkFields(file, r.start, r.end, 'the graph', async (gField, gWire, gr) => {
          if ((gField === GRAPH.input || gField === GRAPH.output) && gWire === WireType.LengthDelimited) {
            const vi = parseValueInfo((await smallMessage(file, gr)).reader);
            (gField === GRAPH.input ? info.inputs : info.outputs).push(vi);
          }
        });
        return;
    }
  });
  if (!sawGraph) {
    throw new ProtoWireError('the file parses as protobuf but holds no graph (ModelProto field 7)');
  }
  info.bytesRead = file.bytesRead;
  info.reads = file.reads;
  return info;
}

type FieldVisitor = (
  field: number,
  wireType: number,
  /** For length-delimited fields: the value's bounds in the file. */
  region: { start: number; end: number },
  /** The value of a varint field (0 for other wire types). */
  varint: number,
) => Promise<void>;

/**
 * Walks the fields of the message occupying [start, end) of the file, calling `visit` for each.
 * Length-delimited values are skipped by length unless the visitor reads them.
 */
async function walkFields(
  file: WindowedFile,
  start: number,
  end: number,
  what: string,
  visit: FieldVisitor,
): Promise<void> {
  let pos = start;
  while (pos < end) {
    const keyAt = pos;
    const key = await readVarintAt(file, pos, end);
    pos = key.next;
    const { fieldNumber, wireType } = splitKey(key.value, keyAt);
    let region = { start: pos, end: pos };
    let varint = 0;
    switch (wireType) {
      case WireType.Varint: {
        const v = await readVarintAt(file, pos, end);
        varint = v.value;
        pos = v.next;
        break;
      }
      case WireType.Fixed64:
      case WireType.Fixed32: {
        const n = wireType === WireType.Fixed64 ? 8 : 4;
        if (pos + n > end) throw overrun(file, `a ${n}-byte value in ${what} at byte ${pos}`, pos + n, end);
        pos += n;
        break;
      }
      case WireType.LengthDelimited: {
        const lenVarint = await readVarintAt(file, pos, end);
        const len = lenVarint.value;
        pos = lenVarint.next;
        if (pos + len > end) {
          const name = what === 'the model' ? ` (${MODEL_FIELD_NAMES[fieldNumber] ?? 'unknown'})` : '';
          throw overrun(
            file,
            `field ${fieldNumber}${name} of ${what} at byte ${keyAt} declares ${fmt(len)} bytes`,
            pos + len,
            end,
          );
        }
        region = { start: pos, end: pos + len };
        pos += len;
        break;
      }
      default:
        throw new ProtoWireError(`unsupported wire type ${wireType} at byte ${keyAt}`);
    }
    await visit(fieldNumber, wireType, region, varint);
  }
}

async function readVarintAt(file: WindowedFile, pos: number, end: number): Promise<{ value: number; next: number }> {
  const w = await file.window(pos, Math.min(10, end - pos));
  const r = decodeVarint(w.bytes, w.offset, Math.min(w.end, w.offset + (end - pos)));
  if (!r) throw overrun(file, `a varint at byte ${pos}`, Math.min(pos + 10, end + 1), end);
  return { value: r.value, next: pos + (r.next - w.offset) };
}

async function smallMessage(
  file: WindowedFile,
  region: { start: number; end: number },
): Promise<{ reader: ProtoReader; readStringAll(): string }> {
  const len = region.end - region.start;
  if (len > MAX_SMALL_MESSAGE) {
    throw new ProtoWireError(`a ${len}-byte field at byte ${region.start} where ONNX has a small message`);
  }
  const w = await file.window(region.start, len);
  const bytes = w.bytes.subarray(w.offset, w.offset + len);
  return {
    reader: new ProtoReader(bytes, 0, len, region.start),
    readStringAll: () => new TextDecoder().decode(bytes),
  };
}

function parseValueInfo(m: ProtoReader): OnnxValueInfo {
  const vi: OnnxValueInfo = { name: '', elemType: 'unknown', shape: null };
  while (!m.done) {
    const k = m.readKey();
    if (k.fieldNumber === 1 && k.wireType === WireType.LengthDelimited) vi.name = m.readString();
    else if (k.fieldNumber === 2 && k.wireType === WireType.LengthDelimited) parseType(m.readMessage(), vi);
    else m.skip(k.wireType);
  }
  return vi;
}

const TYPE_KINDS: Record<number, string> = { 4: 'sequence', 5: 'map', 8: 'sparse_tensor', 9: 'optional' };

function parseType(t: ProtoReader, vi: OnnxValueInfo): void {
  while (!t.done) {
    const k = t.readKey();
    if (k.fieldNumber === 1 && k.wireType === WireType.LengthDelimited) {
      const tensor = t.readMessage();
      while (!tensor.done) {
        const tk = tensor.readKey();
        if (tk.fieldNumber === 1 && tk.wireType === WireType.Varint) {
          const id = tensor.readVarint();
          vi.elemType = ELEM_TYPES[id] ?? `type${id}`;
        } else if (tk.fieldNumber === 2 && tk.wireType === WireType.LengthDelimited) {
          vi.shape = parseShape(tensor.readMessage());
        } else tensor.skip(tk.wireType);
      }
    } else if (TYPE_KINDS[k.fieldNumber] && k.wireType === WireType.LengthDelimited) {
      vi.elemType = TYPE_KINDS[k.fieldNumber]!;
      t.skip(k.wireType);
    } else t.skip(k.wireType);
  }
}

function parseShape(s: ProtoReader): (number | string | null)[] {
  const dims: (number | string | null)[] = [];
  while (!s.done) {
    const k = s.readKey();
    if (k.fieldNumber !== 1 || k.wireType !== WireType.LengthDelimited) {
      s.skip(k.wireType);
      continue;
    }
    const d = s.readMessage();
    let dim: number | string | null = null;
    while (!d.done) {
      const dk = d.readKey();
      if (dk.fieldNumber === 1 && dk.wireType === WireType.Varint) dim = d.readSignedVarint();
      else if (dk.fieldNumber === 2 && dk.wireType === WireType.LengthDelimited) dim = d.readString() || null;
      else d.skip(dk.wireType);
    }
    dims.push(dim);
  }
  return dims;
}

/** Something runs past the end of the file: truncation. */
class TruncatedError extends ProtoWireError {}

function overrun(file: WindowedFile, what: string, needEnd: number, end: number): Error {
  if (end < file.size) {
    // Inside a message whose own length fits in the file: the bytes disagree with themselves.
    return new ProtoWireError(`${what}, past the end of the enclosing message (byte ${fmt(end)})`);
  }
  return new TruncatedError(`${what}, which needs ${fmt(needEnd)} bytes, but the file has only ${fmt(file.size)}`);
}

async function notOnnx(path: string, file: WindowedFile, detail: string): Promise<OnnxFormatError> {
  const head = await file.window(0, 64);
  const text = head.bytes.subarray(head.offset, head.offset + Math.min(64, head.end - head.offset)).toString('latin1');
  let hint = '';
  if (text.startsWith('version https://git-lfs')) {
    hint = ' It is a Git LFS pointer, not the model: run `git lfs pull` in its repository or download the file itself.';
  } else if (/^[\t\n\r\x20-\x7e]{16,}/.test(text)) {
    hint = ` It looks like a text file (it starts with ${JSON.stringify(text.slice(0, 40))}).`;
  }
  return new OnnxFormatError(
    path,
    `${path} is not an ONNX model: expected a protobuf ModelProto with a graph, but ${detail}.${hint}`,
  );
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
