// Command line of `npm run bench`: the full benchmark by default (1, 10 and 60 minutes), --quick for
// a few-minute check (0.5, 2 and 4 minutes, fewer runs).
import os from 'node:os';

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
  /** Systems to skip (cli, daemon, sherpa, model). */
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
  --skip LIST           systems to leave out: cli, daemon, sherpa, model
  --out FILE            results file (default bench/results.json)
  --verbose             show the daemon's and helpers' logs
  --table [FILE]        print the table of an earlier run (default bench/results.json) and exit`;

function list(v: string, flag: string, count: number, integer: boolean): number[] {
  const xs = v.split(',').map(Number);
  if (xs.length !== count || xs.some((x) => !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)))) {
    throw new Error(`${flag} takes ${count} comma-separated positive ${integer ? 'whole ' : ''}numbers (got "${v}")`);
  }
  return xs;
}

export function parseOptions(argv: readonly string[], root: string): BenchOptions {
  const quick = argv.includes('--quick');
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
    out: `${root}/bench/results.json`,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--quick':
        break;
      case '--verbose':
        o.verbose = true;
        break;
      case '--minutes': {
        const [s, m, l] = list(value(), a, 3, false);
        o.minutes = { small: s, medium: m, large: l };
        break;
      }
      case '--runs': {
        const [s, m, l] = list(value(), a, 3, true);
        o.runs = { small: s, medium: m, large: l };
        break;
      }
      case '--cold-runs':
        o.coldRuns = list(value(), a, 1, true)[0];
        break;
      case '--throughput-minutes':
        o.throughputMinutes = list(value(), a, 1, false)[0];
        break;
      case '--threads':
        o.threads = list(value(), a, 1, true)[0];
        break;
      case '--batch':
        o.batchSize = list(value(), a, 1, true)[0];
        break;
      case '--throughput-runs':
        o.throughputRuns = list(value(), a, 1, true)[0];
        break;
      case '--seed':
        o.seed = list(value(), a, 1, true)[0];
        break;
      case '--precision': {
        const p = value();
        if (p !== 'int8' && p !== 'fp32') throw new Error(`--precision is int8 or fp32 (got "${p}")`);
        o.precision = p;
        break;
      }
      case '--skip':
        for (const s of value().split(',')) {
          if (!['cli', 'daemon', 'sherpa', 'model'].includes(s)) throw new Error(`--skip: unknown system "${s}"`);
          o.skip.add(s);
        }
        break;
      case '--out':
        o.out = value();
        break;
      default:
        throw new Error(`unknown argument "${a}"`);
    }
  }
  return o;
}
