// A minimal protobuf writer: just what an ONNX model needs (varints, packed varints, strings, bytes,
// floats, nested messages). graphBuilder.ts writes ONNX files over it, so the daemon (which builds its
// GPU-check models at run time) ships neither a model file nor a protobuf library. Large payloads
// (weights) can be given as a length and a function that produces them, so a big model is written to
// disk one tensor at a time instead of being held in memory.
// Fields go out in the order they are written; graphBuilder.ts writes them in onnx.proto's declaration
// order, packing repeated integers as proto3-style encoders do (protobufjs, onnx's own Python writer).

/** Bytes now, or a known length and a function that produces them when the message is written. */
export type Part = Uint8Array | { readonly length: number; readonly produce: () => Uint8Array };

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

const utf8 = new TextEncoder();

export class ProtoWriter {
  private readonly parts: Part[] = [];
  private scratch: number[] = [];
  private size = 0;

  /** Bytes written so far, lazy parts included. */
  get length(): number {
    return this.size + this.scratch.length;
  }

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.size += this.scratch.length;
    this.scratch = [];
  }

  private push(part: Part): void {
    this.flushScratch();
    this.parts.push(part);
    this.size += part.length;
  }

  private rawVarint(value: number | bigint): void {
    // int64 fields: negative values are written as 10-byte two's complement.
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.scratch.push(byte);
    } while (v !== 0n);
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** An int32 / int64 / enum / bool field. */
  varint(field: number, value: number | bigint): this {
    this.key(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  /** A repeated int32 / int64 field, packed: one length-delimited run of varints. */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const sub = new ProtoWriter();
    for (const v of values) sub.rawVarint(v);
    this.key(field, WIRE_BYTES);
    this.rawVarint(sub.scratch.length);
    for (const b of sub.scratch) this.scratch.push(b);
    return this;
  }

  /** A float field (fixed 32-bit, little-endian). */
  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.scratch.push(...b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.rawVarint(value.length);
    if (value.length <= 64) this.scratch.push(...value);
    else this.push(value);
    return this;
  }

  /** A bytes field whose content is produced only when the message is written out. */
  lazyBytes(field: number, length: number, produce: () => Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.rawVarint(length);
    this.push({ length, produce });
    return this;
  }

  /** A nested message. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const sub = new ProtoWriter();
    build(sub);
    sub.flushScratch();
    this.key(field, WIRE_BYTES);
    this.rawVarint(sub.size);
    for (const p of sub.parts) this.push(p);
    return this;
  }

  /** The message's parts, in order; lazy ones are produced by whoever writes them. */
  toParts(): Part[] {
    this.flushScratch();
    return [...this.parts];
  }

  /** The whole message in one buffer (lazy parts produced now). */
  finish(): Uint8Array {
    return concatParts(this.toParts());
  }
}

/** Produces one part's bytes, checking that a lazy part kept its promise about its length. */
export function partBytes(part: Part): Uint8Array {
  if (part instanceof Uint8Array) return part;
  const bytes = part.produce();
  if (bytes.length !== part.length)
    throw new Error(`protobuf part produced ${bytes.length} bytes, declared ${part.length}`);
  return bytes;
}

export function concatParts(parts: readonly Part[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(partBytes(p), at);
    at += p.length;
  }
  return out;
}
