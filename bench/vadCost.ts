// `npx tsx bench/vadCost.ts`: what the Silero VAD costs per window, and why it is called the way it
// is (daemon/vad/vadSession.ts). Prints (1) one model call on 1-32 windows at once through the public
// API, per window, and (2) the benchmark's 0.5, 2 and 4 minute recordings segmented by the daemon's
// VadSegmentStream with the model called through the public API and in place through the native
// binding: CPU time and whether the segments are the same. Needs `npm run build`.
//
// Measured (2 cores, AMD EPYC, machine otherwise idle): a call costs 0.12-0.14 ms on 1 window and
// 0.65-0.70 ms on 16 (0.04 ms a window); the 2 minutes took 511 ms of CPU through the public API and
// 389 ms in place (0.5 min: 151 vs 110, 4 min: 1012 vs 774), segments identical.
//
// Tried and dropped (issue 17): scoring a file's stretches side by side as the rows of batched calls,
// each stretch warmed on the second of audio before it. The LSTM remembers further back than any
// warm-up tried (1-4 s), so decisions near the threshold moved: with 8 s stretches, the 2 minutes
// took 302 ms but the speech found agreed with one stream's on 99.52%; under steady room noise
// (-45 dBFS) on 99.36% with one segment fewer; 33 s stretches reached 99.61% and saved only 11%.
// Below the 99.5% on noisy audio, for 135 ms per 2 minutes: not worth a changed transcript.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { SileroVad } from '../daemon/vad/sileroVad';
import { VadSegmentStream } from '../daemon/vad/vadSegmentStream';
import { makeLongAudio } from '../test/helpers/longAudio';
import { DIST } from '../test/helpers/paths';

const MODEL = path.join(DIST, 'silero_vad_v5.onnx');

function decode(file: string): Float32Array {
  const raw = execFileSync('ffmpeg', ['-v', 'quiet', '-i', file, '-f', 'f32le', '-ac', '1', '-ar', '16000', '-'], {
    maxBuffer: 1 << 30,
  });
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function callCost(): Promise<void> {
  const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const sr = new ort.Tensor('int64', BigInt64Array.of(16000n), []);
  console.log('one call on B windows (public API, 1 thread):');
  for (const rows of [1, 2, 4, 8, 16, 32]) {
    const input = new ort.Tensor(
      'float32',
      new Float32Array(rows * 576).map(() => Math.random() * 0.1 - 0.05),
      [rows, 576],
    );
    let state = new ort.Tensor('float32', new Float32Array(256 * rows), [2, rows, 128]);
    const n = Math.max(100, Math.round(3000 / rows));
    const step = async () => (state = (await session.run({ input, state, sr })).stateN as typeof state);
    for (let i = 0; i < 20; i++) await step();
    const c0 = cpuMs();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await step();
    const wall = (performance.now() - t0) / n;
    const cpu = (cpuMs() - c0) / n / rows;
    console.log(
      `  B=${String(rows).padStart(2)}: ${wall.toFixed(3)} ms a call, ${(cpu * 1000).toFixed(0)} µs CPU a window`,
    );
  }
  await session.release();
}

async function segments(vad: SileroVad, samples: Float32Array): Promise<string> {
  const spans: string[] = [];
  const stream = new VadSegmentStream(vad, {}, (s) => void spans.push(`${s.start}-${s.end}`));
  for (let i = 0; i < samples.length; i += 16_000) await stream.push(samples.subarray(i, i + 16_000));
  await stream.end();
  return spans.join(',');
}

async function main(): Promise<void> {
  await callCost();
  const vads = { public: await SileroVad.load(MODEL, 'public'), native: await SileroVad.load(MODEL, 'native') };
  console.log('\nsegmenting (public API vs in place): CPU ms, segments the same?');
  for (const minutes of [0.5, 2, 4]) {
    const samples = decode(makeLongAudio(minutes).file);
    const found: Record<string, string> = {};
    const ms: Record<string, number> = {};
    for (const kind of ['public', 'native', 'public', 'native'] as const) {
      const c0 = cpuMs();
      found[kind] = await segments(vads[kind], samples);
      ms[kind] = Math.min(ms[kind] ?? Infinity, cpuMs() - c0);
    }
    console.log(
      `  ${minutes} min: ${ms.public.toFixed(0)} vs ${ms.native.toFixed(0)} ms (best of 2); ${found.public === found.native ? 'same segments' : 'SEGMENTS DIFFER'}`,
    );
  }
  await vads.public.dispose();
  await vads.native.dispose();
}

void main();
