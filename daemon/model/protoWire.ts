// A minimal reader for the protobuf wire format over an in-memory buffer. Enough to pick fields out
// of ONNX and SentencePiece messages without a schema or a dependency: varints, fixed 32/64-bit
// values and length-delimited fields. Every read is bounds-checked and throws ProtoWireError, so a
// garbage or truncated input fails with a message rather than an out-of-range access.

export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 } as const;

export class ProtoWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoWireError';
  }
}

/** A field's key: its number and how its value is encoded. */
export interface FieldKey {
  fieldNumber: number;
  wireType: number;
}

const TWO_POW_32 = 2 ** 32;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The two 32-bit halves of a varint and the position after it, or null when it runs past `end`. */
function decodeVarintHalves(
  bytes: Uint8Array,
  pos: number,
  end: number,
): { lo: number; hi: number; next: number } | null {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end) return null;
    const b = bytes[pos + i]!;
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0, next: pos + i + 1 };
  }
  throw new ProtoWireError(`malformed varint at byte ${pos} (more than 10 bytes)`);
}

/**
 * Decodes a varint at `pos` of `bytes` (reading no further than `end`). Returns the value as an
 * unsigned number (exact below 2^53, which covers every length and offset we meet) and the position
 * after it, or null when the varint runs past `end` (the caller decides whether that is truncation or
 * a reason to fetch more bytes).
 */
export function decodeVarint(bytes: Uint8Array, pos: number, end: number): { value: number; next: number } | null {
  const r = decodeVarintHalves(bytes, pos, end);
  return r && { value: r.hi * TWO_POW_32 + r.lo, next: r.next };
}

/** Splits a key varint into field number and wire type, rejecting keys no valid message contains. */
export function splitKey(key: number, at: number): FieldKey {
  const wireType = key % 8;
  const fieldNumber = Math.floor(key / 8);
  if (fieldNumber === 0 || fieldNumber > 0x1fffffff) {
    throw new ProtoWireError(`invalid field number ${fieldNumber} at byte ${at}`);
  }
  if (wireType === WireType.StartGroup || wireType === WireType.EndGroup || wireType > WireType.Fixed32) {
    throw new ProtoWireError(`unsupported wire type ${wireType} (field ${fieldNumber}) at byte ${at}`);
  }
  return { fieldNumber, wireType };
}

/** Sequential reader over one message held in memory. */
export class ProtoReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
    /** Added to positions in error messages, so they point into the original file. */
    readonly baseOffset = 0,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private fail(what: string): never {
    throw new ProtoWireError(`${what} at byte ${this.baseOffset + this.pos}`);
  }

  readVarint(): number {
    const r = decodeVarint(this.bytes, this.pos, this.end);
    if (!r) this.fail('truncated varint');
    this.pos = r.next;
    return r.value;
  }

  /** An int64/int32 field: negative values are 10-byte two's complement varints. */
  readSignedVarint(): number {
    const r = decodeVarintHalves(this.bytes, this.pos, this.end);
    if (!r) this.fail('truncated varint');
    this.pos = r.next;
    if (r.hi < 0x80000000) return r.hi * TWO_POW_32 + r.lo;
    const lo = (~r.lo + 1) >>> 0;
    const hi = (~r.hi + (lo === 0 ? 1 : 0)) >>> 0;
    return -(hi * TWO_POW_32 + lo);
  }

  readKey(): FieldKey {
    const at = this.baseOffset + this.pos;
    return splitKey(this.readVarint(), at);
  }

  /** The bounds of a length-delimited value; the reader moves past it. */
  readLengthDelimited(): { start: number; end: number } {
    const len = this.readVarint();
    const start = this.pos;
    if (len > this.end - start) {
      this.fail(`length-delimited field of ${len} bytes runs past the end of its message (${this.end - start} left)`);
    }
    this.pos = start + len;
    return { start, end: start + len };
  }

  readBytes(): Uint8Array {
    const { start, end } = this.readLengthDelimited();
    return this.bytes.subarray(start, end);
  }

  readString(): string {
    return utf8.decode(this.readBytes());
  }

  readFloat(): number {
    if (this.end - this.pos < 4) this.fail('truncated fixed32');
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  /** A sub-reader over a length-delimited field, sharing the buffer. */
  readMessage(): ProtoReader {
    const { start, end } = this.readLengthDelimited();
    return new ProtoReader(this.bytes, start, end, this.baseOffset);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.readVarint();
        return;
      case WireType.Fixed64:
        if (this.end - this.pos < 8) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case WireType.LengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.Fixed32:
        if (this.end - this.pos < 4) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`cannot skip wire type ${wireType}`);
    }
  }
}
