// Turns a stream of per-window speech probabilities into speech segments (sample ranges). Pure:
// no model, no samples, so it is tested with made-up probabilities. Memory is bounded by the
// longest segment (its windows' probabilities are kept to find the quietest cut point).

export interface SegmenterOptions {
  sampleRate: number;
  /** Samples per VAD window (Silero v5: 512 at 16 kHz). */
  windowSamples: number;
  /** Speech starts at or above this probability. */
  threshold: number;
  /** Speech ends below this (hysteresis); threshold - 0.15 as Silero recommends. */
  negThreshold: number;
  /** Silence that ends a segment. */
  minSilenceMs: number;
  /** Shorter bursts are dropped. */
  minSpeechMs: number;
  /** Audio kept around speech on each side. */
  speechPadMs: number;
  /** Longest segment; longer speech is cut at its quietest window near the cap. */
  maxSegmentSec: number;
  /** How far back from the cap to look for the quietest window. */
  cutSearchSec: number;
}

export const DEFAULT_SEGMENTER_OPTIONS: SegmenterOptions = {
  sampleRate: 16_000,
  windowSamples: 512,
  threshold: 0.5,
  negThreshold: 0.35,
  minSilenceMs: 300,
  minSpeechMs: 250,
  speechPadMs: 100,
  maxSegmentSec: 30,
  cutSearchSec: 5,
};

/** A segment as a half-open sample range [start, end). */
export interface SampleRange {
  start: number;
  end: number;
}

export class Segmenter {
  private readonly o: SegmenterOptions;
  private readonly pad: number;
  private readonly minSilence: number;
  private readonly minSpeech: number;
  private readonly maxLen: number;
  private window = 0;
  private triggered = false;
  private start = 0;
  private speechStart = 0;
  private speechEnd = 0;
  private silenceStart: number | null = null;
  private lastEnd = 0;
  /** Probabilities of the windows since `start`, for the quietest-point search. */
  private probs: { at: number; p: number }[] = [];

  constructor(options: Partial<SegmenterOptions> = {}) {
    this.o = { ...DEFAULT_SEGMENTER_OPTIONS, ...options };
    const ms = (x: number) => Math.round((x * this.o.sampleRate) / 1000);
    this.pad = ms(this.o.speechPadMs);
    this.minSilence = ms(this.o.minSilenceMs);
    this.minSpeech = ms(this.o.minSpeechMs);
    this.maxLen = Math.round(this.o.maxSegmentSec * this.o.sampleRate);
    if (this.maxLen < 2 * this.o.windowSamples)
      throw new RangeError(`maxSegmentSec ${this.o.maxSegmentSec} is shorter than two VAD windows`);
  }

  /** The earliest sample a segment may still need; samples before it can be dropped. */
  retainFrom(): number {
    const at = this.window * this.o.windowSamples;
    return this.triggered ? this.start : Math.max(this.lastEnd, at - this.pad - this.o.windowSamples);
  }

  /** Feeds the next window's probability; returns the segments it completes. */
  push(p: number): SampleRange[] {
    const W = this.o.windowSamples;
    const ws = this.window * W;
    const we = ws + W;
    this.window++;
    const out: SampleRange[] = [];
    if (!this.triggered) {
      if (p >= this.o.threshold) {
        this.triggered = true;
        this.start = Math.max(0, ws - this.pad, this.lastEnd);
        this.speechStart = ws;
        this.speechEnd = we;
        this.silenceStart = null;
        this.probs = [{ at: ws, p }];
      }
      return out;
    }
    this.probs.push({ at: ws, p });
    if (p >= this.o.threshold) {
      this.speechEnd = we;
      this.silenceStart = null;
    } else if (p < this.o.negThreshold) {
      this.silenceStart ??= ws;
      if (we - this.silenceStart >= this.minSilence) {
        this.close(Math.min(this.silenceStart + this.pad, this.start + this.maxLen), out);
        return out;
      }
    }
    if (we - this.start >= this.maxLen) this.cut(out);
    return out;
  }

  /** Ends the stream at `totalSamples`; returns the last segment if speech was going on. */
  finish(totalSamples: number): SampleRange[] {
    const out: SampleRange[] = [];
    if (this.triggered) this.close(Math.min(totalSamples, this.speechEnd + this.pad, this.start + this.maxLen), out);
    return out;
  }

  private close(end: number, out: SampleRange[]): void {
    if (this.speechEnd - this.speechStart >= this.minSpeech && end > this.start) out.push({ start: this.start, end });
    this.triggered = false;
    this.lastEnd = end;
    this.probs = [];
  }

  // Speech has reached the cap: cut inside the quietest window of the last cutSearchSec, so a word
  // is split as rarely as possible, and go on with a new segment from there.
  private cut(out: SampleRange[]): void {
    const W = this.o.windowSamples;
    const limit = this.start + this.maxLen;
    const from = limit - Math.round(this.o.cutSearchSec * this.o.sampleRate);
    let best: { at: number; p: number } | null = null;
    for (const w of this.probs) {
      if (w.at < from || w.at + W > limit || w.at <= this.start) continue;
      if (!best || w.p <= best.p) best = w;
    }
    const cutAt = best ? best.at + W / 2 : limit;
    out.push({ start: this.start, end: cutAt });
    this.start = cutAt;
    this.speechStart = cutAt;
    this.probs = this.probs.filter((w) => w.at >= cutAt);
    this.lastEnd = cutAt;
  }
}
