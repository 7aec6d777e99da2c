// Streaming segmentation: samples in (any chunk sizes), speech segments with their samples out, as
// soon as each one ends. Holds only the current segment's samples.
import { Segmenter, type SegmenterOptions } from './segmenter';
import { SampleBuffer } from './sampleBuffer';
import { VAD_WINDOW, type SileroVad } from './sileroVad';

export interface SpeechSegment {
  /** Position in the file, from 0. */
  index: number;
  /** Sample range in the stream. */
  start: number;
  end: number;
  samples: Float32Array;
}

export class VadSegmentStream {
  private readonly segmenter: Segmenter;
  private readonly buffer = new SampleBuffer();
  private readonly stream;
  private processed = 0;
  private index = 0;

  constructor(
    private readonly vad: SileroVad,
    options: Partial<SegmenterOptions>,
    /** Awaited: a slow consumer holds the decoder back instead of letting segments pile up. */
    private readonly onSegment: (s: SpeechSegment) => Promise<void> | void,
  ) {
    this.segmenter = new Segmenter({ ...options, windowSamples: VAD_WINDOW });
    this.stream = vad.createStream();
  }

  async push(chunk: Float32Array): Promise<void> {
    this.buffer.append(chunk);
    while (this.buffer.length - this.processed >= VAD_WINDOW) {
      const window = this.buffer.slice(this.processed, this.processed + VAD_WINDOW);
      this.processed += VAD_WINDOW;
      const p = await this.vad.probability(this.stream, window);
      for (const r of this.segmenter.push(p)) await this.emit(r.start, r.end);
      this.buffer.discardBefore(Math.min(this.segmenter.retainFrom(), this.processed));
    }
  }

  /** Ends the stream: the last partial window is scored zero-padded, then any open segment closes. */
  async end(): Promise<void> {
    const total = this.buffer.length;
    if (total > this.processed) {
      const tail = new Float32Array(VAD_WINDOW);
      tail.set(this.buffer.slice(this.processed, total));
      const p = await this.vad.probability(this.stream, tail);
      for (const r of this.segmenter.push(p)) await this.emit(r.start, Math.min(r.end, total));
      this.processed = total;
    }
    for (const r of this.segmenter.finish(total)) await this.emit(r.start, Math.min(r.end, total));
  }

  /** Samples held now: bounded by the longest segment plus a window. */
  get heldSamples(): number {
    return this.buffer.held;
  }

  private async emit(start: number, end: number): Promise<void> {
    end = Math.min(end, this.buffer.length);
    if (end <= start) return;
    const samples = this.buffer.slice(start, end);
    await this.onSegment({ index: this.index++, start, end, samples });
  }
}
