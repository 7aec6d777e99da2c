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
  /** `transcribe/file` with `cachedOnly`: no cached transcript for this file, model and settings. */
  NotCached: 1203,
  /** The daemon process exited or could not be started (raised on the client side only). */
  DaemonUnavailable: 1301,

  // Model store and downloads (daemon/modelStore).
  /** A model download could not complete (network, HTTP status, proxy); the message names the URL. */
  DownloadFailed: 1401,
  /** A downloaded file does not match its published size or sha256; it was deleted. */
  ChecksumMismatch: 1402,
  /** The store already holds a folder or file that SenseVoice did not make; pass overwrite to replace it. */
  ModelExists: 1403,
  /** Not enough free disk space in the model store for the download. */
  NotEnoughSpace: 1404,
  /** A downloaded archive could not be unpacked. */
  ExtractFailed: 1405,
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
  /**
   * Answer from the transcript cache only: NotCached when this file (by content), model and these
   * settings have no cached transcript; nothing is decoded or run. A client restoring a view uses it.
   */
  cachedOnly?: boolean;
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
  /** True when the transcript came from the cache (same content, model and settings). */
  cached?: boolean;
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
  /** Client -> daemon: jobs, queue, memory and the loaded model, answered at once even while jobs run. */
  'daemon/status': { params: Record<string, never> | undefined; result: DaemonStatus };
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

// ---- Model store and downloads (daemon/modelStore) ------------------------------------------
// The interfaces RequestMap and ProgressParams below merge with the declarations above (TypeScript
// declaration merging), so this area's additions stay in one block.

/** Which model file of a layout: int8 for the CPU, fp32 for GPUs (no int8 kernels there). */
export type ModelVariant = 'int8' | 'fp32';
/** The public places a model can be downloaded from by name. */
export type ModelSourceName = 'huggingface' | 'github' | 'modelscope';

/** Byte counts of a download, reported in `$/progress`. */
export interface ProgressParams {
  /** Bytes done so far (downloads). */
  bytes?: number;
  /** Bytes in all, where known (downloads). */
  total?: number;
}

/** One model file in the shared store, with the folder to pass as `modelPath`. */
export interface StoredModel {
  /** The folder's name in the store. */
  id: string;
  /** The folder: what `sensevoice.modelPath` and `--model` take. */
  path: string;
  variant: ModelVariant;
  layout: 'sherpa' | 'funasr';
  /** Absolute path of the model file. */
  modelFile: string;
  /** Bytes of the model file plus the files it needs (tokens, CMVN). */
  sizeBytes: number;
  /** Every file matched a published pin when it was downloaded, and its size still matches. */
  verified: boolean;
  /** A source name, "url" for a URL the user gave, or "local" for a folder put in the store by hand. */
  source: string;
  /** Where the model file came from. */
  url?: string;
  /** sha256 of the model file, as computed when it was downloaded. */
  sha256?: string;
  /** ISO time of the download. */
  downloadedAt?: string;
  /** Why this entry cannot be used, when it cannot. */
  problem?: string;
}

/** The model folder set by the user (`sensevoice.modelPath` / `--model`), as inspected now. */
export interface ConfiguredModel {
  path: string;
  layout?: 'sherpa' | 'funasr';
  /** The variants the folder holds. */
  variants?: ModelVariant[];
  /** Why it cannot be used, when it cannot. */
  problem?: string;
}

/** A download that stopped part way and resumes when started again. */
export interface PartialDownload {
  id: string;
  file: string;
  bytes: number;
}

/** A named download source. */
export interface ModelSourceInfo {
  name: ModelSourceName;
  /** One line for a picker: where it is and what it serves. */
  description: string;
  variants: ModelVariant[];
}

/** The result of `model/list`. */
export interface ModelListResult {
  /** The store folder (SENSEVOICE_MODEL_STORE, else the platform's data folder). */
  store: string;
  models: StoredModel[];
  configured: ConfiguredModel | null;
  /** The folder a request without a model path would use for the current provider, and why. */
  fallback: { path: string; variant: ModelVariant; verified: boolean; reason: string } | null;
  partial: PartialDownload[];
  sources: ModelSourceInfo[];
}

/** Parameters of `model/download`: a named source or a URL, never both. */
export interface ModelDownloadParams {
  /** A public source; `huggingface` when neither source nor url is given. */
  source?: ModelSourceName;
  /** A model folder URL (ending in /), a model .onnx URL (its tokens are fetched beside it) or a .tar.bz2/.tar.gz archive. */
  url?: string;
  /** Default int8. */
  variant?: ModelVariant;
  /** Replace files in the store that SenseVoice did not make (ModelExists otherwise). */
  overwrite?: boolean;
  token?: string;
}

/** One file of a download and how it was checked. */
export interface DownloadedFile {
  name: string;
  size: number;
  sha256: string;
  /** It matched a published pin. */
  verified: boolean;
  /** When an organisation's pin (SENSEVOICE_MODEL_PINS) verified it: the pins file it came from. */
  pinnedIn?: string;
  url: string;
  /** It was already in the store and was not downloaded again. */
  reused: boolean;
}

/** The result of `model/download`. */
export interface ModelDownloadResult {
  id: string;
  /** The model folder, ready to use. */
  path: string;
  variant: ModelVariant;
  layout: 'sherpa' | 'funasr';
  /** Every file matched a published pin. */
  verified: boolean;
  source: string;
  files: DownloadedFile[];
  /** Everything was already in the store; nothing was downloaded. */
  alreadyPresent: boolean;
  /** Bytes fetched by this request. */
  downloadedBytes: number;
  /** Bytes taken over from an earlier, interrupted download. */
  resumedBytes: number;
  /** Plain-words notes, e.g. that a URL download is unverified. */
  notes: string[];
}

/** Parameters of `model/inspect`. */
export interface ModelInspectParams {
  path: string;
}

/** What `model/inspect` found in a folder (it throws ModelNotFound / ModelInvalid otherwise). */
export interface ModelInspectResult {
  path: string;
  layout: 'sherpa' | 'funasr';
  /** The variants the folder holds. */
  variants: ModelVariant[];
  /** The model file chosen for the CPU. */
  modelFile: string;
  sizeBytes: number;
  vocabSize: number;
}

/** The model store's requests. */
export interface RequestMap {
  /** Client -> daemon: the models in the shared store, the configured one, and what would be used. */
  'model/list': { params: Record<string, never> | undefined; result: ModelListResult };
  /** Client -> daemon: download, verify and store a model; bytes go to `$/progress`; `$/cancel` pauses it (resumable). */
  'model/download': { params: ModelDownloadParams; result: ModelDownloadResult };
  /** Client -> daemon: check a model folder without loading it (for "Use a model folder"). */
  'model/inspect': { params: ModelInspectParams; result: ModelInspectResult };
}
// ---- end of model store ------------------------------------------------------------------------

// ---- GPU check (daemon/diagnostics) ------------------------------------------------------------
// "Does my GPU really work for this model?": one report, served by `gpu/diagnose` and shown by the
// cli (`sensevoice gpu-check`) and the extension's panel. RequestMap merges with the one above.

/** Parameters of `gpu/diagnose`; omitted fields come from the settings. */
export interface GpuDiagnoseParams {
  /** Model folder to time; defaults to the modelPath setting; with neither, a synthetic model is timed. */
  modelPath?: string;
  /** Detection only (driver, libraries, ffmpeg, model): no sessions and no timing, in well under a second. */
  quick?: boolean;
  token?: string;
}

/** A verdict of the GPU check. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** Why a provider did not work, as a code to branch on; the words are in `reason`. */
export type ProviderFailureCause =
  | 'provider-not-installed'
  | 'cuda-runtime-missing'
  | 'cudnn-missing'
  | 'cudnn-mismatch'
  | 'tensorrt-missing'
  | 'driver-too-old'
  | 'driver-mismatch'
  | 'no-device'
  | 'no-adapter'
  | 'not-in-build'
  | 'out-of-memory'
  | 'wrong-result'
  | 'crashed'
  | 'timeout'
  | 'runtime-missing'
  | 'unknown';

/** One execution provider tried on a tiny model: a session created and run once. */
export interface ProviderProbe {
  provider: string;
  ok: boolean;
  /** Session creation plus the run, in ms. */
  ms: number;
  /** ONNX Runtime's own error, verbatim. */
  error?: string;
  /** What ONNX Runtime (and the GPU stack) logged meanwhile: often the detail the error lacks. */
  log?: string[];
  cause?: ProviderFailureCause;
  /** The failure in plain words. */
  reason?: string;
  /** What to do about it. */
  fix?: string;
  /** Graph nodes per execution provider, as ONNX Runtime placed them. */
  placement?: Record<string, number>;
}

/** One GPU as nvidia-smi reports it. */
export interface NvidiaGpu {
  name: string;
  driverVersion: string;
  memoryTotalMiB: number | null;
  memoryFreeMiB: number | null;
  /** GPU utilisation in percent when it was asked. */
  utilizationPct: number | null;
}

/** What nvidia-smi said, or why it said nothing. */
export interface NvidiaInfo {
  status: 'ok' | 'not-found' | 'no-devices' | 'failed' | 'timeout';
  /** The nvidia-smi binary, when one was found. */
  path: string | null;
  gpus: NvidiaGpu[];
  driverVersion: string | null;
  /** The oldest driver the CUDA 12 provider runs on, on this platform. */
  minDriverVersion: string;
  /** Whether driverVersion is at least minDriverVersion; null when there is no driver to judge. */
  driverOk: boolean | null;
  /** nvidia-smi's own words when it failed. */
  error?: string;
}

/** A CUDA-stack library found on disk, with the version its file name carries. */
export interface CudaLibrary {
  /** cudart, cudnn, cublas, cublasLt, cufft, curand or nvinfer. */
  name: string;
  file: string;
  /** "12.4.127", "9.1.0", "13"; null when the name carries none. */
  version: string | null;
  major: number | null;
  /** Where it was found: LD_LIBRARY_PATH, ldconfig, onnxruntime-node, cuda-toolkit, PATH. */
  source: string;
  /** Whether the dynamic loader finds it with no help (a toolkit folder alone is not enough). */
  onLoaderPath: boolean;
}

/** One library the CUDA provider needs, and whether the loader can find the right major version. */
export interface CudaRequirement {
  library: string;
  /** The file the provider asks the loader for (libcudnn.so.9, cudnn64_9.dll). */
  soname: string;
  needMajor: number;
  status: 'ok' | 'missing' | 'wrong-version' | 'off-loader-path';
  /** What was found of this library: "13 at /usr/local/cuda-13.0/lib/libcudart.so.13". */
  found: string[];
}

/** The CUDA libraries found on the loader path and in toolkit folders. */
export interface CudaLibraryScan {
  /** Where it looked, in order. */
  searched: string[];
  found: CudaLibrary[];
  /** Empty off Linux and Windows. */
  requirements: CudaRequirement[];
  /** Sonames of the requirements that are not satisfied. */
  missing: string[];
}

/** onnxruntime-node as installed. */
export interface OnnxRuntimeFacts {
  version: string | null;
  /** Providers its build offers, from an internal API (null, with backendsError, when that is gone). */
  backends: { name: string; bundled: boolean }[] | null;
  backendsError?: string;
  /** The folder of its native binary. */
  binDir: string | null;
  /** Provider libraries present there (libonnxruntime_providers_cuda.so, …). */
  providerLibraries: string[];
}

/** ffmpeg and the compressed formats it can decode. */
export interface FfmpegCheck {
  path: string | null;
  version: string | null;
  source: FfmpegInfo['source'] | null;
  /** Decoder names found for each format; empty when it has none. */
  decoders: { mp3: string[]; aac: string[]; opus: string[] };
  error?: string;
}

/** The machine. */
export interface HostFacts {
  platform: string;
  arch: string;
  /** Kernel / OS release. */
  release: string;
  node: string;
  cpuModel: string;
  cpuCores: number;
  totalMemoryBytes: number;
  freeMemoryBytes: number;
}

/** One model file and its precision. */
export interface ModelFileFacts {
  path: string;
  quantization: 'int8' | 'fp32';
  sizeBytes: number;
}

/** The model the check looked at. */
export interface ModelFacts {
  /** params: the request's modelPath; settings: the modelPath setting; none: no model set. */
  source: 'params' | 'settings' | 'none';
  dir: string | null;
  layout: 'sherpa' | 'funasr' | null;
  /** The file the CPU would run (int8 when present). */
  cpuFile: ModelFileFacts | null;
  /** The file a GPU provider would run (fp32 when present). */
  gpuFile: ModelFileFacts | null;
  /** e.g. an int8 model about to run on CUDA. */
  warnings: string[];
  /** Why the folder cannot be used, with its error code name. */
  error?: { code: string; message: string };
}

/** One provider timed on the clip. */
export interface BenchmarkRun {
  provider: string;
  ok: boolean;
  /** The model file (or "synthetic") and its precision. */
  modelFile: string;
  quantization: 'int8' | 'fp32';
  /** Session creation, ms. */
  sessionMs?: number;
  /** The first inference of a fresh session (what a warm-up at load absorbs), ms. */
  coldMs?: number;
  /** Median of the later inferences, ms. */
  warmMs?: number;
  /** warmMs / clip length: below 1 is faster than real time. */
  rtf?: number;
  placement?: Record<string, number>;
  error?: string;
  reason?: string;
}

/** Inference timing on a clip for each working provider. */
export interface BenchmarkResult {
  clipSec: number;
  /** model: the user's model; synthetic: a random-weight model of SenseVoiceSmall's shape, made in memory. */
  model: 'model' | 'synthetic';
  /** What was timed, in words (for synthetic: its size against the real model). */
  description: string;
  /** The front end (fbank, LFR, CMVN) on the clip, on the CPU, ms. */
  featuresMs: number;
  /** Model input frames (60 ms each). */
  frames: number;
  runs: BenchmarkRun[];
}

/** One item of the guide's checklist. */
export interface ChecklistItem {
  id: 'driver' | 'provider' | 'predecode' | 'warmup' | 'vadCap' | 'concurrency';
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** The result of `gpu/diagnose`. */
export interface GpuReport {
  /** Bumped when the shape changes. */
  schema: 1;
  /** Detection only: providers were not tried and nothing was timed. */
  quick: boolean;
  /** ISO time the check started. */
  createdAt: string;
  durationMs: number;
  /** The answer in one line: where inference runs and why. */
  summary: { status: CheckStatus; provider: string | null; device: string | null; headline: string };
  host: HostFacts;
  onnxruntime: OnnxRuntimeFacts;
  /** Each provider that matters on this platform, tried in turn (empty when quick). */
  providers: ProviderProbe[];
  /** The provider a model loaded now would run on under the provider setting (null when quick). */
  selectedProvider: string | null;
  nvidia: NvidiaInfo;
  cudaLibraries: CudaLibraryScan;
  ffmpeg: FfmpegCheck;
  model: ModelFacts;
  /** Null when quick, or when no provider works. */
  benchmark: BenchmarkResult | null;
  checklist: ChecklistItem[];
  /** The settings the checklist judged. */
  settings: { provider: ProviderSetting; threads: number; vad: 'on' | 'off'; maxSegmentSec: number; concurrency: number };
}

/** The GPU check's request. */
export interface RequestMap {
  /** Client -> daemon: try each execution provider, time the model, judge the setup; progress under the token. */
  'gpu/diagnose': { params: GpuDiagnoseParams | undefined; result: GpuReport };
}
// ---- end of GPU check --------------------------------------------------------------------------

export type RequestName = keyof RequestMap;
export type NotificationName = keyof NotificationMap;
export type ParamsOf<M extends RequestName> = RequestMap[M]['params'];
export type ResultOf<M extends RequestName> = RequestMap[M]['result'];
