// The inference worker: holds the SenseVoice session and does features, batched inference and
// greedy CTC off the daemon's main thread, which stays free to answer `$/cancel` and status.
import { parentPort } from 'node:worker_threads';
import v8 from 'node:v8';
import vm from 'node:vm';
import { SenseVoiceModel } from '../inference/senseVoiceModel';
import { ctcDecode, ctcDecodeIds } from '../decoding/ctcDecode';
import { RemoteSenseVoiceModel, type FrameOutput } from '../remote/remoteModel';
import { ErrorCode, SenseVoiceError, type TranscriptSegment } from '../../common/protocol';
import type { FromWorker, ToWorker, WorkItem, WorkResult } from './workerMessages';

const port = parentPort;
if (!port) throw new Error('inferenceWorker must run in a worker thread');
let model: SenseVoiceModel | RemoteSenseVoiceModel | null = null;

// A local session hands back token ids (inference/topTwoOutput.ts); logits reach this thread only
// from a model file that could not be extended or from an inference server without the argmax step.
// Where they do: a batch's logits are a native buffer of 2 MB per second of audio ([N, T+4, 25055]
// floats), and onnxruntime-node copies it once more into a JS buffer. V8 frees both only when it next collects,
// and lazily, so such buffers pile up and fragment the heap. Collecting after every batch returns
// that memory at once (tiny model, a 10-minute file, 3 runs each: peak RSS 342-380 MB collecting
// after 32 MB batches only, 243-306 MB after every batch; full int8 model, 4 minutes: no measurable
// change in wall time). Forcing large blocks into their own mappings (MALLOC_MMAP_THRESHOLD_) steadied
// the peak further but cost 15-25% of wall time in page faults, so it is not done. Also tried and
// dropped (2026-12-06, `npm run bench -- --quick --skip cli,shared,diarization,live`, quiet machine):
// a logits buffer kept from run to run that ONNX Runtime writes into (a preallocated output tensor
// in session.run's fetches) with no collection after batches: peak RSS on the 2-minute input 510
// MB against 471 MB (the kept buffer stays resident, the arena keeps its own), CPU time unchanged.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
const COLLECT_AFTER_BYTES = 1024 * 1024;

function post(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(m, transfer);
}

port.on('message', (m: ToWorker) => {
  handle(m).catch((err: unknown) => {
    const e =
      err instanceof SenseVoiceError
        ? err
        : new SenseVoiceError(ErrorCode.InferenceFailed, err instanceof Error ? err.message : String(err));
    post({ type: 'failed', id: m.id, code: e.code, message: e.message, data: e.data });
  });
});

async function handle(m: ToWorker): Promise<void> {
  if (m.type === 'load') {
    await model?.dispose();
    model = null;
    model = m.remote
      ? await RemoteSenseVoiceModel.load(m.dir, m.remote)
      : await SenseVoiceModel.load({ dir: m.dir, provider: m.provider, threads: m.threads, idsInRuntime: true });
    collect(); // the model-sized buffer the session was created from
    post({ type: 'loaded', id: m.id, info: model.info });
    return;
  }
  if (!model) throw new SenseVoiceError(ErrorCode.ModelNotLoaded, 'No model is loaded in the inference worker.');
  const t0 = performance.now();
  const prepared = m.items.map((it) => ({ it, features: model!.frontEnd.compute({ samples: it.samples }) }));
  const runnable = prepared.filter((p) => p.features.frames > 0);
  const t1 = performance.now();
  const inputs = runnable.map((p) => ({
    features: p.features,
    language: model!.languageId(p.it.language),
    textNorm: model!.textNormId(p.it.itn),
    banEmotionUnknown: p.it.banEmotionUnknown,
  }));
  const logits: FrameOutput[] =
    inputs.length === 0
      ? []
      : model instanceof RemoteSenseVoiceModel
        ? await model.runBatch(inputs)
        : await model.recognise(inputs);
  const results: WorkResult[] = prepared.map((p) => {
    const k = runnable.indexOf(p);
    return { segment: k < 0 ? null : toSegment(p.it, logits[k]) };
  });
  post({ type: 'ran', id: m.id, results, featuresMs: t1 - t0, inferenceMs: performance.now() - t1 });
  const logitBytes = logits.reduce((n, l) => n + (l.kind === 'logits' ? l.data.byteLength : 0), 0);
  logits.length = 0;
  if (logitBytes >= COLLECT_AFTER_BYTES) collect();
}

function toSegment(it: WorkItem, l: FrameOutput): TranscriptSegment {
  const options = {
    tokens: model!.folder.tokens,
    frames: l.frames,
    blankId: model!.folder.blankId,
    banEmotionUnknown: it.banEmotionUnknown,
    offsetSec: it.offsetSec,
  };
  // Ids come from the server's argmax or the session's TopK, which banned EMO_UNKNOWN when asked.
  const d = l.kind === 'ids' ? ctcDecodeIds(l.ids, options) : ctcDecode(l.data, { ...options, vocab: l.vocab });
  return {
    start: round3(it.offsetSec),
    end: round3(it.offsetSec + it.samples.length / 16_000),
    language: d.language ?? 'unknown',
    emotion: d.emotion ?? 'unknown',
    event: d.event ?? 'unknown',
    text: d.text,
    tokens: d.tokens.map((t) => ({ id: t.id, text: t.piece, start: t.start })),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
