// The samples diarize() reads, from one array or from a stream of chunks (the daemon's decoder), with
// only what the current window needs held: windows of 10 s every 1 s read the stream forward, and
// everything before the current window's start is let go. So a 3-hour file costs ~10 s of samples
// here instead of 230 MB per hour.
import type { SampleView } from './embeddingFeatures';

/** The whole file, or its 16 kHz samples as they are decoded. */
export type SampleSource = Float32Array | AsyncIterable<Float32Array>;

export class SampleReader implements SampleView {
  base = 0;
  data: Float32Array;
  /** Samples held, from base. */
  private held: number;
  private readonly chunks: AsyncIterator<Float32Array> | null;
  /** True once the source has no more samples: then `end` is the file's length. */
  done: boolean;

  constructor(source: SampleSource) {
    if (source instanceof Float32Array) {
      this.data = source;
      this.held = source.length;
      this.chunks = null;
      this.done = true;
    } else {
      this.data = new Float32Array(0);
      this.held = 0;
      this.chunks = source[Symbol.asyncIterator]();
      this.done = false;
    }
  }

  /** One past the last sample read so far. */
  get end(): number {
    return this.base + this.held;
  }

  /** Reads until `end` samples are there or the source ends. */
  async fill(end: number): Promise<void> {
    while (!this.done && this.end < end) {
      const r = await (this.chunks as AsyncIterator<Float32Array>).next();
      if (r.done) {
        this.done = true;
        break;
      }
      const c = r.value;
      if (this.held + c.length > this.data.length) {
        const grown = new Float32Array(Math.max(2 * this.data.length, this.held + c.length, 16_000));
        grown.set(this.data.subarray(0, this.held));
        this.data = grown;
      }
      this.data.set(c, this.held);
      this.held += c.length;
    }
  }

  /** Lets go of the samples before `sample` (a stream only: an array given whole stays as it is). */
  dropBefore(sample: number): void {
    if (this.chunks === null || sample <= this.base) return;
    const cut = Math.min(sample - this.base, this.held);
    this.data.copyWithin(0, cut, this.held);
    this.held -= cut;
    this.base += cut;
  }

  /** Copies [start, start + out.length) into out, zeros past the end. */
  copy(start: number, out: Float32Array): void {
    // Only the part past the end is zeroed: the window is copied 644 times on a 10-minute file.
    const from = start - this.base;
    const to = Math.min(from + out.length, this.held);
    const n = Math.max(0, to - from);
    if (n > 0) out.set(this.data.subarray(from, to));
    out.fill(0, n);
  }
}
