// "Does my GPU really work for this model?": one report, served by `gpu/diagnose` (daemon/diagnostics)
// and shown by the cli (`sensevoice gpu-check`) and the extension's panel.
import type { InferenceServerCheck } from './inferenceServer';
import type { ProviderSetting, VadMode } from '../values';
import type { FfmpegInfo } from './session';

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
  | 'provider-damaged'
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
  settings: { provider: ProviderSetting; threads: number; vad: VadMode; maxSegmentSec: number; concurrency: number };
  /** Set when an inference server is configured (`sensevoice.inference.endpoint`): the model runs there. */
  inferenceServer?: InferenceServerCheck;
}

/** The GPU check's requests. */
export interface GpuCheckRequests {
  /** Client -> daemon: try each execution provider, time the model, judge the setup; progress under the token. */
  'gpu/diagnose': { params: GpuDiagnoseParams | undefined; result: GpuReport };
}
