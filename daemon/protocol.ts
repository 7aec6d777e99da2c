// The one contract between the extension, the cli and the daemon. JSON-RPC 2.0, one frame per line
// over the daemon's stdin/stdout. Everything that crosses the pipe is declared here: method and
// notification maps, error codes, and their types. No runtime dependencies, so every side can import it.

/** Bumped on any incompatible change; `initialize` refuses a client speaking another version. */
export const PROTOCOL_VERSION = 1;

/** Error codes: the JSON-RPC range for protocol faults, 1000+ for the application's own. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** A request other than `initialize` arrived before `initialize`. */
  NotInitialized: -32002,
  /** A request arrived after `shutdown`. */
  ShuttingDown: -32003,
  /** A frame larger than the daemon accepts. */
  FrameTooLarge: -32004,

  FfmpegNotFound: 1001,
  DecodeFailed: 1002,
  FileNotFound: 1003,
  NotAFile: 1004,
  EmptyFile: 1005,
  NoAudioStream: 1006,
  ProtocolVersionMismatch: 1010,

  ModelNotFound: 1101,
  ModelInvalid: 1102,
  ProviderUnavailable: 1103,
  ModelNotLoaded: 1104,
  InferenceFailed: 1105,

  Busy: 1201,
  Cancelled: 1202,
  /** The daemon process exited or could not be started (raised on the client side only). */
  DaemonUnavailable: 1301,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];

const codeNames = new Map<number, ErrorCodeName>(
  (Object.entries(ErrorCode) as [ErrorCodeName, number][]).map(([name, code]) => [code, name]),
);

/** The name of an error code, or `Error<code>` for one this version does not know. */
export function errorCodeName(code: number): string {
  return codeNames.get(code) ?? `Error${code}`;
}

/** An error with a protocol code; thrown in the daemon, re-created from the wire on the client. */
export class SenseVoiceError extends Error {
  constructor(
    readonly code: ErrorCodeValue | number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'SenseVoiceError';
  }
  get codeName(): string {
    return errorCodeName(this.code);
  }
}

/** ONNX Runtime execution providers a user may ask for. */
export type ProviderSetting = 'auto' | 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml';
/** Languages SenseVoiceSmall accepts as a hint; `auto` lets the model decide. */
export type LanguageSetting = 'auto' | 'zh' | 'en' | 'yue' | 'ja' | 'ko';

/** Settings the daemon reads; sent in `initialize` and `config/didChange`. All optional. */
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
}

/** Sent first by every client. */
export interface InitializeParams {
  /** Must equal PROTOCOL_VERSION. */
  protocolVersion: number;
  /** Who is asking, for the daemon's log ("vscode 1.99", "cli"). */
  clientName: string;
  /** Initial settings. */
  settings?: DaemonSettings;
}

/** The daemon's answer to `initialize`. */
export interface InitializeResult {
  protocolVersion: number;
  daemonVersion: string;
  pid: number;
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

/** Parameters of `audio/probe`. */
export interface ProbeParams {
  path: string;
  /** Lets the client cancel with `$/cancel`. */
  token?: string;
}

/** What `audio/probe` learned by decoding the whole file to 16 kHz mono. */
export interface ProbeResult {
  path: string;
  /** Seconds of audio after decoding (samples / 16000). */
  durationSec: number;
  /** The source's codec as ffmpeg names it ("pcm_s16le", "mp3", "opus"). */
  codec: string;
  /** The source's sample rate in Hz. */
  sampleRate: number;
  /** The source's channel count. */
  channels: number;
  /** Samples after decoding at 16 kHz. */
  samples: number;
}

/** Parameters of `$/progress`: sent by the daemon for requests that carried a token. */
export interface ProgressParams {
  token: string;
  /** 0..1 where known. */
  fraction?: number;
  message?: string;
}

/** Parameters of `$/cancel`: sent by a client to stop the request that carried `token`. */
export interface CancelParams {
  token: string;
}

/** Parameters of `config/didChange`. */
export interface ConfigChangeParams {
  settings: DaemonSettings;
}

/** Requests: name -> params and result. Clients call these; the daemon serves them. */
export interface RequestMap {
  /** Client -> daemon, first: checks the protocol version and takes settings. */
  initialize: { params: InitializeParams; result: InitializeResult };
  /** Client -> daemon: finish in-flight work, refuse new requests; the process exits on stdin close. */
  shutdown: { params: Record<string, never> | undefined; result: null };
  /** Client -> daemon: versions, ffmpeg, platform and hardware. */
  'system/info': { params: Record<string, never> | undefined; result: SystemInfo };
  /** Client -> daemon: decode a file through ffmpeg and report its duration and source format. */
  'audio/probe': { params: ProbeParams; result: ProbeResult };
}

/** Notifications: name -> params. */
export interface NotificationMap {
  /** Daemon -> client: progress of a request that carried a token. */
  '$/progress': ProgressParams;
  /** Client -> daemon: cancel the request that carried the token. */
  '$/cancel': CancelParams;
  /** Client -> daemon: settings changed. */
  'config/didChange': ConfigChangeParams;
}

export type RequestName = keyof RequestMap;
export type NotificationName = keyof NotificationMap;
export type ParamsOf<M extends RequestName> = RequestMap[M]['params'];
export type ResultOf<M extends RequestName> = RequestMap[M]['result'];
