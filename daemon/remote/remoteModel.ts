// A SenseVoice model that runs on an inference server: the front end (fbank, LFR, CMVN), the query
// ids and the tokens stay local, from the local model folder; only feature batches cross the network,
// and per-frame token ids (or logits) come back, so decoding is unchanged. Connecting checks the
// server's readiness, its model's contract (tensors: serverContract.ts; the tag ids its config states:
// serverTags.ts), and runs one warm-up inference.
import { ErrorCode, SenseVoiceError, type LanguageSetting, type ModelInfo } from '../../common/protocol';
import { inspectModelFolder, type ModelFolderInfo } from '../model/modelFolder';
import { createFrontEnd, type FrontEnd } from '../features/frontEnd';
import { SENSE_VOICE_FBANK_OPTIONS } from '../features/fbank';
import type { FeatureMatrix } from '../features/featureMatrix';
import { OipClient, type OipClientOptions } from './oipClient';
import type { OipTensor } from './oipCodec';
import { checkServerContract, DEFAULT_SERVER_MODEL_NAME, type ServerContract } from './serverContract';
import { checkServerTags } from './serverTags';

export interface RemoteOptions extends OipClientOptions {
  /** The model's name on the server; DEFAULT_SERVER_MODEL_NAME when unset. */
  modelName?: string;
  /** false: JSON tensors instead of the binary tensor extension (for servers without it). */
  binary?: boolean;
}

/** One utterance's model output: per-frame ids (argmax done on the server) or its logit rows. */
export type FrameOutput =
  | { kind: 'ids'; ids: Int32Array; frames: number }
  | { kind: 'logits'; data: Float32Array; frames: number; vocab: number };

export interface RemoteItem {
  features: FeatureMatrix;
  language: number;
  textNorm: number;
  banEmotionUnknown: boolean;
}

/** Utterances per request at most; the exported config's max_batch_size leaves room to merge two. */
export const MAX_REQUEST_BATCH = 8;

/**
 * Frames padded up to a bucket so requests from many clients share a few shapes, which is what lets
 * Triton's dynamic batcher merge them (it batches equal shapes only): 16-frame (0.96 s) steps up to
 * 128 frames, 64-frame (3.84 s) steps above. The model masks padding by x_length.
 */
export function bucketFrames(frames: number): number {
  return frames <= 128 ? Math.ceil(frames / 16) * 16 : Math.ceil(frames / 64) * 64;
}

export class RemoteSenseVoiceModel {
  private requests = 0;

  private constructor(
    readonly folder: ModelFolderInfo,
    readonly frontEnd: FrontEnd,
    readonly info: ModelInfo,
    private readonly client: OipClient,
    private readonly modelName: string,
    private readonly contract: ServerContract,
    private readonly binary: boolean,
  ) {}

  static async load(dir: string, options: RemoteOptions): Promise<RemoteSenseVoiceModel> {
    const t0 = performance.now();
    // The fp32 file's contract: the one export-server-model puts on the server.
    const folder = await inspectModelFolder(dir, { preferQuantized: false });
    const frontEnd = createFrontEnd({
      cmvn: { negMean: folder.negMean, invStddev: folder.invStddev },
      fbank: { ...SENSE_VOICE_FBANK_OPTIONS, sampleScale: folder.normalizeSamples ? 1 : 32768 },
      lowFrameRate: { windowSize: folder.lfr.m, windowShift: folder.lfr.n },
    });
    const client = new OipClient(options);
    const modelName = options.modelName || DEFAULT_SERVER_MODEL_NAME;
    const roundTripMs = await client.ready();
    const server = await client.serverMetadata().catch(() => ({}) as { name?: string; version?: string });
    const meta = await client.modelMetadata(modelName);
    const contract = checkServerContract(meta, folder, frontEnd.dim, client.endpoint);
    const tags = checkServerTags(folder, await client.modelConfig(modelName), modelName, client.endpoint);
    const info: ModelInfo = {
      dir: folder.dir,
      layout: folder.layout,
      quantization: folder.quantization,
      modelFile: folder.modelFile,
      sizeBytes: folder.sizeBytes,
      vocabSize: folder.vocabSize,
      requestedProvider: 'auto',
      provider: 'remote',
      attempts: [],
      loadMs: 0,
      warmupMs: 0,
      warnings: tags.warnings,
      remote: {
        endpoint: client.endpoint,
        modelName,
        ...(server.name ? { server: [server.name, server.version].filter(Boolean).join(' ') } : {}),
        output: contract.output.kind,
        roundTripMs: Math.round(roundTripMs),
        warmupMs: 0,
        maxInFlight: client.maxInFlight,
        tagIds: tags.checked ? 'checked' : 'unchecked',
      },
    };
    const model = new RemoteSenseVoiceModel(
      folder,
      frontEnd,
      info,
      client,
      modelName,
      contract,
      options.binary ?? true,
    );
    info.loadMs = Math.round(performance.now() - t0);
    const w0 = performance.now();
    await model.runBatch([
      {
        features: frontEnd.compute({ samples: new Float32Array(16_000) }),
        language: 0,
        textNorm: folder.withoutItnId,
        banEmotionUnknown: false,
      },
    ]);
    info.warmupMs = info.remote!.warmupMs = Math.round(performance.now() - w0);
    return model;
  }

  languageId(language: LanguageSetting): number {
    return this.folder.langIds[language];
  }

  textNormId(itn: boolean): number {
    return itn ? this.folder.withItnId : this.folder.withoutItnId;
  }

  /** Runs the items in requests of at most MAX_REQUEST_BATCH, all sent at once (the client limits them). */
  async runBatch(items: RemoteItem[]): Promise<FrameOutput[]> {
    const chunks: RemoteItem[][] = [];
    for (let i = 0; i < items.length; i += MAX_REQUEST_BATCH) chunks.push(items.slice(i, i + MAX_REQUEST_BATCH));
    return (await Promise.all(chunks.map((c) => this.runRequest(c)))).flat();
  }

  private async runRequest(items: RemoteItem[]): Promise<FrameOutput[]> {
    const n = items.length;
    const dim = this.frontEnd.dim;
    const padded = bucketFrames(Math.max(...items.map((i) => i.features.frames)));
    const x = new Float32Array(n * padded * dim);
    items.forEach((it, b) => x.set(it.features.data.subarray(0, it.features.frames * dim), b * padded * dim));
    const names = this.contract.inputs;
    const scalar = this.contract.scalarShape === 'N1' ? [n, 1] : [n];
    const inputs: OipTensor[] = [
      { name: names.features, datatype: 'FP32', shape: [n, padded, dim], data: x },
      { name: names.lengths, datatype: 'INT32', shape: scalar, data: Int32Array.from(items, (i) => i.features.frames) },
      { name: names.language, datatype: 'INT32', shape: scalar, data: Int32Array.from(items, (i) => i.language) },
      { name: names.textNorm, datatype: 'INT32', shape: scalar, data: Int32Array.from(items, (i) => i.textNorm) },
    ];
    const out = this.contract.output;
    const wanted =
      out.kind === 'logits'
        ? [out.logits]
        : [...new Set(items.map((i) => (i.banEmotionUnknown ? this.bannedIdsOutput(out) : out.ids)))];
    const id = `sensevoice-${++this.requests}`;
    const tensors = await this.client.infer(this.modelName, { id, inputs, outputs: wanted, binary: this.binary });
    const get = (name: string, rank: number): OipTensor => {
      const t = tensors.find((o) => o.name === name);
      if (!t) throw this.badOutput(`it did not return ${name}`);
      if (t.shape.length !== rank || t.shape[0] !== n || t.shape[1]! < padded) {
        throw this.badOutput(`${name} has shape [${t.shape.join(', ')}] for a batch of ${n} x ${padded} frames`);
      }
      return t;
    };
    if (out.kind === 'logits') {
      const t = get(out.logits, 3);
      const [, rows, vocab] = t.shape as [number, number, number];
      if (vocab !== this.folder.vocabSize)
        throw this.badOutput(`${out.logits} is ${vocab} wide, not ${this.folder.vocabSize}`);
      const data = t.data as Float32Array;
      return items.map((it, b) => {
        const frames = it.features.frames + (rows - padded);
        return { kind: 'logits', data: data.subarray(b * rows * vocab, (b * rows + frames) * vocab), frames, vocab };
      });
    }
    return items.map((it, b) => {
      const t = get(it.banEmotionUnknown ? this.bannedIdsOutput(out) : out.ids, 2);
      const rows = t.shape[1]!;
      const frames = it.features.frames + (rows - padded);
      const ids = Int32Array.from(t.data.subarray(b * rows, b * rows + frames) as ArrayLike<number | bigint>, Number);
      for (const id of ids) {
        if (id < 0 || id >= this.folder.vocabSize) throw this.badOutput(`token id ${id} is outside the vocabulary`);
      }
      return { kind: 'ids', ids, frames };
    });
  }

  private bannedIdsOutput(out: Extract<ServerContract['output'], { kind: 'tokenIds' }>): string {
    if (out.idsNoEmotionUnknown) return out.idsNoEmotionUnknown;
    throw new SenseVoiceError(
      ErrorCode.InferenceServerMismatch,
      `Model "${this.modelName}" on ${this.info.remote!.endpoint} has no token_ids_no_emo_unknown output, which "ban emotion unknown" needs. Serve a repository written by this version's export-server-model, or turn the setting off.`,
    );
  }

  private badOutput(why: string): SenseVoiceError {
    return new SenseVoiceError(
      ErrorCode.InferenceServerError,
      `Inference server ${this.info.remote!.endpoint}: model "${this.modelName}" answered an unusable result: ${why}.`,
    );
  }

  async dispose(): Promise<void> {
    // Nothing is held open: fetch's connections close when idle.
  }
}
