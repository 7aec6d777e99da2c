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
  /** Voice activity detection: `on` cuts files into speech segments; `off` is one whole-file segment. */
  vad?: 'on' | 'off';
  /** Longest VAD segment in seconds (default 30): longer speech is cut at its quietest point. */
  maxSegmentSec?: number;
  /** Segments per inference batch (1 disables batching). */
  batchSize?: number;
  /** Files transcribed at once. */
  concurrency?: number;
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
  /** Segments finished so far (transcription). */
  segmentsDone?: number;
}

/** Parameters of `transcribe/segment`: one finished segment, sent as soon as it is ready. */
export interface SegmentParams {
  token: string;
  /** Position of the segment in the file, from 0. Segments can arrive out of order. */
  index: number;
  segment: TranscriptSegment;
}

/** Parameters of `$/cancel`: sent by a client to stop the request that carried `token`. */
export interface CancelParams {
  token: string;
}

/** Parameters of `config/didChange`. */
export interface ConfigChangeParams {
  settings: DaemonSettings;
}

/** One execution provider tried while loading a model, and what happened. */
export interface ProviderAttempt {
  provider: string;
  ok: boolean;
  /** Milliseconds the attempt took. */
  ms: number;
  /** ONNX Runtime's own error, verbatim. */
  error?: string;
  /** The error in plain words. */
  reason?: string;
  /** What the user can do about it. */
  fix?: string;
}

/** Parameters of `model/load`; omitted fields come from the settings. */
export interface ModelLoadParams {
  /** Model folder; defaults to the modelPath setting. */
  path?: string;
  provider?: ProviderSetting;
  threads?: number;
  token?: string;
}

/** The model in use: what was loaded, where it runs, and what loading cost. */
export interface ModelInfo {
  dir: string;
  /** Which published layout the folder has. */
  layout: 'sherpa' | 'funasr';
  quantization: 'int8' | 'fp32';
  modelFile: string;
  sizeBytes: number;
  vocabSize: number;
  /** The provider asked for. */
  requestedProvider: ProviderSetting;
  /** The provider the session actually runs on. */
  provider: string;
  /** Every provider tried, in order, with the reason for each failure. */
  attempts: ProviderAttempt[];
  /** Session creation time, in ms. */
  loadMs: number;
  /** The first (warm-up) inference right after load, in ms; reported apart from loadMs. */
  warmupMs: number;
  /** Notes for the user, e.g. an int8 model on a GPU provider. */
  warnings: string[];
}

/** Parameters of `transcribe/file`; omitted options come from the settings. */
export interface TranscribeFileParams {
  path: string;
  /** Model folder; defaults to the modelPath setting. */
  modelPath?: string;
  language?: LanguageSetting;
  itn?: boolean;
  banEmotionUnknown?: boolean;
  /** Voice activity detection; `off` transcribes the whole file as one segment. */
  vad?: 'on' | 'off';
  maxSegmentSec?: number;
  batchSize?: number;
  token?: string;
}

/** One recognised token: its id, the piece as tokens.txt spells it, and its start time in seconds. */
export interface TranscriptToken {
  id: number;
  text: string;
  start: number;
}

/** A stretch of speech with its tags and text; times in seconds from the file's start. */
export interface TranscriptSegment {
  start: number;
  end: number;
  /** Spoken language: zh, en, yue, ja, ko, nospeech, or a tag the model printed. */
  language: string;
  /** HAPPY, SAD, ANGRY, NEUTRAL, FEARFUL, DISGUSTED, SURPRISED, OTHER, EMO_UNKNOWN. */
  emotion: string;
  /** Speech, BGM, Laughter, Applause, Cry, Sneeze, Breath, Cough, … */
  event: string;
  text: string;
  tokens: TranscriptToken[];
}

/** Where the time went, in ms. */
export interface TranscriptTimings {
  decodeMs: number;
  featuresMs: number;
  inferenceMs: number;
  totalMs: number;
}

/** The result of `transcribe/file`. */
export interface Transcript {
  file: string;
  durationSec: number;
  model: { layout: ModelInfo['layout']; quantization: ModelInfo['quantization']; provider: string };
  segments: TranscriptSegment[];
  timings: TranscriptTimings;
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
  /** Client -> daemon: load (or reuse) a model on the best provider, warm it up, report how. */
  'model/load': { params: ModelLoadParams; result: ModelInfo };
  /** Client -> daemon: transcribe one file; progress goes to `$/progress` under the token. */
  'transcribe/file': { params: TranscribeFileParams; result: Transcript };
}

/** Notifications: name -> params. */
export interface NotificationMap {
  /** Daemon -> client: progress of a request that carried a token. */
  '$/progress': ProgressParams;
  /** Client -> daemon: cancel the request that carried the token. */
  '$/cancel': CancelParams;
  /** Client -> daemon: settings changed. */
  'config/didChange': ConfigChangeParams;
  /** Daemon -> client: a finished segment of a `transcribe/file` that carried a token. */
  'transcribe/segment': SegmentParams;
}

export type RequestName = keyof RequestMap;
export type NotificationName = keyof NotificationMap;
export type ParamsOf<M extends RequestName> = RequestMap[M]['params'];
export type ResultOf<M extends RequestName> = RequestMap[M]['result'];
