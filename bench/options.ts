// Command line of `npm run bench`: the full benchmark by default (1, 10 and 60 minutes), --quick for
// a few-minute check (0.5, 2 and 4 minutes, fewer runs).
import os from 'node:os';
import { parseArgs } from 'node:util';

export type Role = 'small' | 'medium' | 'large';
export const ROLES: readonly Role[] = ['small', 'medium', 'large'];

export interface BenchOptions {
  quick: boolean;
  /** Minutes of audio per role: small (RSS baseline), medium (the headline comparison), large (RSS growth). */
  minutes: Record<Role, number>;
  /** Runs per system per role; each figure is their median. */
  runs: Record<Role, number>;
  /** Fresh starts timed per system (cold start). */
  coldRuns: number;
  /** Files of `throughputMinutes` each, sent 1, 2 and 4 at once. */
  throughputMinutes: number;
  throughputRuns: number;
  threads: number;
  /** Our systems' batch size (daemon default when unset). */
  batchSize: number | undefined;
  precision: 'int8' | 'fp32';
  seed: number;
  /** Systems to skip (cli, daemon, sherpa, model) and the phases shared (shared daemon), diarization and live. */
  skip: Set<string>;
  out: string;
  verbose: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [options]

Benchmarks this project (cli and daemon) against sherpa-onnx-node and the bare ONNX session on a
full-size synthetic SenseVoiceSmall (random weights, real shapes; generated once into .cache/).

  --quick               0.5, 2 and 4 minute inputs, 3 runs (1 for the longest): under 5 minutes
  --minutes A,B,C       input lengths (default 1,10,60; quick 0.5,2,4)
  --runs A,B,C          runs per system for each input (default 3,3,1; quick the same)
  --cold-runs N         fresh starts timed per system (default 3; quick 2)
  --throughput-minutes M  length of each file sent 1, 2 and 4 at once (default 1; quick 0.5)
  --threads N           intra-op threads for every system (default: ${os.availableParallelism()} = CPU count)
  --batch N             our daemon's and cli's batch size (default: the daemon's own default, 4)
  --throughput-runs N   repetitions of the 1/2/4-files-at-once measurement (default 3; quick 2)
  --precision P         int8 (default; what CPUs run) or fp32
  --seed N              weights of the synthetic model (default 4)
  --skip LIST           systems to leave out: cli, daemon, sherpa, model; shared (the shared-daemon phase),
                        diarization (ours vs sherpa-onnx-node on 10 min; 3 h peak RSS in the full run),
                        live (latency of a 5 s utterance's text; RSS over 60 min played at 15x, quick 10 min)
  --out FILE            results file (default bench/results.json)
  --verbose             show the daemon's and helpers' logs
  --table [FILE]        print the table of an earlier run (default bench/results.json) and exit`;

function list(v: string, flag: string, count: number, integer: boolean): number[] {
  const xs = v.split(',').map(Number);
  if (xs.length !== count || xs.some((x) => !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)))) {
    throw new BenchUsageError(
      `${flag} takes ${count} comma-separated positive ${integer ? 'whole ' : ''}numbers (got "${v}")`,
    );
  }
  return xs;
}

/** A bad command line: run.ts prints the message and USAGE, and exits with code 2. */
export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

/** What `npm run bench -- ...` asks for: the usage text, an earlier run's table, or a run. */
export type BenchCommand = { kind: 'help' } | { kind: 'table'; file: string } | { kind: 'run'; options: BenchOptions };

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  table: { type: 'boolean' },
  quick: { type: 'boolean' },
  verbose: { type: 'boolean' },
  minutes: { type: 'string' },
  runs: { type: 'string' },
  'cold-runs': { type: 'string' },
  'throughput-minutes': { type: 'string' },
  threads: { type: 'string' },
  batch: { type: 'string' },
  'throughput-runs': { type: 'string' },
  seed: { type: 'string' },
  precision: { type: 'string' },
  skip: { type: 'string' },
  out: { type: 'string' },
} as const;

export function parseCommand(argv: readonly string[], root: string): BenchCommand {
  let parsed;
  try {
    // --table takes an optional FILE, which node:util cannot express: it arrives as the one positional.
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    if (String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_'))
      throw new BenchUsageError((err as Error).message);
    throw err;
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: 'help' };
  if (positionals.length > (v.table ? 1 : 0))
    throw new BenchUsageError(`unexpected argument "${positionals[v.table ? 1 : 0]}"`);
  if (v.table) return { kind: 'table', file: positionals[0] ?? `${root}/bench/results.json` };

  const quick = v.quick ?? false;
  const o: BenchOptions = {
    quick,
    minutes: quick ? { small: 0.5, medium: 2, large: 4 } : { small: 1, medium: 10, large: 60 },
    runs: quick ? { small: 3, medium: 3, large: 1 } : { small: 3, medium: 3, large: 1 },
    coldRuns: quick ? 2 : 3,
    throughputMinutes: quick ? 0.5 : 1,
    throughputRuns: quick ? 2 : 3,
    threads: os.availableParallelism(),
    batchSize: undefined,
    precision: 'int8',
    seed: 4,
    skip: new Set(),
    out: v.out ?? `${root}/bench/results.json`,
    verbose: v.verbose ?? false,
  };
  if (v.minutes !== undefined) {
    const [s, m, l] = list(v.minutes, '--minutes', 3, false);
    o.minutes = { small: s, medium: m, large: l };
  }
  if (v.runs !== undefined) {
    const [s, m, l] = list(v.runs, '--runs', 3, true);
    o.runs = { small: s, medium: m, large: l };
  }
  const one = (flag: keyof typeof OPTIONS, integer: boolean, apply: (n: number) => void) => {
    const text = v[flag];
    if (typeof text === 'string') apply(list(text, `--${flag}`, 1, integer)[0]);
  };
  one('cold-runs', true, (n) => (o.coldRuns = n));
  one('throughput-minutes', false, (n) => (o.throughputMinutes = n));
  one('threads', true, (n) => (o.threads = n));
  one('batch', true, (n) => (o.batchSize = n));
  one('throughput-runs', true, (n) => (o.throughputRuns = n));
  one('seed', true, (n) => (o.seed = n));
  if (v.precision !== undefined) {
    if (v.precision !== 'int8' && v.precision !== 'fp32')
      throw new BenchUsageError(`--precision is int8 or fp32 (got "${v.precision}")`);
    o.precision = v.precision;
  }
  for (const s of v.skip?.split(',') ?? []) {
    if (!['cli', 'daemon', 'sherpa', 'model', 'shared', 'diarization', 'live'].includes(s))
      throw new BenchUsageError(`--skip: unknown system "${s}"`);
    o.skip.add(s);
  }
  return { kind: 'run', options: o };
}
