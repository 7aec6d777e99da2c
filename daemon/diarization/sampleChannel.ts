// Decoded samples handed from the transcription's decoder to the diarization while both run: the
// decoder pushes each chunk (and waits when the diarization is more than `maxQueuedSamples` behind,
// so that a 3-hour file is never held whole), diarize() reads them as an async stream. The file is
// decoded once and feeds the ASR and the diarization from the same chunks.

export class SampleChannel implements AsyncIterable<Float32Array> {
  private readonly queue: Float32Array[] = [];
  private queued = 0;
  private ended = false;
  private failure: unknown = null;
  private wakeReader: (() => void) | null = null;
  private readonly wakeWriters: (() => void)[] = [];
  /** Samples pushed so far. */
  pushed = 0;

  constructor(private readonly maxQueuedSamples = 30 * 16_000) {}

  /** Queues a chunk; the promise settles once the queue is short enough again. */
  push(chunk: Float32Array): Promise<void> | void {
    if (this.ended) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.pushed += chunk.length;
    this.wake();
    if (this.queued <= this.maxQueuedSamples) return;
    return new Promise<void>((resolve) => this.wakeWriters.push(resolve));
  }

  /** No more samples; with an error, the reader's next read throws it. */
  end(error?: unknown): void {
    this.ended = true;
    if (error !== undefined) this.failure = error;
    this.wake();
    this.releaseWriters();
  }

  private wake(): void {
    const w = this.wakeReader;
    this.wakeReader = null;
    w?.();
  }

  private releaseWriters(): void {
    for (const w of this.wakeWriters.splice(0)) w();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Float32Array> {
    try {
      for (;;) {
        if (this.failure !== null) throw this.failure;
        const c = this.queue.shift();
        if (c !== undefined) {
          this.queued -= c.length;
          if (this.queued <= this.maxQueuedSamples) this.releaseWriters();
          yield c;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
      }
    } finally {
      // A reader that stops early (an error, a cancel) must not leave the decoder waiting.
      this.ended = true;
      this.queue.length = 0;
      this.queued = 0;
      this.releaseWriters();
    }
  }
}
