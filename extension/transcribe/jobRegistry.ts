// One transcription per file at a time: a second request for a file in progress joins the running
// job, and a request moments after one started is taken for a repeated click and ignored.
// No vscode import, so the rules are unit-tested with a fake clock.

export interface Job<T> {
  key: string;
  controller: AbortController;
  promise: Promise<T>;
  startedAt: number;
}

export type StartOutcome<T> =
  | { kind: 'started'; job: Job<T> }
  /** The file is being transcribed: show that job instead. */
  | { kind: 'running'; job: Job<T> }
  /** The same file was started moments ago and has already finished: a double click. */
  | { kind: 'throttled' };

export class JobRegistry<T> {
  private readonly jobs = new Map<string, Job<T>>();
  private readonly lastStart = new Map<string, number>();

  constructor(
    private readonly throttleMs = 1500,
    private readonly now: () => number = Date.now,
  ) {}

  running(key: string): Job<T> | undefined {
    return this.jobs.get(key);
  }

  /** True for moments after `key` was started: a click then is a repeat, not a request. */
  throttled(key: string): boolean {
    const last = this.lastStart.get(key);
    return last !== undefined && this.now() - last < this.throttleMs;
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Starts `run` for `key` unless a job for it runs or has just been started. */
  start(key: string, run: (signal: AbortSignal) => Promise<T>): StartOutcome<T> {
    const existing = this.jobs.get(key);
    if (existing) return { kind: 'running', job: existing };
    if (this.throttled(key)) return { kind: 'throttled' };
    const now = this.now();
    this.lastStart.set(key, now);
    const controller = new AbortController();
    const job: Job<T> = { key, controller, startedAt: now, promise: Promise.resolve() as Promise<never> };
    job.promise = (async () => {
      try {
        return await run(controller.signal);
      } finally {
        if (this.jobs.get(key) === job) this.jobs.delete(key);
      }
    })();
    this.jobs.set(key, job);
    return { kind: 'started', job };
  }

  cancel(key: string): boolean {
    const job = this.jobs.get(key);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) job.controller.abort();
  }
}
