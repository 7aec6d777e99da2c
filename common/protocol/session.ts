// The daemon's lifecycle and the protocol's own traffic: initialize, settings, shutdown, status,
// `$/progress` and `$/cancel`.
import type { LanguageSetting, ProviderSetting, VadMode } from '../values';
import type { ModelInfo } from './transcription';

/** Bumped on any incompatible change; `initialize` refuses a client speaking another version. */
export const PROTOCOL_VERSION = 1;

/**
 * Settings the daemon reads; sent in `initialize` and `config/didChange`. All optional. On the shared
 * daemon they apply to the sending client's own requests, except `batchSize` and `concurrency`,
 * which are daemon-wide (the last client to send them wins).
 */
export interface DaemonSettings {
  /** Explicit ffmpeg binary (the `sensevoice.ffmpegPath` setting or `--ffmpeg`). */
  ffmpegPath?: string;
  /** Model folder in either layout (sherpa-onnx or FunASR). */
  modelPath?: string;
  /** Execution provider; `auto` tries the platform's GPU providers, then CPU. */
  provider?: ProviderSetting;
  /** Intra-op threads for inference; 0 lets ONNX Runtime choose. */
  threads?: number;
  /** Language hint. */
  language?: LanguageSetting;
  /** Inverse text normalisation (punctuation, digits). */
  itn?: boolean;
  /** Never report EMO_UNKNOWN: pick the likeliest real emotion instead. */
  banEmotionUnknown?: boolean;
  /** Voice activity detection: `on` cuts files into speech segments; `off` is one whole-file segment. */
  vad?: VadMode;
  /** Longest VAD segment in seconds (default 30): longer speech is cut at its quietest point. */
  maxSegmentSec?: number;
  /** The PATH to search for ffmpeg; the daemon's own when absent (the cli sends its shell's). */
  searchPath?: string;
  /** Segments per inference batch (1 disables batching). */
  batchSize?: number;
  /** Files transcribed at once. */
  concurrency?: number;
  /**
   * An Open Inference Protocol (KServe v2 / Triton) server that runs the model (the
   * `sensevoice.inference.endpoint` setting or `--endpoint`); unset: the model runs here.
   */
  inferenceEndpoint?: string;
  /** The model's name on that server (default `sensevoice`). */
  inferenceModelName?: string;
  /** Extra HTTP headers for that server, e.g. `Authorization: Bearer ...`; never logged. */
  inferenceHeaders?: Record<string, string>;
  /** Seconds an inference request may take before it fails with InferenceServerTimeout (default 60). */
  inferenceTimeoutSec?: number;
}

/** Sent first by every client. */
export interface InitializeParams {
  /** Must equal PROTOCOL_VERSION. */
  protocolVersion: number;
  /** Who is asking, for the daemon's log ("vscode 1.99", "cli"). */
  clientName: string;
  /** Initial settings. */
  settings?: DaemonSettings;
  /** The client's build version; a shared daemon of an older build retires, a newer one refuses (DaemonTooNew). */
  clientVersion?: string;
  /**
   * The shared daemon's token, read from daemon.token in the user's private runtime folder: only a
   * client that can read that folder (the same user) is served. Not sent to a private daemon.
   */
  authToken?: string;
}

/** The daemon's answer to `initialize`. */
export interface InitializeResult {
  protocolVersion: number;
  daemonVersion: string;
  pid: number;
  /** True for the per-user daemon that other windows and cli calls share; false for a private (stdio) one. */
  shared?: boolean;
}

/** Facts about the machine and the runtime, for `system/info`. */
export interface SystemInfo {
  daemonVersion: string;
  node: string;
  onnxruntime: string | null;
  ffmpeg: FfmpegInfo | null;
  /** Why ffmpeg is unavailable, when it is. */
  ffmpegError: string | null;
  platform: string;
  arch: string;
  cpuModel: string;
  cpuCores: number;
  totalMemoryBytes: number;
  freeMemoryBytes: number;
}

/** Where ffmpeg was found and which one it is. */
export interface FfmpegInfo {
  path: string;
  /** Which rule found it. */
  source: 'setting' | 'ffmpeg-static' | 'path';
  version: string;
}

/** Parameters of `$/progress`: sent by the daemon for requests that carried a token. */
export interface ProgressParams {
  token: string;
  /** 0..1 where known. */
  fraction?: number;
  message?: string;
  /** Segments finished so far (transcription). */
  segmentsDone?: number;
  /** Bytes done so far (downloads). */
  bytes?: number;
  /** Bytes in all, where known (downloads). */
  total?: number;
}

/** Parameters of `$/cancel`: sent by a client to stop the request that carried `token`. */
export interface CancelParams {
  token: string;
}

/** Parameters of `config/didChange`. */
export interface ConfigChangeParams {
  settings: DaemonSettings;
}

/** What the daemon is doing now, for `daemon/status`. */
export interface DaemonStatus {
  pid: number;
  uptimeSec: number;
  /** Transcription jobs running and waiting (joined requests count once). */
  jobsRunning: number;
  jobsQueued: number;
  /** Segments waiting for the inference worker. */
  segmentsQueued: number;
  /** Inference batches run and segments recognised since start. */
  batches: number;
  segmentsRecognised: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The loaded model, if any. */
  model: ModelInfo | null;
  /** Whether this is the shared per-user daemon, and how many clients are connected to it now. */
  shared: boolean;
  clients: number;
  /** The daemon's build version. */
  daemonVersion: string;
  /** True once the daemon has been asked to retire: it finishes its jobs and exits, taking no new clients. */
  retiring: boolean;
}

/** The session's requests. */
export interface SessionRequests {
  /** Client -> daemon, first: checks the protocol version and takes settings. */
  initialize: { params: InitializeParams; result: InitializeResult };
  /**
   * Client -> daemon: refuse this client's further requests and cancel its work; a private daemon then
   * exits on stdin close, the shared one serves its other clients on.
   */
  shutdown: { params: Record<string, never> | undefined; result: null };
  /** Client -> daemon: versions, ffmpeg, platform and hardware. */
  'system/info': { params: Record<string, never> | undefined; result: SystemInfo };
  /** Client -> daemon: jobs, queue, memory and the loaded model, answered at once even while jobs run. */
  'daemon/status': { params: Record<string, never> | undefined; result: DaemonStatus };
  /** Client -> shared daemon: cancel every job of every client and exit now (`sensevoice daemon stop`). */
  'daemon/stop': { params: Record<string, never> | undefined; result: null };
}

/** The session's notifications. */
export interface SessionNotifications {
  /** Daemon -> client: progress of a request that carried a token. */
  '$/progress': ProgressParams;
  /** Client -> daemon: cancel the request that carried the token. */
  '$/cancel': CancelParams;
  /** Client -> daemon: settings changed. */
  'config/didChange': ConfigChangeParams;
  /** Shared daemon -> its other clients: one client changed what every client's jobs run on. */
  'daemon/engineChanged': EngineChangedParams;
}

/**
 * Another client of the shared daemon changed the engine (the last to ask wins): `model` when its
 * job loaded another model folder, provider or thread count (this client's next job loads its own
 * again), `batching` when its settings changed the daemon-wide batch size or files at once.
 */
export interface EngineChangedParams {
  change: 'model' | 'batching';
  /** The client that made the change (its clientName: `vscode`, `cli`…). */
  by: string;
  /** For `model`: what is loaded now. */
  model?: { path: string; provider: string; threads: number };
  /** For `batching`: the values now in force. */
  batchSize?: number;
  concurrency?: number;
}
