// Where the daemon's time goes, by experiment: several daemons that differ in one thing each (a
// setting, or a session option patched into a copy of dist/), run in turn on fresh copies of the same
// input, each repetition going round all of them so load from elsewhere falls on all alike.
//
//   npx tsx bench/experiments.ts [--minutes 2] [--reps 5] [--threads N] [--variants base,batch1,spin,no-arena]
//                                [--at-once N]
//
// With --at-once N, each run is N copies of the input sent together (concurrency N), and the same N
// files one after another are timed too (the throughput target).
// Variants: base (as built), batch1 (batchSize 1), batch8, spin (ONNX Runtime's default spinning
// intra-op threads, as before createSession.ts set allow_spinning 0), spin-batch1, no-arena (CPU memory
// arena off), threads1 (one intra-op thread). Prints wall and CPU time, the daemon's own timings and
// peak RSS, min and median.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { makeTestModel, REPO_ROOT } from '../tools/makeTestModel/makeTestModel';
import { longAudio, uniqueCopy } from './audio';
import { BenchDaemon, type OurSettings } from './ourSystems';
import { median } from './report';

const ARENA_LINE = 'enableCpuMemArena: true,';
/** How dist/ spells createSession.ts's line that stops the CPU threads spinning. */
const NO_SPIN_LINE =
  'if (provider === "cpu") options.extra = { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } };';

interface Variant {
  /** Text replaced in the bundled daemon and worker (a session option). */
  patch?: [string, string];
  settings?: Partial<OurSettings>;
}

const VARIANTS: Record<string, Variant> = {
  base: {},
  batch1: { settings: { batchSize: 1 } },
  batch8: { settings: { batchSize: 8 } },
  spin: { patch: [NO_SPIN_LINE, ''] },
  'spin-batch1': { patch: [NO_SPIN_LINE, ''], settings: { batchSize: 1 } },
  'no-arena': { patch: [ARENA_LINE, 'enableCpuMemArena: false,'] },
  threads1: { settings: { threads: 1 } },
};

const USAGE = `usage: npx tsx bench/experiments.ts [--minutes 2] [--reps 5] [--threads N] [--variants LIST] [--at-once N]
  variants (comma-separated): ${Object.keys(VARIANTS).join(', ')} (default base,batch1,spin,no-arena)`;

/** A copy of dist/ with `patch` applied, inside the project so node_modules resolves from it. */
function patchedDist(name: string, patch: [string, string] | undefined): string {
  const dist = path.join(REPO_ROOT, 'dist');
  if (!patch) return dist;
  const out = path.join(REPO_ROOT, '.cache', 'bench', `dist-${name}`);
  fs.mkdirSync(out, { recursive: true });
  for (const f of ['daemon.js', 'inferenceWorker.js', 'silero_vad_v5.onnx'])
    fs.copyFileSync(path.join(dist, f), path.join(out, f));
  for (const f of ['daemon.js', 'inferenceWorker.js']) {
    const text = fs.readFileSync(path.join(out, f), 'utf8');
    if (!text.includes(patch[0]))
      throw new Error(`${f}: "${patch[0]}" not found; the session options changed, update bench/experiments.ts`);
    fs.writeFileSync(path.join(out, f), text.split(patch[0]).join(patch[1]));
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      minutes: { type: 'string', default: '2' },
      reps: { type: 'string', default: '5' },
      threads: { type: 'string', default: String(os.availableParallelism()) },
      variants: { type: 'string', default: 'base,batch1,spin,no-arena' },
      'at-once': { type: 'string', default: '1' },
    },
  });
  const number = (flag: keyof typeof values): number => {
    const n = Number(values[flag]);
    if (!(n > 0)) throw new Error(`--${flag} takes a positive number (got "${values[flag]}")`);
    return n;
  };
  const minutes = number('minutes');
  const reps = number('reps');
  const threads = number('threads');
  const names = values.variants.split(',');
  const atOnce = number('at-once');
  for (const n of names)
    if (!VARIANTS[n]) throw new Error(`unknown variant ${n}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const model = makeTestModel({ layout: 'sherpa', profile: 'full', int8: true });
  // Only the int8 file: the daemon would pick it anyway, and this keeps the folder like the bench's.
  const modelDir = path.join(REPO_ROOT, '.cache', 'bench', 'models', 'experiments-int8');
  fs.mkdirSync(modelDir, { recursive: true });
  for (const f of ['model.int8.onnx', 'tokens.txt'])
    if (!fs.existsSync(path.join(modelDir, f))) fs.linkSync(path.join(model.dir, f), path.join(modelDir, f));
  const input = longAudio(minutes);
  const scratch = path.join(REPO_ROOT, '.cache', 'bench', `experiments-${process.pid}`);
  fs.mkdirSync(scratch, { recursive: true });
  const daemons = new Map<string, BenchDaemon>();
  for (const n of names) {
    const v = VARIANTS[n];
    daemons.set(
      n,
      await BenchDaemon.launch(
        { root: REPO_ROOT, dist: patchedDist(n, v.patch), scratch },
        { threads, modelDir, ...v.settings, ...(atOnce > 1 ? { concurrency: atOnce } : {}) },
        () => undefined,
      ),
    );
  }
  const rows = new Map<
    string,
    { wall: number; cpu: number; inference: number; decodePhase: number; first: number; rss: number; load: number }[]
  >();
  const sequential = new Map<string, number[]>();
  for (let r = 0; r < reps; r++) {
    for (const n of names) {
      const d = daemons.get(n)!;
      const copies = Array.from({ length: atOnce }, (_, i) => uniqueCopy(input.file, scratch, `${n}-${r}-${i}`));
      const load = os.loadavg()[0];
      const many = await d.transcribeMany(copies);
      for (const c of copies) fs.rmSync(c, { force: true });
      const x = many.runs[0];
      const row = {
        wall: many.wallMs,
        cpu: many.cpuMs ?? NaN,
        inference: x.timings?.inferenceMs ?? NaN,
        decodePhase: x.timings?.decodeMs ?? NaN,
        first: Math.min(...many.runs.map((y) => y.firstSegmentMs ?? Infinity)),
        rss: many.peakRssBytes,
        load,
      };
      rows.set(n, [...(rows.get(n) ?? []), row]);
      let seq = '';
      if (atOnce > 1) {
        let total = 0;
        for (let i = 0; i < atOnce; i++) {
          const c = uniqueCopy(input.file, scratch, `${n}-${r}-seq-${i}`);
          total += (await d.transcribe(c)).wallMs;
          fs.rmSync(c, { force: true });
        }
        sequential.set(n, [...(sequential.get(n) ?? []), total]);
        seq = `; one after another ${(total / 1000).toFixed(2)} s`;
      }
      process.stderr.write(
        `${n} #${r + 1}: ${(row.wall / 1000).toFixed(2)} s wall, ${(row.cpu / 1000).toFixed(2)} s CPU${seq} (load ${load.toFixed(1)})\n`,
      );
    }
  }
  for (const d of daemons.values()) await d.dispose();
  fs.rmSync(scratch, { recursive: true, force: true });
  const f = (ms: number | null) => (ms === null ? '—' : (ms / 1000).toFixed(2));
  console.log(
    `\n${atOnce} × ${input.durationSec.toFixed(0)} s of audio${atOnce > 1 ? ' at once' : ''}, ${threads} threads, ${reps} reps; seconds as min / median`,
  );
  console.log('variant         wall            CPU             inference       decode+VAD      first seg   peak RSS');
  for (const n of names) {
    const xs = rows.get(n)!;
    const mm = (k: keyof (typeof xs)[number]) =>
      `${f(Math.min(...xs.map((x) => x[k])))} / ${f(median(xs.map((x) => x[k])))}`.padEnd(16);
    const seq = sequential.get(n);
    const seqText = seq ? `   one after another ${f(Math.min(...seq))} / ${f(median(seq))}` : '';
    console.log(
      `${n.padEnd(16)}${mm('wall')}${mm('cpu')}${mm('inference')}${mm('decodePhase')}${f(median(xs.map((x) => x.first))).padEnd(12)}${Math.round((median(xs.map((x) => x.rss)) ?? 0) / 1e6)} MB${seqText}`,
    );
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) {
    // A bad command line: node:util names the argument ("Unknown option '--frob'").
    process.stderr.write(`experiments: ${(err as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`experiments: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
