// The audio front end's speed (fbank -> LFR -> CMVN) on 60 s of speech, as a measured figure: the
// median of several runs after a warm-up, and how many times real time that is. (It used to be
// printed from inside the unit suite, where a figure nobody asserts does not belong.)
//
//   npx tsx bench/frontEnd.ts [--reps 7] [--seconds 60]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createFrontEnd } from '../daemon/features/frontEnd';
import type { Cmvn } from '../daemon/features/cmvn';
import { decodeAudio } from '../daemon/ffmpeg/decodeAudio';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '7' }, seconds: { type: 'string', default: '60' } },
  });
  const reps = Number(values.reps);
  const seconds = Number(values.seconds);
  if (!(reps >= 1 && seconds >= 1)) throw new Error('--reps and --seconds take numbers >= 1');
  // Real speech, repeated to the length asked for (the front end's cost does not depend on content).
  const clip = path.resolve(__dirname, '..', 'test', 'fixtures', 'audio', 'sense_voice', 'en.wav');
  const chunks: Float32Array[] = [];
  await decodeAudio({ ffmpegPath: 'ffmpeg', file: clip, onSamples: (c) => void chunks.push(c) });
  const source = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    source.set(c, o);
    o += c.length;
  }
  const samples = new Float32Array(seconds * 16_000);
  for (let i = 0; i < samples.length; i++) samples[i] = source[i % source.length]!;
  const cmvn: Cmvn = {
    negMean: Float32Array.from({ length: 560 }, (_, d) => -d / 100),
    invStddev: Float32Array.from({ length: 560 }, (_, d) => 1 + d / 560),
  };
  const fe = createFrontEnd({ cmvn });
  fe.compute({ samples: samples.subarray(0, 16_000) }); // warm up the JIT
  const runs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fe.compute({ samples });
    runs.push(performance.now() - t0);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `front end: ${seconds} s of audio in ${median.toFixed(1)} ms (median of ${reps}; min ${sorted[0]!.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)} ms), ${((seconds * 1000) / median).toFixed(0)}x real time`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
