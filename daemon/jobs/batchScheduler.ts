// Feeds the inference worker: segments from every job wait here and, whenever the worker is free,
// those of similar length are run together (padding costs little between near-equal lengths; int8
// models run one at a time, see effectiveBatchSize). An idle worker takes what is there at once, so
// the first segment is not held back to fill a batch.
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import type { InferenceWorker } from '../workers/inferenceWorkerClient';
import type { WorkItem, WorkResult } from '../workers/workerMessages';

export interface BatchLimits {
  /** Most segments per batch; 1 disables batching. */
  batchSize: number;
  /** Most audio seconds per batch (memory grows with the padded total). */
  batchSeconds: number;
}

export interface BatchStats {
  batches: number;
  items: number;
  featuresMs: number;
  inferenceMs: number;
}

interface Entry {
  item: WorkItem;
  /** A live job's segment: it goes ahead of every file job's waiting segments. */
  priority: boolean;
  seconds: number;
  signal?: AbortSignal;
  resolve: (r: WorkResult) => void;
  reject: (e: Error) => void;
}

/** Lengths within this ratio of the oldest waiting segment may share its batch. */
const SIMILAR = 1.5;

export class BatchScheduler {
  private readonly waiting: Entry[] = [];
  /** Batches sent to the worker and not yet answered: one for a local model, up to the client's in-flight limit for a remote one. */
  private running = 0;
  readonly stats: BatchStats = { batches: 0, items: 0, featuresMs: 0, inferenceMs: 0 };

  constructor(
    private readonly worker: InferenceWorker,
    private readonly limits: () => BatchLimits,
  ) {}

  /**
   * Recognises one item; rejects with Cancelled if `signal` aborts before its batch starts. A
   * `priority` item (live capture) waits only behind other priority items, not behind file jobs.
   */
  submit(item: WorkItem, signal?: AbortSignal, priority = false): Promise<WorkResult> {
    if (signal?.aborted) return Promise.reject(cancelled());
    return new Promise((resolve, reject) => {
      const entry: Entry = { item, priority, seconds: item.samples.length / 16_000, signal, resolve, reject };
      const firstOrdinary = priority ? this.waiting.findIndex((e) => !e.priority) : -1;
      if (firstOrdinary >= 0) this.waiting.splice(firstOrdinary, 0, entry);
      else this.waiting.push(entry);
      // A cancelled job's segments leave the queue at once, not when the worker is next free.
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1)[0].reject(cancelled());
        },
        { once: true },
      );
      this.pump();
    });
  }

  /** Segments waiting for the worker. */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    this.dropCancelled();
    while (this.running < this.maxInFlight() && this.waiting.length > 0) this.start(this.take());
  }

  /** An inference server takes several batches at once (its client limits them); a local session one. */
  private maxInFlight(): number {
    return this.worker.info?.remote?.maxInFlight ?? 1;
  }

  private start(batch: Entry[]): void {
    this.running++;
    this.worker
      .run(batch.map((e) => ({ ...e.item, samples: owned(e.item.samples) })))
      .then(
        (r) => {
          this.stats.batches++;
          this.stats.items += batch.length;
          this.stats.featuresMs += r.featuresMs;
          this.stats.inferenceMs += r.inferenceMs;
          const total = batch.reduce((n, e) => n + e.seconds, 0) || 1;
          batch.forEach((e, i) =>
            e.resolve({
              ...r.results[i],
              featuresMs: (r.featuresMs * e.seconds) / total,
              inferenceMs: (r.inferenceMs * e.seconds) / total,
            }),
          );
        },
        (err: Error) => batch.forEach((e) => e.reject(err)),
      )
      .finally(() => {
        this.running--;
        this.pump();
      });
  }

  private take(): Entry[] {
    return takeBatch(this.waiting, { batchSize: this.effectiveBatchSize(), batchSeconds: this.limits().batchSeconds });
  }

  /**
   * The batch size setting, except for dynamically quantised (int8) models: they scale each
   * activation by the range of the whole batch, so a segment's logits, and at times its tokens,
   * would depend on which segments happen to share its batch, and the same file would not give the
   * same transcript twice, nor the same as unbatched. They run one segment at a time. That costs
   * speed: in the bench's paired timing (10 min, full-size int8 model, 2 cores) the same segments took
   * 7.76 s of session.run in batches vs 9.22 s singly; identical results are worth more.
   */
  private effectiveBatchSize(): number {
    return this.worker.info?.quantization === 'int8' ? 1 : this.limits().batchSize;
  }

  private dropCancelled(): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].signal?.aborted) this.waiting.splice(i, 1)[0].reject(cancelled());
    }
  }
}

/** Transfer needs a buffer of its own: copy a view into a larger buffer. */
function owned(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

function cancelled(): SenseVoiceError {
  return new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
}

/**
 * The next batch from `waiting` (oldest first), removed from it: the oldest segment, then the others
 * nearest to it in length within the SIMILAR ratio, up to the limits. The bench replays it
 * (bench/batchSimulation.ts) to time the same batches against one-at-a-time runs.
 */
export function takeBatch<T extends { seconds: number }>(waiting: T[], limits: BatchLimits): T[] {
  const first = waiting.shift()!;
  const batch = [first];
  let seconds = first.seconds;
  const candidates = waiting
    .map((e, i) => ({ e, i }))
    .filter(
      ({ e }) => Math.max(e.seconds, first.seconds) <= SIMILAR * Math.max(Math.min(e.seconds, first.seconds), 0.5),
    )
    .sort((a, b) => Math.abs(a.e.seconds - first.seconds) - Math.abs(b.e.seconds - first.seconds));
  const taken = new Set<number>();
  for (const { e, i } of candidates) {
    if (batch.length >= limits.batchSize) break;
    if (seconds + e.seconds > limits.batchSeconds) continue;
    batch.push(e);
    seconds += e.seconds;
    taken.add(i);
  }
  const rest = waiting.filter((_, i) => !taken.has(i));
  waiting.length = 0;
  waiting.push(...rest);
  return batch;
}
