// Samples of a stream kept only from a moving start position, so memory is bounded by the
// longest segment, whatever the stream's length.

export class SampleBuffer {
  private chunks: Float32Array[] = [];
  /** Stream position of chunks[0][0]. */
  private base = 0;
  private total = 0;

  /** Samples appended so far (the stream position of the next sample). */
  get length(): number {
    return this.total;
  }

  /** Samples currently held. */
  get held(): number {
    return this.total - this.base;
  }

  append(chunk: Float32Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Copies stream positions [from, to); both must be within what is held. */
  slice(from: number, to: number): Float32Array {
    if (from < this.base || to > this.total || from > to)
      throw new RangeError(`slice [${from}, ${to}) outside held [${this.base}, ${this.total})`);
    const out = new Float32Array(to - from);
    let pos = this.base;
    let written = 0;
    for (const c of this.chunks) {
      const cEnd = pos + c.length;
      if (cEnd > from && pos < to) {
        const a = Math.max(from, pos) - pos;
        const b = Math.min(to, cEnd) - pos;
        out.set(c.subarray(a, b), written);
        written += b - a;
      }
      pos = cEnd;
      if (pos >= to) break;
    }
    return out;
  }

  /** Forgets samples before stream position `pos`. */
  discardBefore(pos: number): void {
    while (this.chunks.length > 0 && this.base + this.chunks[0].length <= pos) {
      this.base += this.chunks[0].length;
      this.chunks.shift();
    }
  }
}
