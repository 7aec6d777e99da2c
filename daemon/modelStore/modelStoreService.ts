// The protocol side of the model store: `model/list`, `model/download`, `model/inspect`, and the
// fallback a request without a model path uses. server.ts registers these; the work lives in the
// modules beside this one.
import {
  ErrorCode,
  SenseVoiceError,
  type DiarizationDownloadResult,
  type ModelDownloadResult,
  type ModelInspectResult,
  type ModelListResult,
  type ModelVariant,
  type ProgressParams,
  type ProviderSetting,
} from '../../common/protocol';
import { DIARIZATION_EMBEDDINGS, DIARIZATION_SOURCES, MODEL_SOURCES, MODEL_VARIANTS } from '../../common/values';
import { inspectModelFolder, type ModelFolderInfo } from '../model/modelFolder';
import { optionalBoolean, optionalEnum, optionalString, paramObject, requiredString } from '../rpc/params';
import { DAEMON_VERSION } from '../version';
import type { ExtractOptions } from './archive';
import { DEFAULT_RETRY, type RetryPolicy } from './fileDownload';
import type { HttpOptions } from './httpClient';
import {
  DIARIZATION_CATALOG,
  officialEndpoints,
  type DiarizationCatalog,
  type DiarizationEndpoints,
} from './diarizationCatalog';
import { downloadDiarizationModels } from './diarizationDownload';
import { listDiarizationModels } from './diarizationStoreIndex';
import { downloadModel, type DownloadProgress } from './modelDownload';
import { describeSources, officialSources, sourcePlan, urlPlan, type SourceTable } from './plans';
import { chooseStoredModel, listStore, type StoreChoice } from './storeIndex';
import { modelStoreDir } from './storeLocation';

export interface ModelStoreOptions {
  /** Read on every call, so SENSEVOICE_MODEL_STORE set after start is honoured. */
  env?: NodeJS.ProcessEnv;
  /** The store folder; by default SENSEVOICE_MODEL_STORE, else the platform's data folder. */
  storeDir?: string;
  /** The named sources; the public ones by default (tests give local URLs and their own pins). */
  sources?: (env: NodeJS.ProcessEnv) => SourceTable;
  http?: Partial<HttpOptions>;
  retry?: RetryPolicy;
  /** Least time between two `$/progress` notifications with the same message. */
  progressIntervalMs?: number;
  extract?: (o: ExtractOptions) => Promise<void>;
  freeBytes?: (dir: string) => Promise<number | null>;
  /** The speaker models on offer and where their sources answer; the public ones by default. */
  diarization?: { catalog?: DiarizationCatalog; endpoints?: (env: NodeJS.ProcessEnv) => DiarizationEndpoints };
}

export interface DownloadRunner {
  /** Runs the work with a signal that `$/cancel` for the token aborts (the daemon's CancellationRegistry). */
  run: <T>(token: string | undefined, work: (signal: AbortSignal) => Promise<T>) => Promise<T>;
  progress: (p: ProgressParams) => void;
}

export class ModelStoreService {
  constructor(
    private readonly options: ModelStoreOptions,
    private readonly log: (message: string) => void,
  ) {}

  private env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  storeDir(): string {
    return this.options.storeDir ?? modelStoreDir({ env: this.env() });
  }

  private sources(): SourceTable {
    return (this.options.sources ?? officialSources)(this.env());
  }

  /** The stored model a request without a model path uses; ModelNotFound (naming this store) when there is none. */
  async findStored(provider: ProviderSetting): Promise<StoreChoice> {
    const choice = chooseStoredModel((await listStore(this.storeDir())).models, provider);
    if (!choice) throw noModelError(this.storeDir());
    return choice;
  }

  async list(settings: { modelPath?: string; provider: ProviderSetting }): Promise<ModelListResult> {
    const store = this.storeDir();
    const { models, partial } = await listStore(store);
    let configured: ModelListResult['configured'] = null;
    if (settings.modelPath) {
      try {
        const info = await inspectModelFolder(settings.modelPath, { preferQuantized: true });
        configured = { path: info.dir, layout: info.layout, variants: variantsOf(info) };
      } catch (err) {
        configured = { path: settings.modelPath, problem: err instanceof Error ? err.message : String(err) };
      }
    }
    const choice = chooseStoredModel(models, settings.provider);
    return {
      store,
      models,
      configured,
      fallback: choice,
      partial,
      sources: describeSources(this.sources()),
      diarization: await listDiarizationModels(store),
    };
  }

  async inspect(raw: unknown): Promise<ModelInspectResult> {
    const p = paramObject(raw, 'model/inspect');
    const info = await inspectModelFolder(requiredString(p, 'path', 'model/inspect'), { preferQuantized: true });
    return {
      path: info.dir,
      layout: info.layout,
      variants: variantsOf(info),
      modelFile: info.modelFile,
      sizeBytes: info.sizeBytes,
      vocabSize: info.vocabSize,
    };
  }

  async download(raw: unknown, runner: DownloadRunner): Promise<ModelDownloadResult> {
    const m = 'model/download';
    const p = paramObject(raw, m);
    const source = optionalEnum(p, 'source', m, MODEL_SOURCES);
    const url = optionalString(p, 'url', m);
    const variant = optionalEnum(p, 'variant', m, MODEL_VARIANTS) ?? 'int8';
    const overwrite = optionalBoolean(p, 'overwrite', m) ?? false;
    const token = optionalString(p, 'token', m);
    if (source && url) throw new SenseVoiceError(ErrorCode.InvalidParams, `${m}: give a source or a url, not both.`);
    const plan = url ? urlPlan(url, variant, this.env()) : sourcePlan(this.sources(), source ?? 'huggingface', variant);
    const http = this.http();
    this.log(`model download: ${plan.source} ${plan.variant} -> ${plan.id}${url ? ` (${url})` : ''}`);
    return runner.run(token, async (signal) => {
      const r = await downloadModel(plan, overwrite, {
        storeDir: this.storeDir(),
        http,
        retry: this.options.retry ?? DEFAULT_RETRY,
        signal,
        log: this.log,
        ...(this.options.extract ? { extract: this.options.extract } : {}),
        ...(this.options.freeBytes ? { freeBytes: this.options.freeBytes } : {}),
        onProgress: this.progressReporter(token, runner),
      });
      this.log(
        `model download: ${r.alreadyPresent ? 'already present' : `${r.downloadedBytes} bytes fetched, ${r.resumedBytes} resumed`}; ${r.verified ? 'verified' : 'NOT verified'}; ${r.path}`,
      );
      return r;
    });
  }

  /** `model/downloadDiarization`: the speaker models into the store's diarization/ folder. */
  async downloadDiarization(raw: unknown, runner: DownloadRunner): Promise<DiarizationDownloadResult> {
    const m = 'model/downloadDiarization';
    const p = paramObject(raw, m);
    const source = optionalEnum(p, 'source', m, DIARIZATION_SOURCES);
    const mirror = optionalString(p, 'mirror', m);
    if (source && mirror)
      throw new SenseVoiceError(ErrorCode.InvalidParams, `${m}: give a source or a mirror, not both.`);
    const embedding = optionalEnum(p, 'embedding', m, DIARIZATION_EMBEDDINGS) ?? '3dspeaker';
    const planOnly = optionalBoolean(p, 'planOnly', m) ?? false;
    const overwrite = optionalBoolean(p, 'overwrite', m) ?? false;
    const token = optionalString(p, 'token', m);
    const d = this.options.diarization ?? {};
    this.log(
      `speaker models ${planOnly ? 'plan' : 'download'}: ${mirror ?? source ?? 'github'}, embedding ${embedding}`,
    );
    return runner.run(token, async (signal) => {
      const r = await downloadDiarizationModels(
        {
          source: mirror ? 'mirror' : (source ?? 'github'),
          ...(mirror ? { mirror } : {}),
          embedding,
          planOnly,
          overwrite,
        },
        {
          storeDir: this.storeDir(),
          catalog: d.catalog ?? DIARIZATION_CATALOG,
          endpoints: (d.endpoints ?? officialEndpoints)(this.env()),
          http: this.http(),
          retry: this.options.retry ?? DEFAULT_RETRY,
          signal,
          log: this.log,
          ...(this.options.extract ? { extract: this.options.extract } : {}),
          onProgress: this.progressReporter(token, runner),
        },
      );
      if (!planOnly)
        this.log(
          `speaker models: ${r.alreadyPresent ? 'already present' : `${r.downloadedBytes} bytes fetched, ${r.resumedBytes} resumed`}; ${r.files.map((f) => `${f.role} ${f.checksum}`).join(', ')}`,
        );
      return r;
    });
  }

  private http(): HttpOptions {
    return {
      env: this.env(),
      idleTimeoutMs: 30_000,
      maxRedirects: 10,
      userAgent: `sensevoice/${DAEMON_VERSION} (node ${process.version}; ${process.platform})`,
      ...this.options.http,
    };
  }

  /** `$/progress` for a token, at most one per interval for the same message (the last byte always). */
  private progressReporter(token: string | undefined, runner: DownloadRunner): (pr: DownloadProgress) => void {
    const interval = this.options.progressIntervalMs ?? 250;
    let last = { at: 0, message: '' };
    return (pr) => {
      if (!token) return;
      const now = Date.now();
      if (pr.message === last.message && now - last.at < interval && pr.bytes !== pr.total) return;
      last = { at: now, message: pr.message };
      runner.progress({
        token,
        bytes: pr.bytes,
        ...(pr.total !== undefined ? { total: pr.total, fraction: pr.total > 0 ? pr.bytes / pr.total : 1 } : {}),
        message: pr.message,
      });
    };
  }
}

function variantsOf(info: ModelFolderInfo): ModelVariant[] {
  const other = info.otherModelFiles.length > 0 ? [info.quantization === 'int8' ? 'fp32' : 'int8'] : [];
  return [info.quantization, ...other] as ModelVariant[];
}

/** The stored model a request without a model path uses, or null. */
export async function findStoredModel(
  provider: ProviderSetting,
  storeDir: string = modelStoreDir(),
): Promise<StoreChoice | null> {
  return chooseStoredModel((await listStore(storeDir)).models, provider);
}

/** ModelNotFound for a request with no model path and nothing in the store: says how to get one. */
export function noModelError(storeDir: string = modelStoreDir()): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.ModelNotFound,
    'No model is set and none is downloaded. Run `sensevoice model download` (about 230 MB, verified; ' +
      'add --source modelscope from mainland China), or in VS Code run "SenseVoice: Download Model". ' +
      `Or point --model DIR / the sensevoice.modelPath setting at a SenseVoiceSmall folder you already have. Downloads go to ${storeDir}.`,
    { store: storeDir },
  );
}
