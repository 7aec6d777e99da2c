// One live recording: the capture writes the file and streams samples; here they are metered, cut
// by the VAD as they come, and each speech segment is recognised as soon as it ends, ahead of any
// file job (priority in the batch scheduler). The client hears `live/segment` and `live/level`.
// While paused, the input is metered (the level says paused) but neither recorded nor given to the
// VAD: the VAD sees the recording as the file holds it, so segment times are recording time.
import { ErrorCode, SenseVoiceError, type LiveLevelParams, type TranscriptSegment } from '../../common/protocol';
import { SAMPLE_RATE } from '../ffmpeg/decodeAudio';
import type { BatchScheduler } from '../jobs/batchScheduler';
import type { TranscriptionOptions } from '../jobs/runTranscription';
import { VadSegmentStream } from '../vad/vadSegmentStream';
import type { SileroVad } from '../vad/sileroVad';
import { LiveCapture, type CaptureOptions } from './liveCapture';

/** Samples per level report: four a second. */
const LEVEL_BLOCK = SAMPLE_RATE / 4;

export interface LiveJobOptions extends Omit<CaptureOptions, 'onSamples'> {
  id: string;
  options: TranscriptionOptions;
  vad: SileroVad;
  scheduler: BatchScheduler;
  onSegment: (index: number, segment: TranscriptSegment) => void;
  onLevel: (p: LiveLevelParams) => void;
}

export class LiveJob {
  readonly capture: LiveCapture;
  private readonly vadStream: VadSegmentStream;
  private readonly controller = new AbortController();
  /** The VAD works through the stream in order; capture never waits for it. */
  private vadChain: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  private levelSum = 0;
  private levelCount = 0;
  /** Segments recognised so far, by index. */
  readonly segments = new Map<number, TranscriptSegment>();
  failure: Error | null = null;

  constructor(private readonly o: LiveJobOptions) {
    this.vadStream = new VadSegmentStream(o.vad, { maxSegmentSec: o.options.maxSegmentSec }, (s) =>
      this.recognise(s.index, s.samples, s.start / SAMPLE_RATE),
    );
    this.capture = new LiveCapture({ ...o, onSamples: (c, paused) => this.take(c, paused) });
  }

  /** Seconds recorded (the file's length so far). */
  get capturedSec(): number {
    return this.capture.samples / SAMPLE_RATE;
  }

  /** Seconds of input left out while paused. */
  get pausedSec(): number {
    return this.capture.skipped / SAMPLE_RATE;
  }

  get paused(): boolean {
    return this.capture.paused;
  }

  /** Pauses (true) or resumes (false) the recording from the next samples on; LiveWrongState when it already is, or capture has ended. */
  setPaused(paused: boolean): void {
    if (!this.capture.running)
      throw new SenseVoiceError(
        ErrorCode.LiveWrongState,
        `Live recording "${this.o.id}" has stopped capturing; it can only be stopped.`,
      );
    if (this.capture.paused === paused)
      throw new SenseVoiceError(
        ErrorCode.LiveWrongState,
        `Live recording "${this.o.id}" is ${paused ? 'already paused' : 'not paused'}.`,
      );
    this.capture.paused = paused;
  }

  /** Ends capture (the file is finished), lets the VAD close the last segment, and waits for every live segment. */
  async finish(): Promise<SenseVoiceError | null> {
    const reason = await this.capture.finish();
    this.vadChain = this.vadChain.then(() => this.vadStream.end());
    await this.vadChain.catch((err: Error) => (this.failure ??= err));
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    return reason;
  }

  /** Drops the live work (the client left): capture ends, the file is kept, waiting segments are dropped. */
  async abandon(): Promise<void> {
    this.controller.abort();
    await this.capture.finish();
  }

  private take(chunk: Float32Array, paused: boolean): void {
    for (let i = 0; i < chunk.length; i++) {
      this.levelSum += chunk[i] * chunk[i];
      if (++this.levelCount === LEVEL_BLOCK) this.level();
    }
    if (paused || this.o.options.vad === 'off' || this.controller.signal.aborted) return;
    this.vadChain = this.vadChain.then(() => this.vadStream.push(chunk));
    this.vadChain.catch((err: Error) => (this.failure ??= err));
  }

  private level(): void {
    const rms = Math.sqrt(this.levelSum / this.levelCount);
    this.levelSum = 0;
    this.levelCount = 0;
    const rmsDbfs = rms > 1e-6 ? Math.round(20 * Math.log10(rms) * 10) / 10 : -120;
    this.o.onLevel({ id: this.o.id, rmsDbfs, capturedSec: this.capturedSec, paused: this.capture.paused });
  }

  private recognise(index: number, samples: Float32Array, offsetSec: number): void {
    const p = this.o.scheduler
      .submit(
        {
          samples,
          offsetSec,
          language: this.o.options.language,
          itn: this.o.options.itn,
          banEmotionUnknown: this.o.options.banEmotionUnknown,
        },
        this.controller.signal,
        true,
      )
      .then((r) => {
        if (!r.segment) return;
        this.segments.set(index, r.segment);
        this.o.onSegment(index, r.segment);
      })
      .catch((err: Error) => {
        if (!this.controller.signal.aborted) this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
