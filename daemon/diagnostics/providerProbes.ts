// Tries each execution provider that matters on this platform: a session on the tiny probe model,
// one run, the answer checked. Each failure keeps onnxruntime's own error and log, and gets a cause,
// a plain reason and a fix that takes the rest of the machine into account (driver, libraries).
import type { CudaLibraryScan, NvidiaInfo, ProviderProbe } from '../../common/protocol';
import { explainProviderError, type ProviderEnvironment, type ProviderName } from '../inference/providers';
import { STORE_SOURCE } from './cudaLibraries';
import { buildProbeModel, probeOutputMatches } from './probeModel';
import type { RunSessionJob, SessionJobResult } from './sessionWorker';

const ORDER: readonly ProviderName[] = ['cuda', 'tensorrt', 'dml', 'coreml', 'webgpu', 'cpu'];
const PLATFORM_PROVIDERS: Partial<Record<NodeJS.Platform, readonly ProviderName[]>> = {
  linux: ['cuda', 'tensorrt', 'webgpu', 'cpu'],
  win32: ['dml', 'webgpu', 'cpu'],
  darwin: ['coreml', 'webgpu', 'cpu'],
};

/** The providers to try: the platform's, those the build lists, and any the setting asks for; CPU last. */
export function providersToProbe(
  platform: NodeJS.Platform,
  backends: readonly string[] | null,
  requested: readonly ProviderName[] = [],
): ProviderName[] {
  const wanted = new Set<string>([
    ...(PLATFORM_PROVIDERS[platform] ?? ['cpu']),
    ...(backends ?? []),
    ...requested,
    'cpu',
  ]);
  return ORDER.filter((p) => wanted.has(p));
}

export interface ProbeOptions {
  providers: readonly ProviderName[];
  runJob: RunSessionJob;
  env: ProviderEnvironment;
  signal?: AbortSignal;
  onProvider?: (provider: ProviderName, index: number) => void;
  timeoutMs?: number;
}

export async function probeProviders(options: ProbeOptions): Promise<ProviderProbe[]> {
  const model = buildProbeModel();
  const probes: ProviderProbe[] = [];
  for (const [i, provider] of options.providers.entries()) {
    options.onProvider?.(provider, i);
    const t0 = performance.now();
    const r = await options.runJob(
      {
        provider,
        model: { bytes: model.bytes },
        // Verbose logging on this one small session gives onnxruntime's node placements.
        options: { executionProviders: [provider], graphOptimizationLevel: 'all', logSeverityLevel: 0 },
        feeds: [{ name: model.input.name, type: 'float32', dims: model.input.dims, data: model.input.data }],
        runs: 1,
        timeoutMs: options.timeoutMs ?? 60_000,
      },
      options.signal,
    );
    const ms = Math.round(
      r.createMs !== undefined ? r.createMs + (r.runMs[0] ?? 0) : (r.failedAfterMs ?? performance.now() - t0),
    );
    probes.push(judgeProbe(provider, r, ms, model.output, model.expected, options.env));
  }
  return probes;
}

export function judgeProbe(
  provider: ProviderName,
  r: SessionJobResult,
  ms: number,
  output: string,
  expected: Float32Array,
  env: ProviderEnvironment,
): ProviderProbe {
  const base = {
    provider,
    ms,
    ...(r.log.length ? { log: r.log } : {}),
    ...(r.placement ? { placement: r.placement } : {}),
  };
  if (r.ok) {
    const values = r.outputs?.[output]?.values;
    if (values && probeOutputMatches(values, expected)) return { ...base, ok: true };
    return {
      ...base,
      ok: false,
      error: `the session ran but returned [${values?.join(', ') ?? 'nothing'}] instead of [${Array.from(expected).join(', ')}]`,
      cause: 'wrong-result',
      reason: `The ${provider} provider computes wrong results on this machine.`,
      fix: 'Update the GPU driver; until then use the CPU (sensevoice.provider: cpu).',
    };
  }
  if (r.crashed) {
    return {
      ...base,
      ok: false,
      error: r.error,
      cause: 'crashed',
      reason: `Creating a ${provider} session crashed the process (${r.crashed.signal ?? `exit code ${r.crashed.code}`}): the GPU libraries are broken or mismatched.`,
      fix: 'See the log lines below; reinstall the GPU driver and the CUDA 12 / cuDNN 9 libraries, or use the CPU.',
    };
  }
  if (r.timedOut) {
    return {
      ...base,
      ok: false,
      error: r.error,
      cause: 'timeout',
      reason: `Creating a ${provider} session did not finish: the GPU or its driver is hung or busy.`,
      fix: 'Check nvidia-smi for stuck processes; a reboot clears a hung driver.',
    };
  }
  const error = r.error ?? 'unknown error';
  const x = explainProviderError(provider, [error, ...r.log].join('\n'), env);
  return { ...base, ok: false, error, cause: x.cause, reason: x.reason, fix: x.fix };
}

/**
 * What else CUDA needs on this machine once the first problem is fixed: a GPU, a new enough driver,
 * the right major versions of its libraries on the loader path. Empty when nothing else is missing.
 */
export function cudaFollowUps(nvidia: NvidiaInfo, libraries: CudaLibraryScan): string[] {
  const out: string[] = [];
  if (nvidia.status === 'not-found') out.push('an NVIDIA GPU and its driver (nvidia-smi was not found)');
  else if (nvidia.status === 'no-devices')
    out.push('a GPU the NVIDIA driver can see (nvidia-smi: "No devices were found")');
  else if (nvidia.status !== 'ok')
    out.push(`a working NVIDIA driver (${nvidia.error ?? `nvidia-smi: ${nvidia.status}`})`);
  else if (nvidia.driverOk === false)
    out.push(`NVIDIA driver ${nvidia.minDriverVersion} or newer (this one is ${nvidia.driverVersion})`);
  const missing = libraries.requirements.filter((r) => r.status === 'missing').map((r) => r.soname);
  if (missing.length) out.push(`${missing.join(', ')} (not found)`);
  const inStoreOnly = (name: string) => {
    const mine = libraries.found.filter((f) => f.name === name);
    return mine.length > 0 && mine.every((f) => f.source === STORE_SOURCE);
  };
  for (const r of libraries.requirements) {
    if (r.status === 'wrong-version') out.push(`${r.soname} (found only ${r.found.join('; ')})`);
    if (r.status === 'off-loader-path')
      out.push(
        inStoreOnly(r.library)
          ? `${r.soname} on the loader path (it is in SenseVoice's CUDA library store, but this daemon was started before the store was filled: restart it — Developer: Reload Window, or sensevoice daemon stop)`
          : `${r.soname} on the loader path (it is at ${r.found.join('; ')}: add that folder to LD_LIBRARY_PATH, or PATH on Windows)`,
      );
  }
  return out;
}

/** A failed CUDA or TensorRT probe's fix, with what else must change after it. */
export function withFollowUps(probe: ProviderProbe, followUps: readonly string[]): ProviderProbe {
  if (probe.ok || (probe.provider !== 'cuda' && probe.provider !== 'tensorrt')) return probe;
  // The reason already says the driver is too old; the follow-up would repeat it.
  const rest = followUps.filter((x) => !(probe.cause === 'driver-too-old' && /driver/i.test(x)));
  return rest.length ? { ...probe, fix: `${probe.fix ?? ''} Also needed: ${rest.join('; ')}.`.trim() } : probe;
}
