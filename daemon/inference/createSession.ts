// Creates the ONNX Runtime session on the first provider that works, recording why each earlier one
// did not, so "why is my GPU not used?" always has an answer.
import type { InferenceSession } from 'onnxruntime-node';
import { ErrorCode, SenseVoiceError, type ProviderAttempt, type ProviderSetting } from '../../common/protocol';
import { explainProviderError, providerCandidates, type ProviderName } from './providers';

export interface CreateSessionOptions {
  /** The model file to use on each provider (fp32 on GPUs, int8 on the CPU when both exist). */
  modelFileFor: (provider: ProviderName) => string;
  provider: ProviderSetting;
  /** Intra-op threads; 0 lets ONNX Runtime choose. */
  threads: number;
  /**
   * false: try only the provider named (no CPU after it), so a caller that measures a provider
   * (npm run gpu:verify) never times the CPU in its place. Default true.
   */
  fallbackToCpu?: boolean;
  platform?: NodeJS.Platform;
  /** Seam for tests that fake provider failures; onnxruntime-node's by default. */
  create?: (file: string, options: InferenceSession.SessionOptions) => Promise<InferenceSession>;
}

export interface CreatedSession {
  session: InferenceSession;
  provider: ProviderName;
  modelFile: string;
  attempts: ProviderAttempt[];
  loadMs: number;
}

export function sessionOptions(provider: ProviderName, threads: number): InferenceSession.SessionOptions {
  const options: InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // The CPU arena keeps the largest buffers a run needed and reuses them; segments are capped (30 s)
    // so that is bounded. Without it every activation and logits buffer goes through malloc, whose
    // per-thread heaps fragment: a 3-hour file then ended 20-50% above a 10-minute file's peak, and
    // by up to 100 MB more or less from one run to the next; with it, 314 vs 270 MB, run after run
    // (tiny model, test/robustness/load.test.ts). Memory patterns stay off: they keep a plan per
    // input shape, and every segment length is a new shape.
    enableCpuMemArena: true,
    enableMemPattern: false,
  };
  // onnxruntime-node rejects an explicit undefined: leave the key out to let it choose.
  if (threads > 0) options.intraOpNumThreads = threads;
  // On the CPU, intra-op threads that spin between parallel sections take the core that the VAD,
  // ffmpeg and the editor need, and on a busy machine a spinning thread holds up its descheduled
  // partner. Blocking instead (2 cores, int8 SenseVoiceSmall-sized model): wall time -35-40% under
  // load, -15% with the machine nearly idle, CPU time -26% (npx tsx bench/experiments.ts
  // --variants base,spin).
  if (provider === 'cpu')
    options.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
  return options;
}

export async function createSession(options: CreateSessionOptions): Promise<CreatedSession> {
  const create = options.create ?? defaultCreate;
  const attempts: ProviderAttempt[] = [];
  const all = providerCandidates(options.provider, options.platform ?? process.platform);
  const candidates = options.fallbackToCpu === false && options.provider !== 'auto' ? all.slice(0, 1) : all;
  for (const provider of candidates) {
    const t0 = performance.now();
    const modelFile = options.modelFileFor(provider);
    try {
      const session = await create(modelFile, sessionOptions(provider, options.threads));
      const loadMs = performance.now() - t0;
      attempts.push({ provider, ok: true, ms: Math.round(loadMs) });
      return { session, provider, modelFile, attempts, loadMs };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const { reason, fix } = explainProviderError(provider, error);
      attempts.push({ provider, ok: false, ms: Math.round(performance.now() - t0), error, reason, fix });
      // A model that even the CPU cannot load is broken, not a provider problem.
      if (provider === 'cpu') {
        throw new SenseVoiceError(
          ErrorCode.ModelInvalid,
          `ONNX Runtime could not load ${modelFile}: ${error}. The file may be damaged or not a SenseVoice model; download it again.`,
          { attempts },
        );
      }
    }
  }
  throw new SenseVoiceError(
    ErrorCode.ProviderUnavailable,
    `No execution provider could load the model: ${attempts.map((a) => `${a.provider}: ${a.reason}`).join('; ')}`,
    { attempts },
  );
}

async function defaultCreate(file: string, options: InferenceSession.SessionOptions): Promise<InferenceSession> {
  // Loaded lazily: the daemon starts and answers without paying for the native runtime.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  return ort.InferenceSession.create(file, options);
}
