// The daemon's loaded model: an inference worker holding the session, with the batch scheduler
// that feeds it. Loaded on demand, reused while the folder, provider and threads stay the same,
// replaced when they change, and started again if its worker died.
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type ModelInfo, type ProviderSetting } from './protocol';
import { InferenceWorker } from './workers/inferenceWorkerClient';
import { BatchScheduler, type BatchLimits } from './jobs/batchScheduler';

export interface ModelRequest {
  dir: string | undefined;
  provider: ProviderSetting;
  threads: number;
}

/** A loaded model ready for work. */
export interface Engine {
  info: ModelInfo;
  scheduler: BatchScheduler;
  /** True while the worker runs. */
  readonly alive: boolean;
  dispose(): Promise<void>;
}

export type EngineLoader = (request: { dir: string; provider: ProviderSetting; threads: number }) => Promise<Engine>;

export function workerEngineLoader(limits: () => BatchLimits): EngineLoader {
  return async (request) => {
    const worker = await InferenceWorker.start(request);
    const scheduler = new BatchScheduler(worker, limits);
    return {
      info: worker.info,
      scheduler,
      get alive() {
        return worker.alive;
      },
      dispose: () => worker.dispose(),
    };
  };
}

export class ModelRegistry {
  private current: { key: string; engine: Promise<Engine> } | null = null;

  constructor(private readonly loader: EngineLoader) {}

  get(request: ModelRequest): Promise<Engine> {
    if (!request.dir) {
      throw new SenseVoiceError(
        ErrorCode.ModelNotFound,
        'No model folder is set. Set "sensevoice.modelPath" (or pass --model DIR) to a SenseVoiceSmall model folder in the sherpa-onnx or FunASR layout.',
      );
    }
    const dir = path.resolve(request.dir);
    const key = JSON.stringify([dir, request.provider, request.threads]);
    if (this.current?.key !== key) this.load(key, { dir, provider: request.provider, threads: request.threads });
    const cur = this.current!;
    return cur.engine.then((e) => {
      if (e.alive || this.current !== cur) return e;
      // The worker died (a crash in native code): start a fresh one for this and later requests.
      this.load(key, { dir, provider: request.provider, threads: request.threads });
      return this.current!.engine;
    });
  }

  private load(key: string, request: { dir: string; provider: ProviderSetting; threads: number }): void {
    const previous = this.current?.engine;
    const engine = this.loader(request);
    this.current = { key, engine };
    // A failed load is not kept: the next request tries again (the user may fix the folder).
    engine.catch(() => {
      if (this.current?.engine === engine) this.current = null;
    });
    void previous?.then((e) => e.dispose()).catch(() => undefined);
  }

  /** The loaded engine, if one is loaded and alive (never starts a load). */
  async loaded(): Promise<Engine | null> {
    const e = await this.current?.engine.catch(() => null);
    return e && e.alive ? e : null;
  }

  async dispose(): Promise<void> {
    const e = this.current?.engine;
    this.current = null;
    await e?.then((x) => x.dispose()).catch(() => undefined);
  }
}
