// The main thread's handle on one inference worker: load a model into it, run batches, and turn a
// worker crash into failed requests (the daemon lives; the next request starts a new worker).
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ErrorCode, SenseVoiceError, type ModelInfo, type ProviderSetting } from '../../common/protocol';
import type { FromWorker, ToWorker, WorkItem, WorkResult } from './workerMessages';
import type { RemoteOptions } from '../remote/remoteModel';

export interface BatchResult {
  results: WorkResult[];
  featuresMs: number;
  inferenceMs: number;
}

/** dist/inferenceWorker.js beside the daemon bundle; the .ts source under tsx (tests). */
function workerEntry(): { file: string; execArgv?: string[] } {
  const js = path.join(__dirname, 'inferenceWorker.js');
  if (fs.existsSync(js)) return { file: js };
  const ts = path.join(__dirname, 'inferenceWorker.ts');
  if (fs.existsSync(ts)) return { file: ts, execArgv: ['--import', 'tsx'] };
  throw new SenseVoiceError(
    ErrorCode.InternalError,
    `The inference worker script is missing beside ${__dirname}. Reinstall the extension.`,
  );
}

/**
 * The worker's young generation, in MB (V8's default is 48 on 64-bit). Its large data are typed
 * arrays outside the heap, so a small nursery only scavenges more often: the daemon's peak RSS on the
 * 2-minute benchmark input fell by 12-22 MB (482 -> 460-470 MB) with the same CPU time (8.4-9.8 s
 * either way; the 2-minute input through a daemon with the full-size int8 model, 2 cores, two
 * pairs of runs). `npx tsx bench/run.ts --quick` shows the peak in its RSS rows.
 */
const WORKER_YOUNG_GENERATION_MB = 6;

export class InferenceWorker {
  private readonly pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead: string | null = null;
  info!: ModelInfo;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === 'failed') p.reject(new SenseVoiceError(m.code, m.message, m.data));
      else p.resolve(m);
    });
    const fail = (why: string) => {
      if (this.dead) return;
      this.dead = why;
      for (const p of this.pending.values())
        p.reject(
          new SenseVoiceError(
            ErrorCode.InferenceFailed,
            `The inference worker stopped (${why}). The request failed; try again.`,
          ),
        );
      this.pending.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  static async start(options: {
    dir: string;
    provider: ProviderSetting;
    threads: number;
    remote?: RemoteOptions;
  }): Promise<InferenceWorker> {
    const entry = workerEntry();
    const w = new InferenceWorker(
      new Worker(entry.file, {
        execArgv: entry.execArgv,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      }),
    );
    try {
      const m = await w.send({ type: 'load', id: 0, ...options });
      if (m.type !== 'loaded') throw new Error(`unexpected ${m.type}`);
      w.info = m.info;
      return w;
    } catch (err) {
      await w.dispose();
      throw err;
    }
  }

  get alive(): boolean {
    return this.dead === null;
  }

  /** Recognises a batch; the items' sample buffers are transferred to the worker. */
  async run(items: WorkItem[]): Promise<BatchResult> {
    const m = await this.send(
      { type: 'run', id: 0, items },
      items.map((i) => i.samples.buffer as ArrayBuffer),
    );
    if (m.type !== 'ran') throw new Error(`unexpected ${m.type}`);
    return { results: m.results, featuresMs: m.featuresMs, inferenceMs: m.inferenceMs };
  }

  async dispose(): Promise<void> {
    this.dead ??= 'disposed';
    await this.worker.terminate();
  }

  private send(msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.dead)
      return Promise.reject(
        new SenseVoiceError(ErrorCode.InferenceFailed, `The inference worker is not running (${this.dead}).`),
      );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }
}
