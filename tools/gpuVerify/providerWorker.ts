// The child process that runs the model on one execution provider for gpu:verify. A process per
// provider, because a broken GPU stack can crash the process that touches it, because onnxruntime
// writes where it placed the graph's nodes (and why a provider failed) to the process's stderr, not
// into an error, and because a fresh process is the only honest "first request" (a GPU context and
// its kernel caches live as long as the process). Loads the model as the daemon does
// (SenseVoiceModel.load: same session options, same file choice), but on this provider only.
import * as ort from 'onnxruntime-node';
import { SenseVoiceError } from '../../common/protocol';
import { ctcDecode } from '../../daemon/decoding/ctcDecode';
import type { FeatureMatrix } from '../../daemon/features/featureMatrix';
import { SenseVoiceModel } from '../../daemon/inference/senseVoiceModel';
import type { ProviderSetting } from '../../common/protocol';
import { decodeFile, type AudioDecoder } from './audio';
import { greedyIds } from './greedyIds';
import type {
  BatchReply,
  BatchRequest,
  EndToEndReply,
  EndToEndRequest,
  LoadedReply,
  LoadRequest,
  Phases,
  TokensReply,
  TokensRequest,
  WorkerReply,
  WorkerRequest,
} from './workerMessages';

// Verbose from the first session on: the "Node placements" lines say which nodes a GPU provider left
// to the CPU. Runs are not slowed by it (measured: 2.0-2.5 s per 30 s run either way, full model, CPU).
ort.env.logLevel = 'verbose';

let model: SenseVoiceModel | null = null;

function loaded(): SenseVoiceModel {
  if (!model) throw new Error('no model loaded');
  return model;
}

async function load(r: LoadRequest): Promise<LoadedReply> {
  await model?.dispose();
  model = null;
  const m = await SenseVoiceModel.load({
    dir: r.dir,
    provider: r.provider as ProviderSetting,
    threads: r.threads,
    fallbackToCpu: false,
    warmUp: r.warmUp,
  });
  model = m;
  return {
    type: 'loaded',
    provider: m.info.provider,
    loadMs: m.info.loadMs,
    warmupMs: m.info.warmupMs,
    modelFile: m.info.modelFile,
    quantization: m.info.quantization,
    attempts: m.info.attempts,
  };
}

/** Logits of one utterance, the daemon's way (language auto, ITN on, the daemon's defaults). */
async function infer(m: SenseVoiceModel, features: FeatureMatrix) {
  return m.run(features, m.languageId('auto'), m.textNormId(true));
}

async function tokens(r: TokensRequest): Promise<TokensReply> {
  const m = loaded();
  const clips: TokensReply['clips'] = [];
  for (const c of r.clips) {
    const samples = await decodeFile(r.decoder, c.file);
    const t0 = performance.now();
    const logits = await infer(m, m.frontEnd.compute({ samples }));
    const elapsed = performance.now() - t0;
    const g = greedyIds(logits.data, logits.frames, logits.vocab, m.folder.blankId);
    clips.push({ name: c.name, frames: logits.frames, ...g, ms: ms(elapsed) });
  }
  return { type: 'tokens', clips };
}

/** Milliseconds to 0.1 ms, as they are reported. */
function ms(x: number): number {
  return Math.round(x * 10) / 10;
}

function phases(t: [number, number, number, number, number]): Phases {
  const [t0, t1, t2, t3, t4] = t;
  return {
    totalMs: ms(t4 - t0),
    decodeMs: ms(t1 - t0),
    featuresMs: ms(t2 - t1),
    runMs: ms(t3 - t2),
    ctcMs: ms(t4 - t3),
  };
}

/** One end-to-end pass: file -> samples -> features -> session.run -> tokens and text. */
async function endToEnd(m: SenseVoiceModel, decoder: AudioDecoder, file: string): Promise<[Phases, number[]]> {
  const t0 = performance.now();
  const samples = await decodeFile(decoder, file);
  const t1 = performance.now();
  const features = m.frontEnd.compute({ samples });
  const t2 = performance.now();
  const logits = await infer(m, features);
  const t3 = performance.now();
  const d = ctcDecode(logits.data, {
    tokens: m.folder.tokens,
    vocab: logits.vocab,
    frames: logits.frames,
    blankId: m.folder.blankId,
  });
  const t4 = performance.now();
  return [phases([t0, t1, t2, t3, t4]), d.tokens.map((t) => t.id)];
}

async function e2e(r: EndToEndRequest): Promise<EndToEndReply> {
  const m = loaded();
  const runs: Phases[] = [];
  let ids: number[] = [];
  for (let i = 0; i < r.runs; i++) {
    const [phases, got] = await endToEnd(m, r.decoder, r.file);
    runs.push(phases);
    ids = got;
  }
  return { type: 'e2e', runs, ids };
}

async function batch(r: BatchRequest): Promise<BatchReply> {
  const m = loaded();
  const sequential: Phases = { totalMs: 0, decodeMs: 0, featuresMs: 0, runMs: 0, ctcMs: 0 };
  const singleIds: number[][] = [];
  for (const file of r.files) {
    const [p, ids] = await endToEnd(m, r.decoder, file);
    for (const k of Object.keys(sequential) as (keyof Phases)[]) sequential[k] = ms(sequential[k] + p[k]);
    singleIds.push(ids);
  }
  // At once, as the daemon serves concurrent files: decoded side by side, their segments in one batch.
  const t0 = performance.now();
  const samples = await Promise.all(r.files.map((f) => decodeFile(r.decoder, f)));
  const t1 = performance.now();
  const features = samples.map((s) => m.frontEnd.compute({ samples: s }));
  const t2 = performance.now();
  const logits = await m.runBatch(
    features.map((f) => ({ features: f, language: m.languageId('auto'), textNorm: m.textNormId(true) })),
  );
  const t3 = performance.now();
  const batchIds = logits.map((l) =>
    ctcDecode(l.data, {
      tokens: m.folder.tokens,
      vocab: l.vocab,
      frames: l.frames,
      blankId: m.folder.blankId,
    }).tokens.map((t) => t.id),
  );
  const t4 = performance.now();
  return {
    type: 'batch',
    sequential,
    atOnce: phases([t0, t1, t2, t3, t4]),
    singleIds,
    batchIds,
  };
}

async function handle(r: WorkerRequest) {
  switch (r.type) {
    case 'load':
      return load(r);
    case 'tokens':
      return tokens(r);
    case 'e2e':
      return e2e(r);
    case 'batch':
      return batch(r);
  }
}

process.on('message', (raw: WorkerRequest & { id: number }) => {
  const peak = () => process.resourceUsage().maxRSS * 1024;
  handle(raw).then(
    (reply) => process.send!({ ...reply, id: raw.id, peakRssBytes: peak() } satisfies WorkerReply),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const sv = err instanceof SenseVoiceError ? err : null;
      const attempts = (sv?.data as { attempts?: LoadedReply['attempts'] } | undefined)?.attempts;
      process.send!({
        type: 'failed',
        id: raw.id,
        peakRssBytes: peak(),
        message: e.message,
        ...(sv ? { code: sv.codeName } : {}),
        ...(attempts ? { attempts } : {}),
      } satisfies WorkerReply);
    },
  );
});
// The parent closed the channel (done, or gone): release the session and end.
process.on('disconnect', () => {
  void (model ? model.dispose() : Promise.resolve()).finally(() => process.exit(0));
});
