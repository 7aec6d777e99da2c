// The daemon's request handlers, for each connected client (one Session per connection): lifecycle
// (initialize, shutdown, stop), settings, cancellation, and the methods of each area. The engine, the
// job queue and the caches are shared by all clients. No vscode import: settings arrive over the protocol.
import { timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
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
  type EngineChangedParams,
  type GpuReport,
  type InitializeResult,
  type ModelInfo,
  type ProbeResult,
  type ProgressParams,
  type RequestName,
  type ResultOf,
  type SystemInfo,
  type ExportServerRepositoryResult,
} from '../common/protocol';
import { PROVIDERS } from '../common/values';
import { Session } from './session';
import { compareVersions } from '../common/daemon/buildVersion';
import { sanitizeSettings, type EffectiveSettings } from './settings';
import { DAEMON_VERSION } from './version';
import { collectSystemInfo } from './systemInfo';
import { ffmpegStaticPath, resolveFfmpeg, type ResolvedFfmpeg } from './ffmpeg/resolveFfmpeg';
import { decodeAudio, SAMPLE_RATE } from './ffmpeg/decodeAudio';
import { ModelRegistry, modelRequestFor, workerEngineLoader } from './modelRegistry';
import { ModelStoreService, type ModelStoreOptions } from './modelStore/modelStoreService';
import { TranscriptionRequests } from './jobs/transcriptionRequests';
import { editCachedSpeakers } from './jobs/speakerEditRequests';
import { diagnoseGpu } from './diagnostics/diagnoseGpu';
import { LiveRequests } from './live/liveRequests';
import { GpuSetupService, type GpuSetupOptions } from './gpuSetup/gpuSetupService';
import { exportServerRepository } from './remote/serverRepository';
import { checkInferenceServer } from './remote/serverCheck';
import { noModelError } from './modelStore/modelStoreService';

export interface DaemonOptions {
  /** The first client's streams (a private daemon over stdio); the shared daemon adds clients with connect(). */
  input?: Readable;
  output?: Writable;
  log: (message: string) => void;
  /** PATH used to find ffmpeg; the process's by default. */
  pathEnv?: string;
  maxFrameBytes?: number;
  /** The model store: its folder, sources and HTTP settings (tests point it at a local server). */
  modelStore?: ModelStoreOptions;
  /** GPU setup: the feed, the cache and the bin folder (tests point them at a local feed and copies). */
  gpuSetup?: GpuSetupOptions;
  /** Transcript cache folder; null disables it; the platform's cache folder by default. */
  cacheDir?: string | null;
  /** True for the per-user daemon many clients share (listen mode). */
  shared?: boolean;
  /** The shared daemon's token (see daemon/listen/socketServer.ts): `initialize` without it is refused. */
  authToken?: () => string | undefined;
  /** `daemon/stop` was answered: the process should exit now. */
  onStop?: () => void;
  /** A newer client asked this daemon to retire: stop taking clients (free the socket path). */
  onRetire?: () => void;
  /**
   * Why this daemon's own files are gone (an extension update or a deleted checkout removed its
   * folder), or undefined while they are there: such a daemon cannot start its workers, so it
   * retires for the next client instead of serving it.
   */
  installGone?: () => string | undefined;
}

/** Most seconds of audio in one inference batch: its logits take 1.7 MB per second (25,055 floats per 60 ms). */
const BATCH_SECONDS = 60;

export class Daemon {
  /** The first client's endpoint (a private daemon's only one). */
  readonly endpoint: Endpoint;
  readonly sessions = new Set<Session>();
  private nextSession = 1;
  /** The settings every client shares (the engine's batching, files at once): the last client to send them wins. */
  private shared = { batchSize: sanitizeSettings({}).batchSize, concurrency: sanitizeSettings({}).concurrency };
  private retiringNow = false;
  private modelStoreService: ModelStoreService | undefined;
  private get modelStore(): ModelStoreService {
    return (this.modelStoreService ??= new ModelStoreService(this.options.modelStore ?? {}, (m) => this.log(m)));
  }
  private gpuSetupService: GpuSetupService | undefined;
  private get gpuSetup(): GpuSetupService {
    return (this.gpuSetupService ??= new GpuSetupService(this.options.gpuSetup ?? {}, (m) => this.log(m)));
  }
  private ffmpeg: { key: string; found: Promise<ResolvedFfmpeg> } | null = null;
  readonly models = new ModelRegistry(
    workerEngineLoader(() => ({ batchSize: this.shared.batchSize, batchSeconds: BATCH_SECONDS })),
    (provider) => this.modelStore.findStored(provider),
  );
  readonly transcription: TranscriptionRequests;
  readonly live: LiveRequests;

  constructor(private readonly options: DaemonOptions) {
    this.models.onSwitch = (to, byId) => {
      const by = [...this.sessions].find((s) => s.id === byId)?.clientName ?? 'another client';
      this.log(`model switched to ${to.dir} (${to.provider}, ${to.threads} threads) for ${byId ?? 'a request'}`);
      this.tellOthers(byId, {
        change: 'model',
        by,
        model: { path: to.dir, provider: to.provider, threads: to.threads },
      });
    };
    this.transcription = new TranscriptionRequests({
      models: this.models,
      concurrency: () => this.shared.concurrency,
      ffmpeg: (s) => this.ffmpegBinary(s),
      log: options.log,
      cacheDir: options.cacheDir,
      storeDir: () => this.modelStore.storeDir(),
    });
    this.live = new LiveRequests({
      models: this.models,
      ffmpeg: (s) => this.ffmpegBinary(s),
      log: options.log,
      transcribeRecording: (r) => this.transcription.transcribeRecording(r),
      checkDiarization: (o, threads) => this.transcription.checkDiarization(o, threads),
    });
    this.endpoint =
      options.input && options.output
        ? this.connect(options.input, options.output).endpoint
        : new Endpoint({ input: new PassThrough(), output: new PassThrough(), log: options.log });
  }

  /** Serves one more client over a pair of streams; its jobs are cancelled when they close. */
  connect(input: Readable, output: Writable): Session {
    const session = new Session(`c${this.nextSession++}`, input, output, this.options.log, this.options.maxFrameBytes);
    this.sessions.add(session);
    this.register(session);
    session.endpoint.onClose(() => {
      this.sessions.delete(session);
      const jobs = session.cancellation.size;
      session.cancellation.cancelAll();
      this.live.clientLeft(session.id);
      if (this.options.shared)
        this.log(
          `client ${session.id} (${session.clientName}) left${jobs ? `; cancelled its ${jobs} request(s)` : ''}`,
        );
    });
    return session;
  }

  /** No clients and no jobs: the shared daemon may exit. */
  get idle(): boolean {
    return this.sessions.size === 0 && this.transcription.queue.size === 0 && this.live.size === 0;
  }

  get retiring(): boolean {
    return this.retiringNow;
  }

  /** Takes no new clients, finishes what it has, and exits once idle (the caller watches `idle`). */
  retire(reason: string): void {
    if (this.retiringNow) return;
    this.retiringNow = true;
    this.log(`retiring: ${reason}`);
    this.options.onRetire?.();
  }

  /** Cancels every job of every client (stop). */
  stopAll(): void {
    for (const s of this.sessions) {
      s.state = 'shutdown';
      s.cancellation.cancelAll();
    }
    this.transcription.cancelAll();
  }

  private log(message: string): void {
    this.options.log(message);
  }

  /** Registers a typed handler for a protocol method. */
  private handle<M extends RequestName>(
    session: Session,
    method: M,
    handler: (params: unknown) => Promise<ResultOf<M>> | ResultOf<M>,
  ): void {
    session.endpoint.onRequest(method, (params) => handler(params));
  }

  private register(session: Session): void {
    const on = <M extends RequestName>(method: M, h: (params: unknown) => Promise<ResultOf<M>> | ResultOf<M>) =>
      this.handle(session, method, h);
    on('initialize', (raw) => this.initialize(session, raw));
    on('shutdown', () => {
      session.state = 'shutdown';
      session.cancellation.cancelAll();
      if (!this.options.shared) {
        this.transcription.cancelAll();
        void this.models.dispose();
      }
      this.log(
        this.options.shared ? `client ${session.id} (${session.clientName}) says goodbye` : 'shutdown requested',
      );
      return null;
    });
    on('system/info', () => this.systemInfo(session));
    on('audio/probe', (raw) => this.probe(session, raw));
    on('model/load', (raw) => this.loadModel(session, raw));
    on('model/list', () => this.modelStore.list(session.settings));
    on('model/inspect', (raw) => this.modelStore.inspect(raw));
    const downloads = {
      run: <T>(token: string | undefined, work: (signal: AbortSignal) => Promise<T>) =>
        session.cancellation.run(token, work),
      progress: (p: ProgressParams) => session.progress(p),
    };
    on('model/download', (raw) => this.modelStore.download(raw, downloads));
    on('model/downloadDiarization', (raw) => this.modelStore.downloadDiarization(raw, downloads));
    on('inferenceServer/export', (raw) => this.exportServerRepository(session, raw));
    on('inferenceServer/check', () => checkInferenceServer(session.settings));
    on('transcribe/file', (raw) => this.transcription.handle(raw, session));
    on('transcript/editSpeakers', (raw) =>
      editCachedSpeakers(raw, session, {
        models: this.models,
        cache: this.transcription.cache,
        storeDir: () => this.modelStore.storeDir(),
      }),
    );
    on('transcript/rediarize', (raw) => this.transcription.rediarize(raw, session));
    on('daemon/status', () => this.status());
    on('daemon/stop', () => {
      this.log(`stop requested by ${session.clientName}`);
      this.stopAll();
      setImmediate(() => this.options.onStop?.());
      return null;
    });
    on('gpu/diagnose', (raw) => this.diagnoseGpu(session, raw));
    on('gpu/setupPlan', (raw) => this.gpuSetup.plan(raw));
    on('gpu/setup', (raw) =>
      this.gpuSetup.setup(raw, {
        run: (token, work) => session.cancellation.run(token, work),
        progress: (p) => session.progress(p),
      }),
    );
    on('gpu/setupCudaLibraries', (raw) =>
      this.gpuSetup.setupCudaLibraries(raw, {
        run: (token, work) => session.cancellation.run(token, work),
        progress: (p) => session.progress(p),
      }),
    );
    on('gpu/remove', () => this.gpuSetup.remove());
    on('devices/list', (raw) => this.live.devices(raw, session));
    on('live/start', (raw) => this.live.start(raw, session));
    on('live/pause', (raw) => this.live.pause(raw, session, true));
    on('live/resume', (raw) => this.live.pause(raw, session, false));
    on('live/stop', (raw) => this.live.stop(raw, session));
    session.endpoint.onNotification('$/cancel', (raw) => {
      const token = typeof raw === 'object' && raw !== null ? (raw as { token?: unknown }).token : undefined;
      // Tokens live in the session's own registry: a client can only cancel its own requests.
      if (typeof token === 'string') session.cancellation.cancel(token);
    });
    session.endpoint.onNotification('config/didChange', (raw) => {
      const s = typeof raw === 'object' && raw !== null ? (raw as { settings?: unknown }).settings : undefined;
      this.takeSettings(session, s);
      this.log(`settings changed: ${settingsLine(session.settings)}`);
    });
  }

  private takeSettings(session: Session, raw: unknown): void {
    session.settings = sanitizeSettings(raw);
    const before = this.shared;
    this.shared = { batchSize: session.settings.batchSize, concurrency: session.settings.concurrency };
    if (before.batchSize !== this.shared.batchSize || before.concurrency !== this.shared.concurrency)
      this.tellOthers(session.id, { change: 'batching', by: session.clientName, ...this.shared });
  }

  /** Tells every other ready client of a shared daemon that `by` changed the engine they share. */
  private tellOthers(byId: string | undefined, params: EngineChangedParams): void {
    if (!this.options.shared) return;
    for (const s of this.sessions)
      if (s.id !== byId && s.state === 'ready') s.endpoint.notify('daemon/engineChanged', params);
  }

  private initialize(session: Session, raw: unknown): InitializeResult {
    if (session.state !== 'new') throw new SenseVoiceError(ErrorCode.InvalidRequest, '"initialize" was already sent.');
    const p = paramObject(raw, 'initialize');
    if (p.protocolVersion !== PROTOCOL_VERSION) {
      throw new SenseVoiceError(
        ErrorCode.ProtocolVersionMismatch,
        `The client speaks protocol ${String(p.protocolVersion)} but this daemon speaks ${PROTOCOL_VERSION}. Reinstall so the extension, cli and daemon come from the same version.`,
      );
    }
    const clientName = optionalString(p, 'clientName', 'initialize') ?? 'unknown';
    const clientVersion = optionalString(p, 'clientVersion', 'initialize');
    if (this.options.shared) {
      this.checkToken(clientName, p.authToken);
      this.checkVersion(clientName, clientVersion);
    }
    session.clientName = clientName;
    this.takeSettings(session, p.settings);
    session.state = 'ready';
    this.log(
      `initialized by ${clientName}${this.options.shared ? ` as ${session.id}, ${this.sessions.size} client(s)` : ''} (daemon ${DAEMON_VERSION}, pid ${process.pid})`,
    );
    this.log(`settings: ${settingsLine(session.settings)}`);
    return {
      protocolVersion: PROTOCOL_VERSION,
      daemonVersion: DAEMON_VERSION,
      pid: process.pid,
      shared: this.options.shared ?? false,
    };
  }

  /** Only a client that could read the token in the user's private runtime folder is served. */
  private checkToken(clientName: string, given: unknown): void {
    const expected = this.options.authToken?.();
    if (expected === undefined) return;
    const a = Buffer.from(typeof given === 'string' ? given : '');
    const b = Buffer.from(expected);
    if (a.length === b.length && timingSafeEqual(a, b)) return;
    this.log(`refused ${clientName}: ${given === undefined ? 'no' : 'a wrong'} token`);
    throw new SenseVoiceError(
      ErrorCode.Unauthorized,
      'This SenseVoice daemon serves only its own user: the client must present the token in daemon.token of the runtime folder.',
    );
  }

  /** A shared daemon serves clients of its own build; an older daemon retires for a newer client. */
  private checkVersion(clientName: string, clientVersion: string | undefined): void {
    const gone = this.options.installGone?.();
    if (gone) this.retire(gone);
    if (this.retiringNow)
      throw new SenseVoiceError(
        ErrorCode.DaemonRetiring,
        `This SenseVoice daemon (${DAEMON_VERSION}) is retiring; start a new one and connect again.`,
      );
    if (clientVersion === undefined || clientVersion === DAEMON_VERSION) return;
    if (compareVersions(DAEMON_VERSION, clientVersion) < 0) {
      this.retire(`${clientName} ${clientVersion} is newer than this daemon (${DAEMON_VERSION})`);
      throw new SenseVoiceError(
        ErrorCode.DaemonRetiring,
        `The shared SenseVoice daemon runs ${DAEMON_VERSION}, older than this client (${clientVersion}); it is retiring so a new one can start.`,
        { daemonVersion: DAEMON_VERSION },
      );
    }
    throw new SenseVoiceError(
      ErrorCode.DaemonTooNew,
      `The shared SenseVoice daemon runs ${DAEMON_VERSION}, newer than this client (${clientVersion}). Update the extension or cli, or run with a private daemon (--stdio, or sensevoice.sharedDaemon: false).`,
      { daemonVersion: DAEMON_VERSION },
    );
  }

  /** The ffmpeg in use, resolved once per ffmpegPath setting. */
  ffmpegBinary(settings: EffectiveSettings): Promise<ResolvedFfmpeg> {
    const pathEnv = settings.searchPath ?? this.options.pathEnv ?? process.env.PATH;
    const key = JSON.stringify([settings.ffmpegPath ?? '', pathEnv]);
    if (!this.ffmpeg || this.ffmpeg.key !== key) {
      const found = resolveFfmpeg({
        settingPath: settings.ffmpegPath,
        staticPath: ffmpegStaticPath,
        pathEnv,
      });
      this.ffmpeg = { key, found };
      found.then(
        (f) => {
          this.log(`ffmpeg ${f.version} at ${f.path} (${f.source})`);
          for (const s of f.skipped) if (s.startsWith('setting:') && settings.ffmpegPath) this.log(`warning: ${s}`);
        },
        () => {
          // Not cached as a failure: the user may install ffmpeg and retry without restarting.
          if (this.ffmpeg?.found === found) this.ffmpeg = null;
        },
      );
    }
    return this.ffmpeg.found;
  }

  private async systemInfo(session: Session): Promise<SystemInfo> {
    try {
      const f = await this.ffmpegBinary(session.settings);
      return collectSystemInfo({ path: f.path, source: f.source, version: f.version }, null);
    } catch (err) {
      return collectSystemInfo(null, err instanceof Error ? err.message : String(err));
    }
  }

  private async probe(session: Session, raw: unknown): Promise<ProbeResult> {
    const p = paramObject(raw, 'audio/probe');
    const file = requiredString(p, 'path', 'audio/probe');
    const token = optionalString(p, 'token', 'audio/probe');
    const ffmpeg = await this.ffmpegBinary(session.settings);
    return session.cancellation.run(token, async (signal) => {
      const r = await decodeAudio({ ffmpegPath: ffmpeg.path, file, signal, onSamples: () => undefined });
      return {
        path: file,
        durationSec: r.samples / SAMPLE_RATE,
        codec: r.source.codec,
        sampleRate: r.source.sampleRate,
        channels: r.source.channels,
        samples: r.samples,
        warnings: r.warnings,
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
      shared: this.options.shared ?? false,
      clients: this.sessions.size,
      daemonVersion: DAEMON_VERSION,
      retiring: this.retiringNow,
    };
  }

  /** `gpu/diagnose`: the GPU check (daemon/diagnostics), cancellable, with progress under its token. */
  private diagnoseGpu(session: Session, raw: unknown): Promise<GpuReport> {
    const p = paramObject(raw, 'gpu/diagnose');
    const token = optionalString(p, 'token', 'gpu/diagnose');
    const modelPath = optionalString(p, 'modelPath', 'gpu/diagnose');
    const quick = optionalBoolean(p, 'quick', 'gpu/diagnose');
    return session.cancellation.run(token, async (signal) => {
      const report = await diagnoseGpu({
        settings: session.settings,
        modelPath,
        quick,
        resolveFfmpeg: () => this.ffmpegBinary(session.settings),
        signal,
        log: (m) => this.log(m),
        onProgress: token ? (fraction, message) => session.progress({ token, fraction, message }) : undefined,
      });
      // With an inference server set, the model runs there: the report says so, and how it answers.
      if (session.settings.inferenceEndpoint) report.inferenceServer = await checkInferenceServer(session.settings);
      return report;
    });
  }

  /** `inferenceServer/export`: the folder asked for, else the settings', else the best stored model. */
  private async exportServerRepository(session: Session, raw: unknown): Promise<ExportServerRepositoryResult> {
    const m = 'inferenceServer/export';
    const p = paramObject(raw, m);
    const out = requiredString(p, 'out', m);
    if (!path.isAbsolute(out))
      throw new SenseVoiceError(ErrorCode.InvalidParams, `${m}: out must be an absolute path.`);
    let modelPath = optionalString(p, 'modelPath', m) ?? session.settings.modelPath;
    if (!modelPath) {
      // The GPU's choice (fp32 when stored): what a server runs.
      const choice = await this.modelStore.findStored('cuda');
      if (!choice) throw noModelError();
      modelPath = choice.path;
    }
    return exportServerRepository({
      modelPath,
      out,
      link: optionalBoolean(p, 'link', m),
      instanceKind: optionalEnum(p, 'instanceKind', m, ['gpu', 'cpu'] as const),
      instanceCount: optionalNumber(p, 'instanceCount', m, 1, 64),
      overwrite: optionalBoolean(p, 'overwrite', m),
    });
  }

  private async loadModel(session: Session, raw: unknown): Promise<ModelInfo> {
    const p = paramObject(raw, 'model/load');
    const model = await this.models.get(
      {
        ...modelRequestFor(session.settings),
        dir: optionalString(p, 'path', 'model/load') ?? session.settings.modelPath,
        provider: optionalEnum(p, 'provider', 'model/load', PROVIDERS) ?? session.settings.provider,
        threads: optionalNumber(p, 'threads', 'model/load', 0, 256) ?? session.settings.threads,
      },
      session.id,
    );
    return model.info;
  }
}

/** The settings that shape a run, in one log line, so `--verbose` and the log show what arrived. */
function settingsLine(s: ReturnType<typeof sanitizeSettings>): string {
  return `provider ${s.provider}, threads ${s.threads}, batch ${s.batchSize}, concurrency ${s.concurrency}, vad ${s.vad}, max segment ${s.maxSegmentSec} s, language ${s.language}, itn ${s.itn}, ban emotion unknown ${s.banEmotionUnknown}${s.inferenceEndpoint ? `, inference server ${s.inferenceEndpoint} model ${s.inferenceModelName ?? 'sensevoice'}${s.inferenceHeaders ? ` with ${Object.keys(s.inferenceHeaders).length} header(s)` : ''}` : ''}`;
}
