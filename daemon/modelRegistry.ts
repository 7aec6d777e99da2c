// The daemon's loaded model: an inference worker holding the session, with the batch scheduler
// that feeds it. Loaded on demand, reused while the folder, provider and threads stay the same,
// replaced when they change, and started again if its worker died.
import path from 'node:path';
import type { ModelInfo, ProviderSetting } from '../common/protocol';
import { InferenceWorker } from './workers/inferenceWorkerClient';
import { BatchScheduler, type BatchLimits } from './jobs/batchScheduler';
import { findStoredModel, noModelError } from './modelStore/modelStoreService';
import type { StoreChoice } from './modelStore/storeIndex';
import type { RemoteOptions } from './remote/remoteModel';
import type { EffectiveSettings } from './settings';

export interface ModelRequest {
  dir: string | undefined;
  provider: ProviderSetting;
  threads: number;
  /** Set: the model runs on this inference server; the folder gives its contract, tokens and CMVN. */
  remote?: RemoteOptions;
}

type LoadRequest = Omit<ModelRequest, 'dir'> & { dir: string };

/** The model a client's settings ask for: its folder (or the store's) here, or on its inference server. */
export function modelRequestFor(s: EffectiveSettings, dir = s.modelPath): ModelRequest {
  return {
    dir,
    provider: s.provider,
    threads: s.threads,
    ...(s.inferenceEndpoint
      ? {
          remote: {
            endpoint: s.inferenceEndpoint,
            timeoutMs: s.inferenceTimeoutSec * 1000,
            ...(s.inferenceModelName ? { modelName: s.inferenceModelName } : {}),
            ...(s.inferenceHeaders ? { headers: s.inferenceHeaders } : {}),
          },
        }
      : {}),
  };
}

/** A loaded model ready for work. */
export interface Engine {
  info: ModelInfo;
  scheduler: BatchScheduler;
  /** True while the worker runs. */
  readonly alive: boolean;
  /** Marks the engine in use by a job; call the returned function when the job ends. */
  retain(): () => void;
  /** Disposes now, or once the last job using it has ended. */
  retire(): void;
  dispose(): Promise<void>;
}

export type EngineLoader = (request: LoadRequest) => Promise<Engine>;

export function workerEngineLoader(limits: () => BatchLimits): EngineLoader {
  return async (request) => {
    const worker = await InferenceWorker.start(request);
    const scheduler = new BatchScheduler(worker, limits);
    let users = 0;
    let retiring = false;
    const dispose = () => worker.dispose();
    return {
      info: worker.info,
      scheduler,
      get alive() {
        return worker.alive;
      },
      retain() {
        users++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          if (--users === 0 && retiring) void dispose();
        };
      },
      retire() {
        retiring = true;
        if (users === 0) void dispose();
      },
      dispose,
    };
  };
}

/** A loaded model replaced by another: who asked (a client id, when known) and what is loaded now. */
export type ModelSwitch = (to: { dir: string; provider: ProviderSetting; threads: number }, by?: string) => void;

export class ModelRegistry {
  private current: { key: string; engine: Promise<Engine> } | null = null;
  /** Told when a request replaces a loaded model with another (not on the first load). */
  onSwitch: ModelSwitch | undefined;

  constructor(
    private readonly loader: EngineLoader,
    /** With no folder given: the best model in the shared store (daemon/modelStore), or null. */
    private readonly findStored: (provider: ProviderSetting) => Promise<StoreChoice | null> = (p) => findStoredModel(p),
  ) {}

  /** The engine for `request`, loaded now when another is loaded; `by` names the asking client. */
  get(request: ModelRequest, by?: string): Promise<Engine> {
    if (!request.dir) return this.fromStore(request, by);
    const dir = path.resolve(request.dir);
    const key = JSON.stringify([dir, request.provider, request.threads, request.remote ?? null]);
    const load: LoadRequest = { ...request, dir };
    if (this.current?.key !== key) {
      const replacing = this.current !== null;
      this.load(key, load);
      if (replacing) this.onSwitch?.({ dir, provider: request.provider, threads: request.threads }, by);
    }
    const cur = this.current!;
    return cur.engine.then((e) => {
      if (e.alive || this.current !== cur) return e;
      // The worker died (a crash in native code): start a fresh one for this and later requests.
      this.load(key, load);
      return this.current!.engine;
    });
  }

  /** No folder set: a model from the shared store, or ModelNotFound that says how to get one. */
  private async fromStore(request: ModelRequest, by?: string): Promise<Engine> {
    const choice = await this.findStored(request.provider);
    if (!choice) throw noModelError();
    const engine = await this.get({ ...request, dir: choice.path }, by);
    const note = `No model path is set: using ${choice.reason}.`;
    if (!choice.verified && !engine.info.warnings.includes(note)) engine.info.warnings.push(note);
    return engine;
  }

  private load(key: string, request: LoadRequest): void {
    const previous = this.current?.engine;
    const engine = this.loader(request);
    this.current = { key, engine };
    // A failed load is not kept: the next request tries again (the user may fix the folder).
    engine.catch(() => {
      if (this.current?.engine === engine) this.current = null;
    });
    // A job still running on the previous model finishes on it; then it is released.
    void previous?.then((e) => e.retire()).catch(() => undefined);
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
