// One side of the diarization benchmark (bench/diarization.ts) in a process of its own, so that its
// peak RSS (getrusage maxRSS) is its own: ours (daemon/diarization) or sherpa-onnx-node's
// OfflineSpeakerDiarization, same models and threads, on a WAV file (decoded before timing: both
// start from samples) or on N seconds of that file looped (the long-file memory check, where ours
// reads the samples as a stream and never holds them all). Prints one JSON line.
//
//   npx tsx bench/diarizationWorker.ts '{"system":"ours","wav":...,"segmentation":...,"embedding":...}'
import { decodeWhole } from '../daemon/ffmpeg/decodeWhole';
import { loadEmbeddingModel, loadSegmentationModel } from '../daemon/diarization/diarizationModels';
import { diarize, type DiarizationResult } from '../daemon/diarization/diarize';

export interface WorkerJob {
  system: 'ours' | 'sherpa';
  wav: string;
  segmentation: string;
  embedding: string;
  threads: number;
  /** Timed runs after one untimed warm-up run (0: no warm-up, one timed run). */
  runs: number;
  numClusters: number;
  threshold: number;
  /** When set: the input is the file looped to this many seconds. */
  loopToSec?: number;
}

export interface WorkerReply {
  system: string;
  wallMs: number[];
  cpuMs: number[];
  maxRssBytes: number;
  samples: number;
  turns: number;
  speakers: number;
  windows?: number;
  embeddings?: number;
  clustering?: string;
}

const decode = (file: string): Promise<Float32Array> => decodeWhole(file);

/** The clip looped to `total` samples, 1 s at a time (a stream: nothing but the clip is held). */
async function* looped(clip: Float32Array, total: number): AsyncGenerator<Float32Array> {
  const step = 16_000;
  for (let at = 0; at < total; at += step) {
    const n = Math.min(step, total - at);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = clip[(at + i) % clip.length]!;
    yield out;
  }
}

function cpuMsNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function runOurs(job: WorkerJob): Promise<WorkerReply> {
  const segmentation = await loadSegmentationModel(job.segmentation, job.threads);
  const embedding = await loadEmbeddingModel(job.embedding, job.threads);
  const clip = await decode(job.wav);
  const total = job.loopToSec !== undefined ? Math.round(job.loopToSec * 16_000) : clip.length;
  const options = { numClusters: job.numClusters, threshold: job.threshold, minDurationOn: 0.3, minDurationOff: 0.5 };
  const once = () =>
    diarize(job.loopToSec !== undefined ? looped(clip, total) : clip, segmentation, embedding, options);
  if (job.runs > 0) await once();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  let last: DiarizationResult | null = null;
  for (let r = 0; r < Math.max(1, job.runs); r++) {
    const c0 = cpuMsNow();
    const t0 = performance.now();
    last = await once();
    wallMs.push(performance.now() - t0);
    cpuMs.push(cpuMsNow() - c0);
  }
  return {
    system: 'ours',
    wallMs,
    cpuMs,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    samples: total,
    turns: last!.turns.length,
    speakers: last!.numSpeakers,
    windows: last!.windows,
    embeddings: last!.embeddings,
    clustering: last!.clustering,
  };
}

interface SherpaTurn {
  start: number;
  end: number;
  speaker: number;
}

function runSherpa(job: WorkerJob): WorkerReply {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sherpa = require('sherpa-onnx-node') as {
    OfflineSpeakerDiarization: new (c: unknown) => { process(s: Float32Array): SherpaTurn[] };
    readWave(f: string): { samples: Float32Array };
  };
  const sd = new sherpa.OfflineSpeakerDiarization({
    segmentation: { pyannote: { model: job.segmentation }, numThreads: job.threads, debug: 0 },
    embedding: { model: job.embedding, numThreads: job.threads, debug: 0 },
    clustering: { numClusters: job.numClusters, threshold: job.threshold },
    minDurationOn: 0.3,
    minDurationOff: 0.5,
  });
  let samples = sherpa.readWave(job.wav).samples;
  if (job.loopToSec !== undefined) {
    const clip = samples;
    samples = new Float32Array(Math.round(job.loopToSec * 16_000));
    for (let i = 0; i < samples.length; i++) samples[i] = clip[i % clip.length]!;
  }
  if (job.runs > 0) sd.process(samples);
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  let turns: SherpaTurn[] = [];
  for (let r = 0; r < Math.max(1, job.runs); r++) {
    const c0 = cpuMsNow();
    const t0 = performance.now();
    turns = sd.process(samples);
    wallMs.push(performance.now() - t0);
    cpuMs.push(cpuMsNow() - c0);
  }
  return {
    system: 'sherpa',
    wallMs,
    cpuMs,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    samples: samples.length,
    turns: turns.length,
    speakers: new Set(turns.map((t) => t.speaker)).size,
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as WorkerJob;
  const reply = job.system === 'ours' ? await runOurs(job) : runSherpa(job);
  process.stdout.write(`\n${JSON.stringify(reply)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
