// Splits a byte stream into newline-delimited frames. Bytes are buffered until a newline so that a
// multi-byte UTF-8 character split across chunks is decoded whole; a frame over `maxFrameBytes` is
// dropped (reported through `onOversize`) without buffering the rest of it.

export interface LineFramerOptions {
  /** Called with each complete line, without its newline (and without a trailing "\r"). */
  onFrame: (line: string) => void;
  /** Called once per oversized frame, with the bytes it had when it was dropped. */
  onOversize?: (bytesSeen: number) => void;
  /** Largest frame accepted, in bytes. */
  maxFrameBytes?: number;
}

const NEWLINE = 0x0a;

export class LineFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;
  private discardedBytes = 0;
  private readonly maxFrameBytes: number;

  constructor(private readonly options: LineFramerOptions) {
    this.maxFrameBytes = options.maxFrameBytes ?? 64 * 1024 * 1024;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      this.append(chunk.subarray(start, end));
      if (nl === -1) return;
      this.finishFrame();
      start = nl + 1;
    }
  }

  /** Flushes a last frame that had no newline (at end of stream). */
  end(): void {
    if (this.pendingBytes > 0 || this.discarding) this.finishFrame();
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarding) {
      this.discardedBytes += part.length;
      return;
    }
    if (this.pendingBytes + part.length > this.maxFrameBytes) {
      this.discarding = true;
      this.discardedBytes = this.pendingBytes + part.length;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    this.pending.push(Buffer.from(part));
    this.pendingBytes += part.length;
  }

  private finishFrame(): void {
    if (this.discarding) {
      const seen = this.discardedBytes;
      this.discarding = false;
      this.discardedBytes = 0;
      this.options.onOversize?.(seen);
      return;
    }
    let line = Buffer.concat(this.pending, this.pendingBytes).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim().length > 0) this.options.onFrame(line);
  }
}
