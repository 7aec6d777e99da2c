// The daemon's loaded model: an inference worker holding the session, with the batch scheduler
// that feeds it. Loaded on demand, reused while the folder, provider and threads stay the same,
// replaced when they change, and started again if its worker died.
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type ModelInfo, type ProviderSetting } from '../common/protocol';
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
  /**
   * Marks the engine in use by a job; call the returned function when the job ends. Null once it is
   * being disposed (retired with no job left): the job must take the registry's current engine.
   */
  retain(): (() => void) | null;
  /** Disposes now, or once the last job using it has ended. */
  retire(): void;
  dispose(): Promise<void>;
}

export type EngineLoader = (request: LoadRequest) => Promise<Engine>;

export function workerEngineLoader(limits: () => BatchLimits): EngineLoader {
  return async (request) => {
    const worker = await InferenceWorker.start(request);
    return countedEngine(worker.info, new BatchScheduler(worker, limits), worker);
  };
}

/**
 * An engine that counts the jobs using it: retired, it is disposed when the last one ends, and once
 * disposing it refuses new jobs (retain() is null) so none starts on a worker about to stop.
 */
export function countedEngine(
  info: ModelInfo,
  scheduler: BatchScheduler,
  worker: { readonly alive: boolean; dispose(): Promise<void> },
): Engine {
  let users = 0;
  let retiring = false;
  let disposing = false;
  const dispose = () => {
    disposing = true;
    return worker.dispose();
  };
  return {
    info,
    scheduler,
    get alive() {
      return worker.alive;
    },
    retain() {
      if (disposing || !worker.alive) return null;
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
    return this.take(request, by, (e) => e);
  }

  /**
   * The engine for `request`, retained for one job: call `release` when the job ends. It is retained
   * in the same reaction that hands it out, before a switch another client asks for meanwhile can
   * retire it; a worker that died or is being disposed is asked for again (loaded afresh).
   */
  async acquire(request: ModelRequest, by?: string): Promise<{ engine: Engine; release: () => void }> {
    for (let attempt = 0; ; attempt++) {
      const held = await this.take(request, by, (engine) => ({ engine, release: engine.retain() }));
      if (held.release) return { engine: held.engine, release: held.release };
      if (attempt >= 4)
        throw new SenseVoiceError(
          ErrorCode.InferenceFailed,
          'The model kept being replaced while a job waited for it: try again.',
        );
    }
  }

  /**
   * Loads (or finds) the engine and gives it to `use` in the first reaction to its load: a retire
   * that a later switch schedules on the same load runs after it, never before.
   */
  private take<T>(request: ModelRequest, by: string | undefined, use: (e: Engine) => T): Promise<T> {
    if (!request.dir) return this.fromStore(request, by, use);
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
      if (e.alive || this.current !== cur) return use(e);
      // The worker died (a crash in native code): start a fresh one for this and later requests.
      this.load(key, load);
      return this.current!.engine.then(use);
    });
  }

  /** No folder set: a model from the shared store, or ModelNotFound that says how to get one. */
  private async fromStore<T>(request: ModelRequest, by: string | undefined, use: (e: Engine) => T): Promise<T> {
    const choice = await this.findStored(request.provider);
    if (!choice) throw noModelError();
    const note = `No model path is set: using ${choice.reason}.`;
    return this.take({ ...request, dir: choice.path }, by, (engine) => {
      if (!choice.verified && !engine.info.warnings.includes(note)) engine.info.warnings.push(note);
      return use(engine);
    });
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
