// Runs sherpa-onnx-node's OfflineSpeakerDiarization (the reference peer) on a batch of jobs in a
// child process: a model it rejects ends that process, which must not take the test runner along.
import { spawnSync } from 'node:child_process';
import { ROOT } from './paths';

export interface SherpaDiarizationJob {
  segmentation: string;
  embedding: string;
  wav: string;
  numClusters: number;
  threshold: number;
  minDurationOn: number;
  minDurationOff: number;
}

export interface Turn {
  start: number;
  end: number;
  speaker: number;
}

export interface SherpaDiarizationResult {
  turns: Turn[];
  ms: number;
}

const CHILD = `
const sherpa = require('sherpa-onnx-node');
const jobs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = [];
for (const j of jobs) {
  const sd = new sherpa.OfflineSpeakerDiarization({
    segmentation: { pyannote: { model: j.segmentation }, numThreads: 1, debug: 0 },
    embedding: { model: j.embedding, numThreads: 1, debug: 0 },
    clustering: { numClusters: j.numClusters, threshold: j.threshold },
    minDurationOn: j.minDurationOn,
    minDurationOff: j.minDurationOff,
  });
  const wave = sherpa.readWave(j.wav);
  const t0 = process.hrtime.bigint();
  const turns = sd.process(wave.samples);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  out.push({ turns: turns.map((t) => ({ start: t.start, end: t.end, speaker: t.speaker })), ms });
}
process.stdout.write(JSON.stringify(out));
`;

export function runSherpaDiarization(jobs: SherpaDiarizationJob[]): SherpaDiarizationResult[] {
  const r = spawnSync(process.execPath, ['-e', CHILD], {
    cwd: ROOT,
    input: JSON.stringify(jobs),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
  if (r.status !== 0)
    throw new Error(`sherpa-onnx-node exited with ${r.status} (${r.signal ?? ''}): ${r.stderr.slice(-2000)}`);
  // The addon may print to stdout before the JSON; the JSON is the last line.
  const text = r.stdout.slice(r.stdout.lastIndexOf('[{"turns"') >= 0 ? r.stdout.lastIndexOf('[{"turns"') : 0);
  return JSON.parse(text) as SherpaDiarizationResult[];
}
