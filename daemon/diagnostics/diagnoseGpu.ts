// `gpu/diagnose`: "does my GPU really work for this model?" Gathers the facts (driver, libraries,
// onnxruntime's build, ffmpeg, the machine, the model), tries every provider that matters on a tiny
// model in a child process, times the working ones, and judges the guide's checklist. Every outside
// dependency is a seam, so tests fake the machine instead of needing one.
import os from 'node:os';
import {
  ErrorCode,
  SenseVoiceError,
  type CudaLibraryScan,
  type GpuReport,
  type ModelFacts,
  type OnnxRuntimeFacts,
  type ProviderProbe,
} from '../../common/protocol';
import type { EffectiveSettings } from '../settings';
import type { ResolvedFfmpeg } from '../ffmpeg/resolveFfmpeg';
import { providerCandidates, type ProviderEnvironment, type ProviderName } from '../inference/providers';
import { providerLabel } from '../../common/providerLabels';
import { runBenchmark, type BenchmarkModel } from './benchmark';
import { buildChecklist, selectProvider, summarize } from './checklist';
import { scanCudaLibraries } from './cudaLibraries';
import { completeCudaStoreLibDir, cudaStoreDir } from '../../common/gpuSetup/cudaLibraryStore';
import { gpuCacheDir } from '../../common/gpuSetup/gpuCacheDir';
import { checkFfmpeg } from './ffmpegCheck';
import { inspectModelForCheck, modelWarnings } from './modelFacts';
import { queryNvidiaSmi } from './nvidiaSmi';
import { collectOnnxRuntimeFacts } from './onnxRuntimeFacts';
import { cudaFollowUps, probeProviders, providersToProbe, withFollowUps } from './providerProbes';
import { resolveOnnxRuntime, SessionWorker, type RunSessionJob } from './sessionWorker';
import type { SyntheticShape } from './syntheticModel';

export interface DiagnoseOptions {
  settings: EffectiveSettings;
  /** The request's model folder; the modelPath setting when absent. */
  modelPath?: string;
  quick?: boolean;
  resolveFfmpeg: () => Promise<ResolvedFfmpeg>;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  log?: (message: string) => void;
  platform?: NodeJS.Platform;
  /** PATH (nvidia-smi) and LD_LIBRARY_PATH (libraries); the process's by default. */
  env?: NodeJS.ProcessEnv;
  // Seams for tests: the machine, faked.
  libraries?: (ortBinDir: string | null) => Promise<CudaLibraryScan>;
  onnxRuntime?: () => OnnxRuntimeFacts;
  runJob?: RunSessionJob;
  benchmark?: { clipSec?: number; warmRuns?: number; syntheticShape?: SyntheticShape };
}

export async function diagnoseGpu(o: DiagnoseOptions): Promise<GpuReport> {
  const started = Date.now();
  const t0 = performance.now();
  const platform = o.platform ?? process.platform;
  const env = o.env ?? process.env;
  const quick = o.quick ?? false;
  const progress = (fraction: number, message: string) => o.onProgress?.(Math.min(1, fraction), message);
  const s = o.settings;
  const settings: GpuReport['settings'] = {
    provider: s.provider,
    threads: s.threads,
    vad: s.vad,
    maxSegmentSec: s.maxSegmentSec,
    concurrency: s.concurrency,
  };

  progress(0, 'Looking at the driver, the libraries and ffmpeg…');
  const onnxruntime = (o.onnxRuntime ?? collectOnnxRuntimeFacts)();
  const modelDir = o.modelPath ?? s.modelPath;
  const modelSource: ModelFacts['source'] = o.modelPath ? 'params' : s.modelPath ? 'settings' : 'none';
  const [nvidia, libraries, ffmpeg, model] = await Promise.all([
    queryNvidiaSmi({ pathEnv: env.PATH, platform }),
    (
      o.libraries ??
      ((bin) =>
        scanCudaLibraries({
          platform,
          libraryPathEnv: platform === 'win32' ? env.PATH : env.LD_LIBRARY_PATH,
          ortBinDir: bin,
          storeLibDir:
            platform === 'linux' ? completeCudaStoreLibDir(cudaStoreDir(gpuCacheDir({ env, platform }))) : null,
        }))
    )(onnxruntime.binDir),
    checkFfmpeg(o.resolveFfmpeg),
    inspectModelForCheck(modelDir, modelSource),
  ]);
  throwIfAborted(o.signal);
  const providerEnv: ProviderEnvironment = {
    providerLibraries: onnxruntime.providerLibraries,
    missingCudaLibraries: libraries.missing,
  };
  const followUps = cudaFollowUps(nvidia, libraries);

  let providers: ProviderProbe[] = [];
  let selectedProvider: ProviderName | null = null;
  let benchmark: GpuReport['benchmark'] = null;
  if (!quick) {
    let worker: SessionWorker | null = null;
    let runJob: RunSessionJob | null = o.runJob ?? null;
    const ortPath = runJob ? null : resolveOnnxRuntime();
    if (ortPath) {
      const w = new SessionWorker({ ortPath, log: o.log });
      worker = w;
      runJob = (job, signal) => w.run(job, signal);
    }
    try {
      const toProbe = providersToProbe(
        platform,
        onnxruntime.backends?.map((b) => b.name) ?? null,
        providerCandidates(s.provider, platform),
      );
      if (!runJob) {
        providers = toProbe.map((provider) => ({
          provider,
          ok: false,
          ms: 0,
          cause: 'runtime-missing' as const,
          reason: 'onnxruntime-node is not installed next to SenseVoice.',
          fix: 'Reinstall the extension (or run npm ci in a checkout).',
        }));
      } else {
        providers = await probeProviders({
          providers: toProbe,
          runJob,
          env: providerEnv,
          signal: o.signal,
          onProvider: (p, i) => progress(0.1 + (0.3 * i) / toProbe.length, `Trying ${providerLabel(p)}…`),
        });
        providers = providers.map((p) => withFollowUps(p, followUps));
      }
      selectedProvider = selectProvider(s.provider, platform, providers);
      // TensorRT is never chosen by the settings and its first session builds engines for minutes.
      const toTime = providers.filter((p) => p.ok && p.provider !== 'tensorrt').map((p) => p.provider as ProviderName);
      if (runJob && toTime.length > 0) {
        const benchModel: BenchmarkModel =
          model.cpu && model.gpu
            ? { kind: 'model', cpu: model.cpu, gpu: model.gpu }
            : { kind: 'synthetic', shape: o.benchmark?.syntheticShape };
        benchmark = await runBenchmark({
          providers: toTime,
          model: benchModel,
          threads: s.threads,
          runJob,
          env: providerEnv,
          signal: o.signal,
          clipSec: o.benchmark?.clipSec,
          warmRuns: o.benchmark?.warmRuns,
          onProvider: (p, i) => progress(0.4 + (0.6 * i) / toTime.length, `Timing ${providerLabel(p)}…`),
        });
      }
    } finally {
      worker?.close();
    }
  }
  model.facts.warnings.push(...modelWarnings(model.facts, selectedProvider));

  const cpus = os.cpus();
  const facts = {
    platform,
    quick,
    settings,
    cpuCores: cpus.length,
    nvidia,
    providers,
    selectedProvider,
    ffmpeg,
    benchmark,
  };
  const checklist = buildChecklist(facts);
  progress(1, 'Done');
  return {
    schema: 1,
    quick,
    createdAt: new Date(started).toISOString(),
    durationMs: Math.round(performance.now() - t0),
    summary: summarize(facts, checklist),
    host: {
      platform,
      arch: process.arch,
      release: os.release(),
      node: process.versions.node,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cpuCores: cpus.length,
      totalMemoryBytes: os.totalmem(),
      freeMemoryBytes: os.freemem(),
    },
    onnxruntime,
    providers,
    selectedProvider,
    nvidia,
    cudaLibraries: libraries,
    ffmpeg,
    model: model.facts,
    benchmark,
    checklist,
    settings,
  };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'The GPU check was cancelled.');
}
