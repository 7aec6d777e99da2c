// Measures one execution provider, each step in a child process (workerProcess.ts): load the model
// on that provider alone (no CPU in its place), the sample clips' token ids, end-to-end passes over a
// 30 s file, 4 files one after another and then at once, GPU memory around it all; then a second,
// fresh process without the warm-up at load, whose first pass is what the warm-up saves. A provider
// "works" only once a timed run on it has finished. Optional steps are skipped, and say so, when the
// time budget would not hold them.
import { explainProviderError, type ProviderName } from '../../daemon/inference/providers';
import type { ProviderAttempt } from '../../common/protocol';
import type { AudioDecoder, Clip, JoinedInput } from './audio';
import type { GpuMemory, GpuMemorySample } from './gpuMemory';
import { WorkerFailure, WorkerProcess } from './workerProcess';
import type { BatchReply, EndToEndReply, LoadedReply, Phases, Replied, TokensReply } from './workerMessages';

export interface ClipResult {
  name: string;
  frames: number;
  ids: number[];
  ms: number;
  /** Kept for the comparison with the CPU; not written to the JSON. */
  argmax: number[];
  lead: number[];
}

export interface GpuMemoryRecord {
  beforeLoad: GpuMemorySample | null;
  afterLoad: GpuMemorySample | null;
  afterRuns: GpuMemorySample | null;
}

export interface ProviderResult {
  provider: string;
  gpu: boolean;
  /** onnxruntime-node's listSupportedBackends(): true bundled, false a separate download, null not listed. */
  bundled: boolean | null;
  /** Loaded on this provider and finished a timed run there. */
  ok: boolean;
  failedAt: 'start' | 'load' | 'tokens' | null;
  error: string | null;
  cause: string | null;
  reason: string | null;
  fix: string | null;
  /** onnxruntime's warnings and errors (and the driver's lines) while this provider ran. */
  log: string[];
  placement: Record<string, number> | null;
  /** Nodes onnxruntime assigned to the CPU although this GPU provider was asked for. */
  cpuNodes: number | null;
  /** A software Vulkan adapter was seen: the "GPU" is the CPU. */
  softwareAdapter: string | null;
  modelFile: string | null;
  quantization: string | null;
  loadMs: number | null;
  warmupMs: number | null;
  peakRssBytes: number | null;
  gpuMemory: GpuMemoryRecord | null;
  clips: ClipResult[];
  e2e: { runs: Phases[]; firstMs: number; warmMs: number | null; warm: Phases | null; rtf: number | null } | null;
  warmup: { warmupMs: number; coldLoadMs: number; coldFirstMs: number; warmFirstMs: number; savingMs: number } | null;
  concurrent: {
    files: number;
    sequentialMs: number;
    atOnceMs: number;
    ratio: number;
    sequential: Phases;
    atOnce: Phases;
    /** Every file's ids in the batch equal its ids alone (padding changed nothing). */
    idsMatch: boolean;
  } | null;
  skipped: string[];
}

export interface MeasureContext {
  modelDir: string;
  threads: number;
  decoder: AudioDecoder;
  clips: readonly Clip[];
  inputs: readonly JoinedInput[];
  warmRuns: number;
  gpuMemory: GpuMemory;
  /** performance.now() after which no optional step starts. */
  deadline: number;
  progress: (line: string) => void;
}

const LOAD_TIMEOUT_MS = 240_000;
const RUN_TIMEOUT_MS = 240_000;

function emptyResult(provider: string, bundled: boolean | null): ProviderResult {
  return {
    provider,
    gpu: provider !== 'cpu',
    bundled,
    ok: false,
    failedAt: null,
    error: null,
    cause: null,
    reason: null,
    fix: null,
    log: [],
    placement: null,
    cpuNodes: null,
    softwareAdapter: null,
    modelFile: null,
    quantization: null,
    loadMs: null,
    warmupMs: null,
    peakRssBytes: null,
    gpuMemory: null,
    clips: [],
    e2e: null,
    warmup: null,
    concurrent: null,
    skipped: [],
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Records why a step failed: the child's own error, explained with what onnxruntime logged. */
function failed(r: ProviderResult, at: ProviderResult['failedAt'], err: unknown, log: string[]): ProviderResult {
  r.failedAt = at;
  const attempt: ProviderAttempt | undefined = err instanceof WorkerFailure ? err.reply.attempts?.[0] : undefined;
  const error = attempt?.error ?? (err instanceof Error ? err.message : String(err));
  r.error = error;
  if (err instanceof WorkerFailure || !/the process running the model|no answer to/.test(error)) {
    const x = explainProviderError(r.provider as ProviderName, [error, ...log].join('\n'));
    r.cause = x.cause;
    r.reason = x.reason;
    r.fix = x.fix;
  } else {
    r.cause = /no answer/.test(error) ? 'timeout' : 'crashed';
    r.reason = /no answer/.test(error)
      ? `The ${r.provider} session did not finish: the GPU or its driver is hung or very slow.`
      : `The process running the ${r.provider} session died (${error.replace(/^the process running the model /, '')}): the GPU libraries are broken or mismatched.`;
    r.fix = 'See the log lines; check the driver (nvidia-smi, vulkaninfo).';
  }
  return r;
}

export async function measureProvider(
  provider: string,
  bundled: boolean | null,
  ctx: MeasureContext,
): Promise<ProviderResult> {
  const r = emptyResult(provider, bundled);
  const say = (line: string) => ctx.progress(`${provider}: ${line}`);
  let w: WorkerProcess;
  try {
    w = await WorkerProcess.start();
  } catch (err) {
    return failed(r, 'start', err, []);
  }
  const memory: GpuMemoryRecord = { beforeLoad: null, afterLoad: null, afterRuns: null };
  const sample = () => (r.gpu ? ctx.gpuMemory.sample(w.pid) : Promise.resolve(null));
  try {
    memory.beforeLoad = await sample();
    say('loading the model');
    let loaded: Replied<LoadedReply>;
    try {
      loaded = await w.request<LoadedReply>(
        { type: 'load', dir: ctx.modelDir, provider, threads: ctx.threads, warmUp: true },
        LOAD_TIMEOUT_MS,
      );
    } catch (err) {
      return failed(r, 'load', err, w.log);
    }
    Object.assign(r, {
      modelFile: loaded.modelFile,
      quantization: loaded.quantization,
      loadMs: loaded.loadMs,
      warmupMs: loaded.warmupMs,
    });
    memory.afterLoad = await sample();
    say(`loaded in ${loaded.loadMs} ms (+ warm-up ${loaded.warmupMs} ms); token ids of ${ctx.clips.length} clips`);
    let tokens: Replied<TokensReply>;
    try {
      tokens = await w.request<TokensReply>(
        { type: 'tokens', clips: ctx.clips.map((c) => ({ name: c.name, file: c.file })), decoder: ctx.decoder },
        RUN_TIMEOUT_MS,
      );
    } catch (err) {
      return failed(r, 'tokens', err, w.log);
    }
    r.ok = true;
    r.clips = tokens.clips;
    r.peakRssBytes = tokens.peakRssBytes;
    // Cost per second of audio on this provider, for deciding what still fits in the budget.
    const audioSec = ctx.clips.reduce((n, c) => n + c.durationSec, 0);
    const msPerSec = tokens.clips.reduce((n, c) => n + c.ms, 0) / Math.max(audioSec, 1);
    const fits = (what: string, estimateMs: number): boolean => {
      if (performance.now() + estimateMs <= ctx.deadline) return true;
      r.skipped.push(`${what}: the time budget would be exceeded (estimate ${Math.round(estimateMs / 1000)} s)`);
      say(`skipped ${what} (time budget)`);
      return false;
    };
    const input = ctx.inputs[0] as JoinedInput;
    const e2eRuns = 1 + ctx.warmRuns;
    if (fits('e2e', e2eRuns * input.durationSec * msPerSec * 1.5)) {
      say(`end to end on ${input.durationSec} s, ${e2eRuns} runs`);
      const e = await w.request<EndToEndReply>(
        { type: 'e2e', file: input.file, runs: e2eRuns, decoder: ctx.decoder },
        RUN_TIMEOUT_MS,
      );
      // The first pass follows the warm-up at load; the later ones are the steady state (medians).
      const warmRuns = e.runs.slice(1);
      const warm = warmRuns.length > 0 ? medianPhases(warmRuns) : null;
      r.e2e = {
        runs: e.runs,
        firstMs: (e.runs[0] as Phases).totalMs,
        warmMs: warm?.totalMs ?? null,
        warm,
        rtf: warm ? Math.round((warm.totalMs / 1000 / input.durationSec) * 10_000) / 10_000 : null,
      };
      r.peakRssBytes = e.peakRssBytes;
    }
    const files = ctx.inputs.map((i) => i.file);
    if (fits('concurrent', 2 * files.length * input.durationSec * msPerSec * 1.5)) {
      say(`${files.length} files one after another, then at once`);
      const b = await w.request<BatchReply>({ type: 'batch', files, decoder: ctx.decoder }, RUN_TIMEOUT_MS * 2);
      r.concurrent = {
        files: files.length,
        sequentialMs: b.sequential.totalMs,
        atOnceMs: b.atOnce.totalMs,
        ratio: Math.round((b.atOnce.totalMs / b.sequential.totalMs) * 1000) / 1000,
        sequential: b.sequential,
        atOnce: b.atOnce,
        idsMatch: b.singleIds.every((ids, i) => sameIds(ids, b.batchIds[i] ?? [])),
      };
      r.peakRssBytes = b.peakRssBytes;
    }
    memory.afterRuns = await sample();
  } catch (err) {
    // A later step failed after the provider had worked: keep what was measured, say what broke.
    r.skipped.push(`stopped: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    r.log = w.log.slice();
    r.placement = Object.keys(w.placement).length > 0 ? { ...w.placement } : null;
    r.cpuNodes = r.gpu && r.placement ? (r.placement.CPUExecutionProvider ?? 0) : null;
    r.softwareAdapter = w.softwareAdapter;
    r.gpuMemory = r.gpu && !ctx.gpuMemory.unavailable ? memory : null;
    await w.close();
  }
  if (r.ok && r.e2e) await measureColdStart(r, ctx);
  return r;
}

/** A fresh process, no warm-up at load: its first pass against the warmed process's first pass. */
async function measureColdStart(r: ProviderResult, ctx: MeasureContext): Promise<void> {
  const input = ctx.inputs[0] as JoinedInput;
  const estimate = (r.loadMs ?? 0) * 1.5 + (r.e2e?.firstMs ?? 0) * 3;
  if (performance.now() + estimate > ctx.deadline) {
    r.skipped.push(`warm-up saving: the time budget would be exceeded (estimate ${Math.round(estimate / 1000)} s)`);
    return;
  }
  ctx.progress(`${r.provider}: a fresh process without the warm-up, first pass on ${input.durationSec} s`);
  let w: WorkerProcess | null = null;
  try {
    w = await WorkerProcess.start();
    const loaded = await w.request<LoadedReply>(
      { type: 'load', dir: ctx.modelDir, provider: r.provider, threads: ctx.threads, warmUp: false },
      LOAD_TIMEOUT_MS,
    );
    const e = await w.request<EndToEndReply>(
      { type: 'e2e', file: input.file, runs: 1, decoder: ctx.decoder },
      RUN_TIMEOUT_MS,
    );
    const coldFirstMs = (e.runs[0] as Phases).totalMs;
    const warmFirstMs = (r.e2e as NonNullable<ProviderResult['e2e']>).firstMs;
    r.warmup = {
      warmupMs: r.warmupMs ?? 0,
      coldLoadMs: loaded.loadMs,
      coldFirstMs,
      warmFirstMs,
      savingMs: Math.round((coldFirstMs - warmFirstMs) * 10) / 10,
    };
  } catch (err) {
    r.skipped.push(`warm-up saving: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await w?.close();
  }
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function medianPhases(runs: Phases[]): Phases {
  const keys = ['totalMs', 'decodeMs', 'featuresMs', 'runMs', 'ctcMs'] as const;
  return Object.fromEntries(
    keys.map((k) => [k, Math.round(median(runs.map((p) => p[k])) * 10) / 10]),
  ) as unknown as Phases;
}
