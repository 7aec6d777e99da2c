// One file's transcription: ffmpeg streams samples, the VAD cuts speech segments as they end, the
// scheduler recognises them in batches on the worker, and each finished segment is reported at
// once. Audio waiting for the worker is bounded, so memory does not grow with the file's length.
import {
  ErrorCode,
  SenseVoiceError,
  type LanguageSetting,
  type Transcript,
  type VadMode,
  type TranscriptSegment,
  type SourceWarning,
} from '../../common/protocol';
import { decodeAudio, SAMPLE_RATE } from '../ffmpeg/decodeAudio';
import { VadSegmentStream } from '../vad/vadSegmentStream';
import type { SileroVad } from '../vad/sileroVad';
import type { BatchScheduler } from './batchScheduler';
import type { ModelInfo } from '../../common/protocol';

export interface TranscriptionOptions {
  language: LanguageSetting;
  itn: boolean;
  banEmotionUnknown: boolean;
  vad: VadMode;
  maxSegmentSec: number;
}

export interface RunTranscriptionArgs {
  file: string;
  options: TranscriptionOptions;
  ffmpegPath: string;
  vad: SileroVad;
  scheduler: BatchScheduler;
  model: ModelInfo;
  signal: AbortSignal;
  /** Most seconds of audio submitted and not yet recognised, per job. */
  maxPendingSec?: number;
  /** Segments go ahead of file jobs' (the final transcript of a live recording). */
  priority?: boolean;
  onSegment: (index: number, segment: TranscriptSegment) => void;
  onProgress: (fraction: number, segmentsDone: number, message: string) => void;
  /**
   * Every decoded chunk, in order (the diarization reads them: the file is decoded once). With VAD on,
   * decoding waits on the promise it returns (the diarization's backpressure).
   */
  onSamples?: (chunk: Float32Array) => void | Promise<void>;
}

/** Whole-file mode is one model pass: beyond this the model degrades and memory explodes. */
export const MAX_WHOLE_FILE_SEC = 300;

export async function runTranscription(a: RunTranscriptionArgs): Promise<Transcript> {
  const t0 = performance.now();
  const segments = new Map<number, TranscriptSegment>();
  const inFlight = new Set<Promise<void>>();
  let pendingSec = 0;
  let waiters: (() => void)[] = [];
  let failure: Error | null = null;
  let estimatedSec: number | null = null;
  let decodedSec = 0;
  const timings = { decodeMs: 0, featuresMs: 0, inferenceMs: 0 };
  const maxPendingSec = a.maxPendingSec ?? Math.max(120, 4 * a.options.maxSegmentSec);

  const progress = (message: string) => {
    const total = estimatedSec && estimatedSec > 0 ? estimatedSec : null;
    // Decoding leads; recognition trails. Weight them so the bar moves steadily and ends at 1.
    const decoded = total ? Math.min(1, decodedSec / total) : 0;
    const fraction = Math.min(
      0.99,
      decoded * 0.5 + (decoded * 0.5 * segments.size) / Math.max(1, segments.size + inFlight.size),
    );
    a.onProgress(fraction, segments.size, message);
  };

  const submit = (index: number, samples: Float32Array, offsetSec: number) => {
    const seconds = samples.length / SAMPLE_RATE;
    pendingSec += seconds;
    const p = a.scheduler
      .submit(
        {
          samples,
          offsetSec,
          language: a.options.language,
          itn: a.options.itn,
          banEmotionUnknown: a.options.banEmotionUnknown,
        },
        a.signal,
        a.priority,
      )
      .then((r) => {
        timings.featuresMs += r.featuresMs ?? 0;
        timings.inferenceMs += r.inferenceMs ?? 0;
        if (r.segment) {
          segments.set(index, r.segment);
          a.onSegment(index, r.segment);
        }
      })
      .catch((err: Error) => {
        failure ??= err;
      })
      .finally(() => {
        pendingSec -= seconds;
        inFlight.delete(p);
        const w = waiters;
        waiters = [];
        w.forEach((f) => f());
        progress('recognising');
      });
    inFlight.add(p);
  };

  const roomForMore = async () => {
    while (pendingSec > maxPendingSec && !failure && !a.signal.aborted) await new Promise<void>((r) => waiters.push(r));
    if (failure) throw failure;
    if (a.signal.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
  };

  a.onProgress(0, 0, 'decoding');
  let totalSamples: number;
  let warnings: SourceWarning[];
  if (a.options.vad === 'off') {
    const chunks: Float32Array[] = [];
    let n = 0;
    const decoded = await decodeAudio({
      ffmpegPath: a.ffmpegPath,
      file: a.file,
      signal: a.signal,
      onSamples: (c) => {
        n += c.length;
        if (n > MAX_WHOLE_FILE_SEC * SAMPLE_RATE) {
          throw new SenseVoiceError(
            ErrorCode.InvalidParams,
            `With VAD off the whole file is one model pass, which is limited to ${MAX_WHOLE_FILE_SEC / 60} minutes (the model is trained on short utterances and memory grows quadratically). Turn VAD on for long files.`,
          );
        }
        chunks.push(c);
        void a.onSamples?.(c);
      },
    });
    totalSamples = decoded.samples;
    warnings = decoded.warnings;
    const all = new Float32Array(totalSamples);
    let off = 0;
    for (const c of chunks) {
      all.set(c, off);
      off += c.length;
    }
    if (totalSamples > 0) submit(0, all, 0);
  } else {
    const vadStream = new VadSegmentStream(a.vad, { maxSegmentSec: a.options.maxSegmentSec }, async (s) => {
      submit(s.index, s.samples, s.start / SAMPLE_RATE);
      await roomForMore();
    });
    const decoded = await decodeAudio({
      ffmpegPath: a.ffmpegPath,
      file: a.file,
      signal: a.signal,
      onInfo: (i) => (estimatedSec = i.durationSec),
      onSamples: async (c) => {
        decodedSec += c.length / SAMPLE_RATE;
        await a.onSamples?.(c);
        await vadStream.push(c);
        if (failure) throw failure;
      },
    });
    await vadStream.end();
    totalSamples = decoded.samples;
    warnings = decoded.warnings;
  }
  decodedSec = totalSamples / SAMPLE_RATE;
  estimatedSec = decodedSec;
  timings.decodeMs = performance.now() - t0;
  while (inFlight.size > 0) await Promise.race(inFlight);
  if (failure) throw failure;
  if (a.signal.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
  a.onProgress(1, segments.size, 'done');
  const ordered = [...segments.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]);
  return {
    file: a.file,
    durationSec: totalSamples / SAMPLE_RATE,
    model: { layout: a.model.layout, quantization: a.model.quantization, provider: a.model.provider },
    segments: ordered,
    timings: {
      decodeMs: Math.round(timings.decodeMs),
      featuresMs: Math.round(timings.featuresMs),
      inferenceMs: Math.round(timings.inferenceMs),
      totalMs: Math.round(performance.now() - t0),
    },
    warnings,
  };
}
