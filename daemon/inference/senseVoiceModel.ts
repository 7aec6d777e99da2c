// A loaded SenseVoice model: the validated folder, the ONNX session on the provider that worked,
// the front end with the model's CMVN, and one warm-up run done at load.
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import {
  ErrorCode,
  SenseVoiceError,
  type LanguageSetting,
  type ModelInfo,
  type ProviderSetting,
} from '../../common/protocol';
import { inspectModelFolder, type ModelFolderInfo } from '../model/modelFolder';
import { createFrontEnd, type FrontEnd } from '../features/frontEnd';
import { SENSE_VOICE_FBANK_OPTIONS } from '../features/fbank';
import type { FeatureMatrix } from '../features/featureMatrix';
import { tagId } from '../decoding/richTags';
import { EMOTION_UNKNOWN } from '../../common/richTags';
import type { FrameOutput } from '../remote/remoteModel';
import { createSession } from './createSession';
import { isGpuProvider, type ProviderName } from './providers';
import { modelWithTopTwo, TOP_TWO } from './topTwoOutput';

export interface LoadModelOptions {
  dir: string;
  provider: ProviderSetting;
  threads: number;
  /** false: fail rather than fall back to the CPU when the provider named does not load (see createSession). */
  fallbackToCpu?: boolean;
  /** false: skip the warm-up run at load, so the first request's cost can be measured (gpu:verify). */
  warmUp?: boolean;
  platform?: NodeJS.Platform;
  /** Seam for tests that fake providers. */
  createSession?: Parameters<typeof createSession>[0]['create'];
  /**
   * On the CPU provider, take each frame's best token ids inside ONNX Runtime (topTwoOutput.ts), so
   * `recognise` fetches ids instead of logits. The inference worker asks for it; without it (on a
   * GPU, or where the file cannot be extended) the session is the file's own and `recognise` decodes
   * logits.
   */
  idsInRuntime?: boolean;
}

/** One utterance for `recognise`. */
export interface RecogniseItem {
  features: FeatureMatrix;
  language: number;
  textNorm: number;
  banEmotionUnknown: boolean;
}

export interface Logits {
  data: Float32Array;
  /** Rows: T + 4. */
  frames: number;
  vocab: number;
}

export class SenseVoiceModel {
  /** The session has the TopK output (topTwoOutput.ts): `recognise` fetches ids. */
  idsInRuntime = false;
  private bannedId = -1;

  private constructor(
    readonly folder: ModelFolderInfo,
    readonly session: InferenceSession,
    readonly frontEnd: FrontEnd,
    readonly info: ModelInfo,
  ) {}

  static async load(options: LoadModelOptions): Promise<SenseVoiceModel> {
    // Inspected once per quantisation: int8 for the CPU, fp32 for GPUs (no int8 kernels there).
    const cpuFolder = await inspectModelFolder(options.dir, { preferQuantized: true });
    const gpuFolder =
      cpuFolder.otherModelFiles.length > 0
        ? await inspectModelFolder(options.dir, { preferQuantized: false })
        : cpuFolder;
    const folderFor = (p: ProviderName) => (isGpuProvider(p) ? gpuFolder : cpuFolder);
    const folderOf = (file: string) => (file === gpuFolder.modelFile ? gpuFolder : cpuFolder);
    const withIds = new Set<string>();
    const created = await createSession({
      modelFileFor: (p) => folderFor(p).modelFile,
      provider: options.provider,
      threads: options.threads,
      fallbackToCpu: options.fallbackToCpu,
      platform: options.platform,
      create:
        options.createSession ??
        (options.idsInRuntime ? (file, o) => createWithIds(file, folderOf(file).outputName, o, withIds) : undefined),
    });
    const folder = folderFor(created.provider);
    checkSessionIo(folder, created.session);
    const frontEnd = createFrontEnd({
      cmvn: { negMean: folder.negMean, invStddev: folder.invStddev },
      fbank: { ...SENSE_VOICE_FBANK_OPTIONS, sampleScale: folder.normalizeSamples ? 1 : 32768 },
      lowFrameRate: { windowSize: folder.lfr.m, windowShift: folder.lfr.n },
    });
    const warnings: string[] = [];
    if (created.provider === 'cuda' && folder.quantization === 'int8') {
      warnings.push(
        'An int8 model is running on CUDA: its quantised nodes have no CUDA kernels and fall back to the CPU, which can be slower than the CPU alone. Put the fp32 model.onnx in the folder, or use the CPU provider.',
      );
    }
    // With `auto`, the CPU is an expected outcome (the reasons stay in `attempts` for the GPU check);
    // a GPU provider the user named explicitly that did not work deserves a warning.
    const failed = created.attempts.filter((a) => !a.ok);
    if (failed.length > 0 && created.provider === 'cpu' && options.provider !== 'cpu' && options.provider !== 'auto') {
      warnings.push(`Running on the CPU: ${failed.map((a) => `${a.provider}: ${a.reason}`).join(' ')}`);
    }
    const info: ModelInfo = {
      dir: folder.dir,
      layout: folder.layout,
      quantization: folder.quantization,
      modelFile: folder.modelFile,
      sizeBytes: folder.sizeBytes,
      vocabSize: folder.vocabSize,
      requestedProvider: options.provider,
      provider: created.provider,
      attempts: created.attempts,
      loadMs: Math.round(created.loadMs),
      warmupMs: 0,
      warnings,
    };
    const model = new SenseVoiceModel(folder, created.session, frontEnd, info);
    model.idsInRuntime = withIds.has(created.modelFile) && created.session.outputNames.includes(TOP_TWO.ids);
    model.bannedId = tagId(folder.tokens, EMOTION_UNKNOWN) ?? -1;
    if (options.warmUp !== false) info.warmupMs = Math.round(await model.warmUp());
    return model;
  }

  /** The model's query id for a language hint. */
  languageId(language: LanguageSetting): number {
    return this.folder.langIds[language];
  }

  textNormId(itn: boolean): number {
    return itn ? this.folder.withItnId : this.folder.withoutItnId;
  }

  /** One session run on the items, padded to the longest, fetching `output`. */
  private async infer(
    items: { features: FeatureMatrix; language: number; textNorm: number }[],
    output: string,
  ): Promise<{ out: InferenceSession.OnnxValueMapType; maxFrames: number }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Tensor } = require('onnxruntime-node') as typeof import('onnxruntime-node');
    const n = items.length;
    const dim = this.frontEnd.dim;
    const maxFrames = Math.max(...items.map((i) => i.features.frames));
    const x = n === 1 ? items[0].features.data.subarray(0, maxFrames * dim) : new Float32Array(n * maxFrames * dim);
    if (n > 1)
      items.forEach((it, b) => x.set(it.features.data.subarray(0, it.features.frames * dim), b * maxFrames * dim));
    const names = this.folder.inputNames;
    const feeds: Record<string, OrtTensor> = {
      [names.features]: new Tensor('float32', x, [n, maxFrames, dim]),
      [names.lengths]: new Tensor(
        'int32',
        Int32Array.from(items, (i) => i.features.frames),
        [n],
      ),
      [names.language]: new Tensor(
        'int32',
        Int32Array.from(items, (i) => i.language),
        [n],
      ),
      [names.textNorm]: new Tensor(
        'int32',
        Int32Array.from(items, (i) => i.textNorm),
        [n],
      ),
    };
    let out: InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds, [output]);
    } catch (err) {
      throw new SenseVoiceError(
        ErrorCode.InferenceFailed,
        `Inference failed on ${this.info.provider}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return { out, maxFrames };
  }

  /** Runs the model on one utterance's features. */
  async run(features: FeatureMatrix, language: number, textNorm: number): Promise<Logits> {
    return (await this.runBatch([{ features, language, textNorm }]))[0];
  }

  /**
   * Runs several utterances in one inference: features padded to the longest, with their true
   * lengths in the lengths input so the model masks the padding. Each result holds only that
   * utterance's own frames (its length + 4).
   */
  async runBatch(items: { features: FeatureMatrix; language: number; textNorm: number }[]): Promise<Logits[]> {
    const n = items.length;
    const { out, maxFrames } = await this.infer(items, this.folder.outputName);
    const logits = out[this.folder.outputName] as OrtTensor;
    const dims = logits.dims;
    if (dims.length !== 3 || dims[0] !== n || dims[2] !== this.folder.vocabSize || dims[1] < maxFrames) {
      throw new SenseVoiceError(
        ErrorCode.ModelInvalid,
        `${this.folder.modelFile} returned logits of shape [${dims.join(', ')}], expected [${n}, T+4, ${this.folder.vocabSize}].`,
      );
    }
    const data = logits.data as Float32Array;
    const rows = dims[1];
    const vocab = dims[2];
    return items.map((it, b) => {
      const frames = Math.min(it.features.frames + (rows - maxFrames), rows);
      return { data: data.subarray(b * rows * vocab, (b * rows + frames) * vocab), frames, vocab };
    });
  }

  /**
   * Runs several utterances and gives each one's per-frame token ids (the best, or the runner-up
   * where the best is EMO_UNKNOWN and the item bans it) when the session takes them itself, else
   * its logits for ctcDecode.
   */
  async recognise(items: RecogniseItem[]): Promise<FrameOutput[]> {
    if (!this.idsInRuntime) return (await this.runBatch(items)).map((l) => ({ kind: 'logits', ...l }));
    const { out, maxFrames } = await this.infer(items, TOP_TWO.ids);
    const top = out[TOP_TWO.ids] as OrtTensor;
    const dims = top.dims;
    if (dims.length !== 3 || dims[0] !== items.length || dims[1] < maxFrames || dims[2] !== 2) {
      throw new SenseVoiceError(
        ErrorCode.ModelInvalid,
        `${this.folder.modelFile} returned token ids of shape [${dims.join(', ')}], expected [${items.length}, T+4, 2].`,
      );
    }
    const data = top.data as BigInt64Array;
    const rows = dims[1];
    const banned = BigInt(this.bannedId);
    return items.map((it, b) => {
      const frames = Math.min(it.features.frames + (rows - maxFrames), rows);
      const ids = new Int32Array(frames);
      for (let t = 0, at = b * rows * 2; t < frames; t++, at += 2)
        ids[t] = Number(it.banEmotionUnknown && data[at] === banned ? data[at + 1] : data[at]);
      return { kind: 'ids', ids, frames };
    });
  }

  /** One inference on a second of low noise, so the first real request does not pay for setup. */
  private async warmUp(): Promise<number> {
    const samples = new Float32Array(16_000);
    let seed = 12345;
    for (let i = 0; i < samples.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      samples[i] = (seed / 2 ** 32 - 0.5) * 0.01;
    }
    const t0 = performance.now();
    const features = this.frontEnd.compute({ samples });
    await this.recognise([
      { features, language: this.languageId('auto'), textNorm: this.textNormId(false), banEmotionUnknown: false },
    ]);
    return performance.now() - t0;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * On the CPU, a session on `file` with the TopK output appended (topTwoOutput.ts), noting the file in
 * `withIds`; a file that cannot be extended, or whose extended graph the runtime will not take,
 * loads as it is. GPU providers load the file itself: on 'auto' every machine tries them first, and
 * reading a 900 MB fp32 file into memory before each try that fails would cost a CPU-only machine
 * seconds and memory at every load; on a GPU the CPU is not what limits the speed.
 */
async function createWithIds(
  file: string,
  logitsName: string,
  options: InferenceSession.SessionOptions,
  withIds: Set<string>,
): Promise<InferenceSession> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const cpuOnly = options.executionProviders?.every((p) => (typeof p === 'string' ? p : p.name) === 'cpu') ?? false;
  if (!cpuOnly) return ort.InferenceSession.create(file, options);
  let bytes: Uint8Array;
  try {
    bytes = modelWithTopTwo(file, logitsName);
  } catch {
    return ort.InferenceSession.create(file, options);
  }
  try {
    const session = await ort.InferenceSession.create(bytes, options);
    withIds.add(file);
    return session;
  } catch {
    return ort.InferenceSession.create(file, options);
  }
}

function checkSessionIo(folder: ModelFolderInfo, session: InferenceSession): void {
  const want = Object.values(folder.inputNames);
  const missing = want.filter((n) => !session.inputNames.includes(n));
  if (missing.length > 0 || !session.outputNames.includes(folder.outputName)) {
    throw new SenseVoiceError(
      ErrorCode.ModelInvalid,
      `${folder.modelFile} has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]; a ${folder.layout}-layout SenseVoice model needs inputs [${want.join(', ')}] and output ${folder.outputName}.`,
      { file: folder.modelFile },
    );
  }
}
