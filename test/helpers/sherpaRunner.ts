// Runs sherpa-onnx-node (the reference peer) on a batch of jobs in a child process: a model with a
// missing metadata key makes sherpa end the whole process, which must not take the test runner along.
import { spawnSync } from 'node:child_process';
import { ROOT } from './paths';

export interface SherpaJob {
  model: string;
  tokens: string;
  wav: string;
  /** '' for auto, else zh, en, yue, ja, ko. */
  language: string;
  itn: boolean;
}

export interface SherpaResult {
  lang: string;
  emotion: string;
  event: string;
  text: string;
  tokens: string[];
  timestamps: number[];
}

const CHILD = `
const sherpa = require('sherpa-onnx-node');
const jobs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const recognizers = new Map();
const out = [];
for (const j of jobs) {
  const key = JSON.stringify([j.model, j.language, j.itn]);
  let r = recognizers.get(key);
  if (!r) {
    r = new sherpa.OfflineRecognizer({
      featConfig: { sampleRate: 16000, featureDim: 80 },
      modelConfig: { senseVoice: { model: j.model, language: j.language, useInverseTextNormalization: j.itn ? 1 : 0 }, tokens: j.tokens, numThreads: 1, provider: 'cpu', debug: 0 },
    });
    recognizers.set(key, r);
  }
  const wave = sherpa.readWave(j.wav);
  const s = r.createStream();
  s.acceptWaveform({ sampleRate: wave.sampleRate, samples: wave.samples });
  r.decode(s);
  const res = r.getResult(s);
  out.push({ lang: res.lang, emotion: res.emotion, event: res.event, text: res.text, tokens: res.tokens, timestamps: res.timestamps });
}
process.stdout.write(JSON.stringify(out));
`;

export function runSherpa(jobs: SherpaJob[]): SherpaResult[] {
  const r = spawnSync(process.execPath, ['-e', CHILD], {
    cwd: ROOT,
    input: JSON.stringify(jobs),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  if (r.status !== 0)
    throw new Error(`sherpa-onnx-node exited with ${r.status} (${r.signal ?? ''}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as SherpaResult[];
}
