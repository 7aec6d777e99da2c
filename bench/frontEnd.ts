// The audio front end's speed (fbank -> LFR -> CMVN) on 60 s of speech, as a measured figure: the
// median of several runs after a warm-up, and how many times real time that is. (It used to be
// printed from inside the unit suite, where a figure nobody asserts does not belong.)
//
//   npx tsx bench/frontEnd.ts [--reps 7] [--seconds 60]
import fs from 'node:fs';
import path from 'node:path';
import { createFrontEnd } from '../daemon/features/frontEnd';
import type { Cmvn } from '../daemon/features/cmvn';
import { decodeAudio } from '../daemon/ffmpeg/decodeAudio';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main(): Promise<void> {
  const reps = arg('--reps', 7);
  const seconds = arg('--seconds', 60);
  // Real speech where the shared clips are, otherwise noise: the front end's cost does not depend on content.
  const clip = path.resolve(__dirname, '..', '..', 'shared', 'audio', 'sense_voice', 'en.wav');
  let source: Float32Array;
  if (fs.existsSync(clip)) {
    const chunks: Float32Array[] = [];
    await decodeAudio({ ffmpegPath: 'ffmpeg', file: clip, onSamples: (c) => void chunks.push(c) });
    source = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) (source.set(c, o), (o += c.length));
  } else {
    let seed = 1;
    source = Float32Array.from({ length: 16_000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.6);
  }
  const samples = new Float32Array(seconds * 16_000);
  for (let i = 0; i < samples.length; i++) samples[i] = source[i % source.length]!;
  const cmvn: Cmvn = { negMean: Float32Array.from({ length: 560 }, (_, d) => -d / 100), invStddev: Float32Array.from({ length: 560 }, (_, d) => 1 + d / 560) };
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
  console.log(`front end: ${seconds} s of audio in ${median.toFixed(1)} ms (median of ${reps}; min ${sorted[0]!.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)} ms), ${((seconds * 1000) / median).toFixed(0)}x real time`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
