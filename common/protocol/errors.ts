// Error codes and the error that carries one. Clients branch on the code, never on the message.

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
  /** A diarization model (segmentation or speaker embedding) lacks its contract; the message names the file and what is wrong. */
  DiarizationModelInvalid: 1106,
  /** A diarization model is absent (not in the model store, or no such file); the message says how to get one. */
  DiarizationModelNotFound: 1107,

  Busy: 1201,
  Cancelled: 1202,
  /** `transcribe/file` with `cachedOnly`: no cached transcript for this file, model and settings. */
  NotCached: 1203,
  /** The daemon process exited or could not be started (raised on the client side only). */
  DaemonUnavailable: 1301,
  /** The per-user runtime folder belongs to someone else or others can write it; nothing was started. */
  RuntimeDirUnsafe: 1302,
  /** The shared daemon runs a newer build than this client; update the client, or use a private daemon (--stdio). */
  DaemonTooNew: 1303,
  /** The shared daemon runs an older build and is retiring: start a new one and connect again. */
  DaemonRetiring: 1304,
  /** The shared daemon refused a client without its user's token (daemon.token in the runtime folder). */
  Unauthorized: 1305,

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

  // Live capture (daemon/live).
  /** The capture device does not exist (or no default input); the message says how to list them. */
  DeviceNotFound: 1501,
  /** The ffmpeg in use was built without the platform's capture input (pulse, alsa, avfoundation, dshow). */
  InputFormatUnsupported: 1502,
  /** Capture failed or stopped: the device went away, or ffmpeg could not read it. The file so far is kept. */
  CaptureFailed: 1503,
  /** The recording's path exists: a recording is never overwritten. */
  RecordingExists: 1504,
  /** The recording cannot be written: the disk is full or the folder is not writable. The file so far is kept. */
  RecordingWriteFailed: 1505,
  /** No live job with this id (it was stopped, or belongs to another client). */
  LiveJobNotFound: 1506,
  /** A live job cannot do that now: pause while paused, resume while recording, either after capture ended. */
  LiveWrongState: 1507,

  // GPU setup (daemon/gpuSetup).
  /** GPU setup downloads nothing on this platform: its GPU providers ship with the extension. */
  GpuSetupUnsupported: 1601,
  /** No NVIDIA driver answers (nvidia-smi is absent or fails): the CUDA provider cannot run. */
  NvidiaDriverMissing: 1602,
  /** The NVIDIA driver is older than CUDA 12 needs; the message says which version and how to update. */
  NvidiaDriverTooOld: 1603,
  /** The feed's answer or the package lacks what setup needs (no published hash, a library missing). */
  GpuPackageInvalid: 1604,
  /** The bin folder holds provider libraries that setup did not place; pass overwrite to replace them. */
  GpuLibrariesExist: 1605,

  // Inference servers (daemon/remote: the model runs on an Open Inference Protocol server).
  /** The inference server cannot be reached, is not ready, or answered 503 past the retries; the message names the URL. */
  InferenceServerUnavailable: 1701,
  /** The server's model does not match the local model's contract; the message names the mismatch. */
  InferenceServerMismatch: 1702,
  /** The inference server did not answer within the timeout. */
  InferenceServerTimeout: 1703,
  /** The inference server answered with an error or a response that does not follow the protocol. */
  InferenceServerError: 1704,
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
