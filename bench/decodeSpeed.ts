// `npx tsx bench/decodeSpeed.ts [--minutes 20] [--reps 5]`: how long daemon/ffmpeg/decodeAudio takes on a
// long WAV and MP3 (made from the fixture clips), median of the runs, so a change to the decode path
// (e.g. the truncation check) shows whether it costs decode speed. Prints one line per file: wall
// time, and this process's own CPU time (what the daemon spends besides ffmpeg), which load from
// elsewhere on the machine disturbs far less than wall time.
import { parseArgs } from 'node:util';
import { decodeAudio } from '../daemon/ffmpeg/decodeAudio';
import { makeLongAudio } from '../test/helpers/longAudio';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { reps: { type: 'string', default: '5' }, minutes: { type: 'string', default: '20' } },
  });
  const reps = Number(values.reps);
  const minutes = Number(values.minutes);
  if (!(reps >= 1 && minutes >= 1)) throw new Error('--reps and --minutes take numbers >= 1');
  for (const ext of ['wav', 'mp3'] as const) {
    const { file } = makeLongAudio(minutes, ext);
    const runs: number[] = [];
    const cpu: number[] = [];
    let seconds = 0;
    let warnings = 0;
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const d = await decodeAudio({ ffmpegPath: 'ffmpeg', file, onSamples: () => undefined });
      runs.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      seconds = d.samples / 16_000;
      warnings = d.warnings.length;
    }
    runs.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const median = runs[Math.floor(runs.length / 2)];
    console.log(
      `${ext}: ${seconds.toFixed(1)} s of audio, median ${median.toFixed(0)} ms over ${reps} runs (min ${runs[0].toFixed(0)}, max ${runs[runs.length - 1].toFixed(0)}), ${(seconds / (median / 1000)).toFixed(0)}x real time; node CPU median ${cpu[Math.floor(cpu.length / 2)].toFixed(0)} ms; ${warnings} warning(s)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
