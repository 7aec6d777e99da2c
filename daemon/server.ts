// The daemon's request handlers over one Endpoint: lifecycle (initialize, shutdown), settings,
// cancellation, and the methods of each area. No vscode import: settings arrive over the protocol.
import type { Readable, Writable } from 'node:stream';
import { Endpoint } from '../common/rpc/endpoint';
import {
  optionalBoolean,
  optionalEnum,
  optionalNumber,
  optionalString,
  paramObject,
  requiredString,
} from './rpc/params';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  SenseVoiceError,
  type DaemonStatus,
  type GpuReport,
  type InitializeResult,
  type ModelInfo,
  type ProbeResult,
  type ProgressParams,
  type RequestName,
  type ResultOf,
  type SystemInfo,
} from '../common/protocol';
import { PROVIDERS } from '../common/values';
import { CancellationRegistry } from './cancellation';
import { sanitizeSettings, type EffectiveSettings } from './settings';
import { DAEMON_VERSION } from './version';
import { collectSystemInfo } from './systemInfo';
import { ffmpegStaticPath, resolveFfmpeg, type ResolvedFfmpeg } from './ffmpeg/resolveFfmpeg';
import { decodeAudio, SAMPLE_RATE } from './ffmpeg/decodeAudio';
import { ModelRegistry, workerEngineLoader } from './modelRegistry';
import { ModelStoreService, type ModelStoreOptions } from './modelStore/modelStoreService';
import { TranscriptionRequests } from './jobs/transcriptionRequests';
import { diagnoseGpu } from './diagnostics/diagnoseGpu';

export interface DaemonOptions {
  input: Readable;
  output: Writable;
  log: (message: string) => void;
  /** PATH used to find ffmpeg; the process's by default. */
  pathEnv?: string;
  maxFrameBytes?: number;
  /** The model store: its folder, sources and HTTP settings (tests point it at a local server). */
  modelStore?: ModelStoreOptions;
  /** Transcript cache folder; null disables it; the platform's cache folder by default. */
  cacheDir?: string | null;
}

/** Most seconds of audio in one inference batch: its logits take 1.7 MB per second (25,055 floats per 60 ms). */
const BATCH_SECONDS = 60;

type Lifecycle = 'new' | 'ready' | 'shutdown';

export class Daemon {
  readonly endpoint: Endpoint;
  private state: Lifecycle = 'new';
  private settings: EffectiveSettings = sanitizeSettings({});
  private readonly cancellation = new CancellationRegistry();
  private modelStoreService: ModelStoreService | undefined;
  private get modelStore(): ModelStoreService {
    return (this.modelStoreService ??= new ModelStoreService(this.options.modelStore ?? {}, (m) => this.log(m)));
  }
  private ffmpeg: { key: string; found: Promise<ResolvedFfmpeg> } | null = null;
  readonly models = new ModelRegistry(
    workerEngineLoader(() => ({ batchSize: this.settings.batchSize, batchSeconds: BATCH_SECONDS })),
    (provider) => this.modelStore.findStored(provider),
  );
  readonly transcription: TranscriptionRequests;

  constructor(private readonly options: DaemonOptions) {
    this.endpoint = new Endpoint({
      input: options.input,
      output: options.output,
      log: options.log,
      maxFrameBytes: options.maxFrameBytes,
    });
    this.endpoint.requestGate = (method, run) => this.gate(method, run);
    this.transcription = new TranscriptionRequests({
      models: this.models,
      settings: () => this.settings,
      ffmpeg: () => this.ffmpegBinary(),
      cancellation: this.cancellation,
      progress: (p) => this.progress(p),
      segment: (p) => this.endpoint.notify('transcribe/segment', p),
      log: options.log,
      cacheDir: options.cacheDir,
    });
    this.register();
  }

  private log(message: string): void {
    this.options.log(message);
  }

  private gate(method: string, run: () => Promise<unknown>): Promise<unknown> {
    if (this.state === 'shutdown') {
      return Promise.reject(
        new SenseVoiceError(
          ErrorCode.ShuttingDown,
          `The daemon is shutting down and no longer takes requests (${method}).`,
        ),
      );
    }
    if (this.state === 'new' && method !== 'initialize') {
      return Promise.reject(new SenseVoiceError(ErrorCode.NotInitialized, `Send "initialize" before "${method}".`));
    }
    return run();
  }

  /** Registers a typed handler for a protocol method. */
  handle<M extends RequestName>(method: M, handler: (params: unknown) => Promise<ResultOf<M>> | ResultOf<M>): void {
    this.endpoint.onRequest(method, (params) => handler(params));
  }

  progress(params: ProgressParams): void {
    this.endpoint.notify('$/progress', params);
  }

  private register(): void {
    this.handle('initialize', (raw) => this.initialize(raw));
    this.handle('shutdown', () => {
      this.state = 'shutdown';
      this.cancellation.cancelAll();
      this.transcription.cancelAll();
      void this.models.dispose();
      this.log('shutdown requested');
      return null;
    });
    this.handle('system/info', () => this.systemInfo());
    this.handle('audio/probe', (raw) => this.probe(raw));
    this.handle('model/load', (raw) => this.loadModel(raw));
    this.handle('model/list', () => this.modelStore.list(this.settings));
    this.handle('model/inspect', (raw) => this.modelStore.inspect(raw));
    this.handle('model/download', (raw) =>
      this.modelStore.download(raw, {
        run: (token, work) => this.cancellation.run(token, work),
        progress: (p) => this.progress(p),
      }),
    );
    this.handle('transcribe/file', (raw) => this.transcription.handle(raw));
    this.handle('daemon/status', () => this.status());
    this.handle('gpu/diagnose', (raw) => this.diagnoseGpu(raw));
    this.endpoint.onNotification('$/cancel', (raw) => {
      const token = typeof raw === 'object' && raw !== null ? (raw as { token?: unknown }).token : undefined;
      if (typeof token === 'string') this.cancellation.cancel(token);
    });
    this.endpoint.onNotification('config/didChange', (raw) => {
      const s = typeof raw === 'object' && raw !== null ? (raw as { settings?: unknown }).settings : undefined;
      this.settings = sanitizeSettings(s);
      this.log(`settings changed: ${settingsLine(this.settings)}`);
    });
  }

  private initialize(raw: unknown): InitializeResult {
    if (this.state !== 'new') throw new SenseVoiceError(ErrorCode.InvalidRequest, '"initialize" was already sent.');
    const p = paramObject(raw, 'initialize');
    if (p.protocolVersion !== PROTOCOL_VERSION) {
      throw new SenseVoiceError(
        ErrorCode.ProtocolVersionMismatch,
        `The client speaks protocol ${String(p.protocolVersion)} but this daemon speaks ${PROTOCOL_VERSION}. Reinstall so the extension, cli and daemon come from the same version.`,
      );
    }
    const clientName = optionalString(p, 'clientName', 'initialize') ?? 'unknown';
    this.settings = sanitizeSettings(p.settings);
    this.state = 'ready';
    this.log(`initialized by ${clientName} (daemon ${DAEMON_VERSION}, pid ${process.pid})`);
    this.log(`settings: ${settingsLine(this.settings)}`);
    return { protocolVersion: PROTOCOL_VERSION, daemonVersion: DAEMON_VERSION, pid: process.pid };
  }

  /** The ffmpeg in use, resolved once per ffmpegPath setting. */
  ffmpegBinary(): Promise<ResolvedFfmpeg> {
    const key = this.settings.ffmpegPath ?? '';
    if (!this.ffmpeg || this.ffmpeg.key !== key) {
      const found = resolveFfmpeg({
        settingPath: this.settings.ffmpegPath,
        staticPath: ffmpegStaticPath,
        pathEnv: this.options.pathEnv ?? process.env.PATH,
      });
      this.ffmpeg = { key, found };
      found.then(
        (f) => {
          this.log(`ffmpeg ${f.version} at ${f.path} (${f.source})`);
          for (const s of f.skipped) if (s.startsWith('setting:') && key) this.log(`warning: ${s}`);
        },
        () => {
          // Not cached as a failure: the user may install ffmpeg and retry without restarting.
          if (this.ffmpeg?.found === found) this.ffmpeg = null;
        },
      );
    }
    return this.ffmpeg.found;
  }

  private async systemInfo(): Promise<SystemInfo> {
    try {
      const f = await this.ffmpegBinary();
      return collectSystemInfo({ path: f.path, source: f.source, version: f.version }, null);
    } catch (err) {
      return collectSystemInfo(null, err instanceof Error ? err.message : String(err));
    }
  }

  private async probe(raw: unknown): Promise<ProbeResult> {
    const p = paramObject(raw, 'audio/probe');
    const file = requiredString(p, 'path', 'audio/probe');
    const token = optionalString(p, 'token', 'audio/probe');
    const ffmpeg = await this.ffmpegBinary();
    return this.cancellation.run(token, async (signal) => {
      const r = await decodeAudio({ ffmpegPath: ffmpeg.path, file, signal, onSamples: () => undefined });
      return {
        path: file,
        durationSec: r.samples / SAMPLE_RATE,
        codec: r.source.codec,
        sampleRate: r.source.sampleRate,
        channels: r.source.channels,
        samples: r.samples,
      };
    });
  }

  private async status(): Promise<DaemonStatus> {
    const engine = await this.models.loaded();
    const mem = process.memoryUsage();
    const q = this.transcription.queue;
    return {
      pid: process.pid,
      uptimeSec: Math.round(process.uptime()),
      jobsRunning: q.active,
      jobsQueued: q.size - q.active,
      segmentsQueued: engine?.scheduler.queued ?? 0,
      batches: engine?.scheduler.stats.batches ?? 0,
      segmentsRecognised: engine?.scheduler.stats.items ?? 0,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      model: engine?.info ?? null,
    };
  }

  /** `gpu/diagnose`: the GPU check (daemon/diagnostics), cancellable, with progress under its token. */
  private diagnoseGpu(raw: unknown): Promise<GpuReport> {
    const p = paramObject(raw, 'gpu/diagnose');
    const token = optionalString(p, 'token', 'gpu/diagnose');
    const modelPath = optionalString(p, 'modelPath', 'gpu/diagnose');
    const quick = optionalBoolean(p, 'quick', 'gpu/diagnose');
    return this.cancellation.run(token, (signal) =>
      diagnoseGpu({
        settings: this.settings,
        modelPath,
        quick,
        resolveFfmpeg: () => this.ffmpegBinary(),
        signal,
        log: (m) => this.log(m),
        onProgress: token ? (fraction, message) => this.progress({ token, fraction, message }) : undefined,
      }),
    );
  }

  private async loadModel(raw: unknown): Promise<ModelInfo> {
    const p = paramObject(raw, 'model/load');
    const model = await this.models.get({
      dir: optionalString(p, 'path', 'model/load') ?? this.settings.modelPath,
      provider: optionalEnum(p, 'provider', 'model/load', PROVIDERS) ?? this.settings.provider,
      threads: optionalNumber(p, 'threads', 'model/load', 0, 256) ?? this.settings.threads,
    });
    return model.info;
  }
}

/** The settings that shape a run, in one log line, so `--verbose` and the log show what arrived. */
function settingsLine(s: ReturnType<typeof sanitizeSettings>): string {
  return `provider ${s.provider}, threads ${s.threads}, batch ${s.batchSize}, concurrency ${s.concurrency}, vad ${s.vad}, max segment ${s.maxSegmentSec} s, language ${s.language}, itn ${s.itn}, ban emotion unknown ${s.banEmotionUnknown}`;
}
