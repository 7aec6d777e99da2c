// Transcription jobs: at most `concurrency` run at once, the rest wait in order. A request for a
// file and settings already queued or running joins that job (it is replayed what has finished so
// far) instead of starting another. Each requester can cancel its own interest; the job itself
// stops (ffmpeg killed, no further batches) when nobody is left waiting for it. Waiting jobs belong
// to the client that started them, and free slots go round-robin between clients, so one client's
// long queue does not hold back another's single clip.
import { ErrorCode, SenseVoiceError, type Transcript, type TranscriptSegment } from '../../common/protocol';

export interface JobListener {
  onSegment: (index: number, segment: TranscriptSegment) => void;
  onProgress: (fraction: number, segmentsDone: number, message: string) => void;
}

export interface JobReport extends JobListener {
  signal: AbortSignal;
}

interface Job {
  key: string;
  listeners: Set<JobListener>;
  controller: AbortController;
  segments: Map<number, TranscriptSegment>;
  progress: { fraction: number; segmentsDone: number; message: string } | null;
  promise: Promise<Transcript>;
}

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private running = 0;
  /** Waiting starts per owner; the Map's order is the rotation (an owner just served moves to the end). */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly concurrency: () => number) {}

  /** Jobs queued or running. */
  get size(): number {
    return this.jobs.size;
  }

  get active(): number {
    return this.running;
  }

  /**
   * Runs `work` for `key`, or joins the job already doing it. `signal` cancels this caller only;
   * the job stops when every caller has cancelled.
   */
  run(
    key: string,
    work: (report: JobReport) => Promise<Transcript>,
    listener: JobListener,
    signal?: AbortSignal,
    owner = '',
  ): Promise<Transcript> {
    let job = this.jobs.get(key);
    if (job) {
      for (const [i, s] of [...job.segments.entries()].sort((a, b) => a[0] - b[0])) listener.onSegment(i, s);
      if (job.progress) listener.onProgress(job.progress.fraction, job.progress.segmentsDone, job.progress.message);
    } else {
      job = this.start(key, work, owner);
    }
    const j = job;
    j.listeners.add(listener);
    return new Promise<Transcript>((resolve, reject) => {
      const onAbort = () => {
        j.listeners.delete(listener);
        if (j.listeners.size === 0) {
          j.controller.abort();
          // A job being torn down must not be joined: the next request starts afresh.
          if (this.jobs.get(j.key) === j) this.jobs.delete(j.key);
        }
        reject(new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      j.promise.then(
        (t) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(t);
        },
        (e: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  /** Cancels every job (shutdown). */
  cancelAll(): void {
    for (const j of this.jobs.values()) j.controller.abort();
  }

  private start(key: string, work: (report: JobReport) => Promise<Transcript>, owner: string): Job {
    const controller = new AbortController();
    const job: Job = {
      key,
      listeners: new Set(),
      controller,
      segments: new Map(),
      progress: null,
      promise: Promise.resolve(null as never),
    };
    const report: JobReport = {
      signal: controller.signal,
      onSegment: (i, s) => {
        job.segments.set(i, s);
        for (const l of job.listeners) l.onSegment(i, s);
      },
      onProgress: (fraction, segmentsDone, message) => {
        job.progress = { fraction, segmentsDone, message };
        for (const l of job.listeners) l.onProgress(fraction, segmentsDone, message);
      },
    };
    job.promise = (async () => {
      await this.acquire(owner);
      try {
        if (controller.signal.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
        return await work(report);
      } finally {
        this.release();
      }
    })().finally(() => {
      if (this.jobs.get(key) === job) this.jobs.delete(key);
    });
    // Every caller gets the outcome through run(); this keeps an unobserved failure quiet.
    job.promise.catch(() => undefined);
    this.jobs.set(key, job);
    return job;
  }

  private acquire(owner: string): Promise<void> {
    if (this.running < Math.max(1, this.concurrency())) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const go = () => {
        this.running++;
        resolve();
      };
      // A job cancelled while queued still takes its turn, then ends at once (released in finally).
      const line = this.waiting.get(owner);
      if (line) line.push(go);
      else this.waiting.set(owner, [go]);
    });
  }

  private release(): void {
    this.running--;
    while (this.waiting.size > 0 && this.running < Math.max(1, this.concurrency())) {
      const [owner, line] = this.waiting.entries().next().value as [string, (() => void)[]];
      const go = line.shift()!;
      this.waiting.delete(owner);
      if (line.length > 0) this.waiting.set(owner, line);
      go();
    }
  }
}
