// The floor: the ONNX session alone, loaded exactly as the daemon's worker loads it
// (SenseVoiceModel.load: same file choice, same session options, same warm-up), timing only
// session.run over the segments our daemon produced, one at a time, features made beforehand with
// daemon/features/frontEnd.ts. Also the profile of where else the daemon's time can go: ffmpeg
// decoding, the front end, greedy CTC, our Silero VAD alone, and batches formed as the daemon's
// scheduler forms them (with their padding) against the same segments one at a time. Forked with
// tsx by run.ts (childProcess.ts), over IPC.
import { spawn } from 'node:child_process';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { SenseVoiceModel } from '../daemon/inference/senseVoiceModel';
import { ctcDecode } from '../daemon/decoding/ctcDecode';
import type { FeatureMatrix } from '../daemon/features/featureMatrix';
import { SileroVad } from '../daemon/vad/sileroVad';
import { VadSegmentStream } from '../daemon/vad/vadSegmentStream';
import { simulateBatches } from './batchSimulation';

let model: SenseVoiceModel | null = null;

interface LoadMessage {
  type: 'load';
  id: number;
  dir: string;
  threads: number;
}

interface RunMessage {
  type: 'run';
  id: number;
  file: string;
  ffmpeg: string;
  spans: { start: number; end: number }[];
  /** Also time batches as the daemon's scheduler would form them (profile). */
  batchSize?: number;
  /** Also time our Silero VAD alone over the whole file (profile). */
  vadModel?: string;
  maxSegmentSec?: number;
}

async function decode(ffmpeg: string, file: string): Promise<Float32Array> {
  const ff = spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      `file:${file}`,
      '-map',
      '0:a:0',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-f',
      'f32le',
      '-acodec',
      'pcm_f32le',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: Buffer[] = [];
  let err = '';
  ff.stdout.on('data', (c: Buffer) => chunks.push(c));
  ff.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    ff.on('error', reject);
    ff.on('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${err.trim()}`);
  const all = Buffer.concat(chunks);
  return new Float32Array(all.buffer, all.byteOffset, Math.floor(all.length / 4)).slice();
}

function feeds(m: SenseVoiceModel, items: FeatureMatrix[]): Record<string, OrtTensor> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tensor } = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const n = items.length;
  const dim = m.frontEnd.dim;
  const maxFrames = Math.max(...items.map((f) => f.frames));
  const x = new Float32Array(n * maxFrames * dim);
  items.forEach((f, b) => x.set(f.data.subarray(0, f.frames * dim), b * maxFrames * dim));
  const names = m.folder.inputNames;
  return {
    [names.features]: new Tensor('float32', x, [n, maxFrames, dim]),
    [names.lengths]: new Tensor(
      'int32',
      Int32Array.from(items, (f) => f.frames),
      [n],
    ),
    [names.language]: new Tensor('int32', new Int32Array(n).fill(m.languageId('auto')), [n]),
    [names.textNorm]: new Tensor('int32', new Int32Array(n).fill(m.textNormId(true)), [n]),
  };
}

async function timedRun(
  m: SenseVoiceModel,
  f: Record<string, OrtTensor>,
): Promise<{ ms: number; cpuMs: number; out: InferenceSession.OnnxValueMapType }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await m.session.run(f, [m.folder.outputName]);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, out };
}

async function run(msg: RunMessage): Promise<Record<string, unknown>> {
  if (!model) throw new Error('no model loaded');
  const m = model;
  const t0 = performance.now();
  const samples = await decode(msg.ffmpeg, msg.file);
  const decodeMs = performance.now() - t0;

  // Features are made per segment just before its run (outside the timer), so the helper holds one
  // segment's features at a time, as the daemon's worker does.
  let featuresMs = 0;
  const featuresOf = (span: { start: number; end: number }): FeatureMatrix => {
    const t = performance.now();
    const f = m.frontEnd.compute({
      samples: samples.slice(Math.round(span.start * 16000), Math.min(samples.length, Math.round(span.end * 16000))),
    });
    featuresMs += performance.now() - t;
    return f;
  };

  // The floor: session.run on each segment alone (no padding), nothing else inside the timer.
  let sessionMs = 0;
  let sessionCpuMs = 0;
  let ctcMs = 0;
  let tokens = 0;
  let segments = 0;
  let totalFrames = 0;
  const frameCounts: number[] = [];
  const perSegment: { frames: number; ms: number }[] = [];
  for (const span of msg.spans) {
    const f = featuresOf(span);
    frameCounts.push(f.frames);
    if (f.frames === 0) continue;
    segments++;
    totalFrames += f.frames;
    const r = await timedRun(m, feeds(m, [f]));
    sessionMs += r.ms;
    sessionCpuMs += r.cpuMs;
    perSegment.push({ frames: f.frames, ms: r.ms });
    const logits = r.out[m.folder.outputName] as OrtTensor;
    const c0 = performance.now();
    const d = ctcDecode(logits.data as Float32Array, {
      tokens: m.folder.tokens,
      vocab: logits.dims[2],
      frames: logits.dims[1],
      blankId: m.folder.blankId,
    });
    ctcMs += performance.now() - c0;
    tokens += d.tokens.length;
  }

  const out: Record<string, unknown> = {
    type: 'ran',
    durationSec: samples.length / 16000,
    segments,
    frames: totalFrames,
    decodeMs,
    featuresMs,
    sessionMs,
    sessionCpuMs,
    ctcMs,
    tokens,
    perSegment,
  };

  if (msg.batchSize && msg.batchSize > 1) {
    const runnable = msg.spans.filter((_, i) => frameCounts[i] > 0);
    const batches = simulateBatches(
      frameCounts.filter((n) => n > 0),
      msg.batchSize,
    );
    let batchedMs = 0;
    let batchedCpuMs = 0;
    let paddedFrames = 0;
    // Each batch is timed next to its own segments run one at a time (alternating which goes first),
    // so load that comes and goes during the profile falls on both alike.
    let pairedSinglesMs = 0;
    for (const [k, b] of batches.entries()) {
      const items = b.map((i) => featuresOf(runnable[i]));
      paddedFrames += Math.max(...items.map((f) => f.frames)) * items.length;
      const batched = async () => {
        const r = await timedRun(m, feeds(m, items));
        batchedMs += r.ms;
        batchedCpuMs += r.cpuMs;
      };
      const singles = async () => {
        for (const f of items) pairedSinglesMs += (await timedRun(m, feeds(m, [f]))).ms;
      };
      if (k % 2 === 0) {
        await batched();
        await singles();
      } else {
        await singles();
        await batched();
      }
    }
    Object.assign(out, {
      batchedMs,
      batchedCpuMs,
      pairedSinglesMs,
      batches: batches.length,
      batchSizes: batches.map((b) => b.length),
      paddedFrames,
    });
  }

  if (msg.vadModel) {
    // Our VAD alone, as the daemon runs it (one 512-sample window per session.run), over the file.
    const vad = await SileroVad.load(msg.vadModel);
    let vadSegments = 0;
    const stream = new VadSegmentStream(vad, { maxSegmentSec: msg.maxSegmentSec ?? 30 }, () => {
      vadSegments++;
    });
    const v0 = performance.now();
    for (let i = 0; i < samples.length; i += 16000)
      await stream.push(samples.subarray(i, Math.min(samples.length, i + 16000)));
    await stream.end();
    Object.assign(out, { vadMs: performance.now() - v0, vadSegments, vadWindows: Math.ceil(samples.length / 512) });
    await vad.dispose();
  }
  return out;
}

process.on('message', (raw: LoadMessage | RunMessage) => {
  const work = async (): Promise<Record<string, unknown>> => {
    if (raw.type === 'load') {
      await model?.dispose();
      model = await SenseVoiceModel.load({ dir: raw.dir, provider: 'cpu', threads: raw.threads });
      return {
        type: 'loaded',
        loadMs: model.info.loadMs,
        warmupMs: model.info.warmupMs,
        modelFile: model.info.modelFile,
        quantization: model.info.quantization,
      };
    }
    return run(raw);
  };
  work().then(
    (r) => process.send!({ ...r, id: raw.id }),
    (e: unknown) =>
      process.send!({ type: 'failed', id: raw.id, message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
