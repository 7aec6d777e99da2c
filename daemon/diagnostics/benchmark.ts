// Times inference on a clip for each working provider: session creation, the first run of a fresh
// session (what the daemon's warm-up at load absorbs) and the median of the later runs, with the
// real-time factor. On the user's model when one is set, else on a synthetic model of
// SenseVoiceSmall's shape; the audio is a synthetic speech-like clip either way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchmarkResult, BenchmarkRun } from '../../common/protocol';
import type { ModelFolderInfo } from '../model/modelFolder';
import { createFrontEnd } from '../features/frontEnd';
import { SENSE_VOICE_FBANK_OPTIONS } from '../features/fbank';
import { sessionOptions } from '../inference/createSession';
import {
  explainProviderError,
  isGpuProvider,
  type ProviderEnvironment,
  type ProviderName,
} from '../inference/providers';
import { writeParts } from '../../common/onnx/graphBuilder';
import {
  buildSyntheticModel,
  inferenceFlops,
  REAL_MODEL_BLOCKS,
  SYNTHETIC_INPUTS,
  SYNTHETIC_SHAPE,
  type SyntheticShape,
} from './syntheticModel';
import { syntheticSpeech } from './syntheticSpeech';
import type { Feed, RunSessionJob } from './sessionWorker';

export type BenchmarkModel =
  { kind: 'model'; cpu: ModelFolderInfo; gpu: ModelFolderInfo } | { kind: 'synthetic'; shape?: SyntheticShape };

export interface BenchmarkOptions {
  providers: readonly ProviderName[];
  model: BenchmarkModel;
  threads: number;
  runJob: RunSessionJob;
  env: ProviderEnvironment;
  clipSec?: number;
  /** Runs after the first one; their median is the warm time. */
  warmRuns?: number;
  signal?: AbortSignal;
  onProvider?: (provider: ProviderName, index: number) => void;
  timeoutMs?: number;
}

export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const clipSec = options.clipSec ?? 10;
  const samples = syntheticSpeech(clipSec);
  const m = options.model;
  const folder = m.kind === 'model' ? m.cpu : null;
  const dim = SENSE_VOICE_FBANK_OPTIONS.numMelBins * (folder?.lfr.m ?? 7);
  const frontEnd = createFrontEnd({
    cmvn: folder
      ? { negMean: folder.negMean, invStddev: folder.invStddev }
      : { negMean: new Float32Array(dim), invStddev: new Float32Array(dim).fill(1) },
    fbank: { ...SENSE_VOICE_FBANK_OPTIONS, sampleScale: folder?.normalizeSamples ? 1 : 32768 },
    lowFrameRate: { windowSize: folder?.lfr.m ?? 7, windowShift: folder?.lfr.n ?? 6 },
  });
  const t0 = performance.now();
  const features = frontEnd.compute({ samples });
  const featuresMs = Math.round(performance.now() - t0);
  const frames = features.frames;
  const names = folder ? { ...folder.inputNames, logits: folder.outputName } : SYNTHETIC_INPUTS;
  const feeds: Feed[] = [
    {
      name: names.features,
      type: 'float32',
      dims: [1, frames, features.dim],
      data: features.data.subarray(0, frames * features.dim),
    },
    { name: names.lengths, type: 'int32', dims: [1], data: Int32Array.of(frames) },
    { name: names.language, type: 'int32', dims: [1], data: Int32Array.of(folder?.langIds.auto ?? 0) },
    { name: names.textNorm, type: 'int32', dims: [1], data: Int32Array.of(folder?.withoutItnId ?? 15) },
  ];

  let syntheticFile: string | null = null;
  let description: string;
  const shape = m.kind === 'synthetic' ? (m.shape ?? SYNTHETIC_SHAPE) : null;
  if (shape) {
    const real: SyntheticShape = { ...SYNTHETIC_SHAPE, blocks: REAL_MODEL_BLOCKS };
    const share = inferenceFlops(shape, frames) / inferenceFlops(real, frames);
    description =
      `No model is set, so a synthetic model was timed: random weights in SenseVoiceSmall's shape (width ${shape.dModel}, ` +
      `FFN ${shape.ffn}, ${shape.vocab}-token CTC head) with ${shape.blocks} of its ${REAL_MODEL_BLOCKS} encoder blocks, about ` +
      `${Math.max(1, Math.round(share * 100))}% of its compute on this clip. Compare providers with each other; set a model to time the real one.`;
    syntheticFile = writeSyntheticModel(shape);
  } else {
    description = `The model in ${(m as { cpu: ModelFolderInfo }).cpu.dir}, on ${clipSec} s of synthetic speech.`;
  }

  const runs: BenchmarkRun[] = [];
  try {
    for (const [i, provider] of options.providers.entries()) {
      options.onProvider?.(provider, i);
      const chosen = m.kind === 'model' ? (isGpuProvider(provider) ? m.gpu : m.cpu) : null;
      const modelFile = chosen ? chosen.modelFile : (syntheticFile as string);
      const quantization = chosen ? chosen.quantization : 'fp32';
      const r = await options.runJob(
        {
          provider,
          model: { path: modelFile },
          options: { ...sessionOptions(provider, options.threads), logSeverityLevel: 0 },
          feeds,
          runs: 1 + (options.warmRuns ?? 3),
          timeoutMs: options.timeoutMs ?? 300_000,
        },
        options.signal,
      );
      const run: BenchmarkRun = {
        provider,
        ok: false,
        modelFile: chosen ? modelFile : 'synthetic',
        quantization,
        ...(r.placement ? { placement: r.placement } : {}),
      };
      const dims = r.outputs?.[names.logits]?.dims;
      const vocab = chosen ? chosen.vocabSize : (shape as SyntheticShape).vocab;
      if (!r.ok) {
        const error = r.error ?? 'unknown error';
        runs.push({
          ...run,
          error,
          reason: r.crashed
            ? 'The process running the model crashed.'
            : explainProviderError(provider, [error, ...r.log].join('\n'), options.env).reason,
        });
      } else if (!dims || dims.length !== 3 || dims[0] !== 1 || dims[1] !== frames + 4 || dims[2] !== vocab) {
        runs.push({
          ...run,
          error: `logits of shape [${dims?.join(', ') ?? '?'}], expected [1, ${frames + 4}, ${vocab}]`,
          reason: 'The model does not give SenseVoice-shaped output on this provider.',
        });
      } else {
        const warm = r.runMs.length > 1 ? median(r.runMs.slice(1)) : (r.runMs[0] ?? 0);
        runs.push({
          ...run,
          ok: true,
          sessionMs: round1(r.createMs ?? 0),
          coldMs: round1(r.runMs[0] ?? 0),
          warmMs: round1(warm),
          rtf: Math.round((warm / 1000 / clipSec) * 10_000) / 10_000,
        });
      }
    }
  } finally {
    if (syntheticFile) fs.rmSync(syntheticFile, { force: true });
  }
  return { clipSec, model: m.kind, description, featuresMs, frames, runs };
}

/** Written to a temporary file one tensor at a time, so its weights are never all in memory at once. */
function writeSyntheticModel(shape: SyntheticShape): string {
  const file = path.join(os.tmpdir(), `sensevoice-gpu-check-${process.pid}-${Date.now()}.onnx`);
  try {
    writeParts(file, buildSyntheticModel(shape));
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw err;
  }
  return file;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
