// Runs ONNX Runtime session jobs in a child process (see sessionWorkerScript.ts for why) and turns
// what happened into data: the session's times, its outputs' shapes, the library's error, what it
// logged meanwhile, where it placed the graph's nodes, and whether the process crashed or hung. A
// crash or timeout costs only that job: the next one starts a fresh child.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { JOB_MARKER, SESSION_WORKER_SCRIPT } from './sessionWorkerScript';

export type FeedType = 'float32' | 'int32' | 'int64';

export interface Feed {
  name: string;
  type: FeedType;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

export interface SessionJob {
  /** The execution provider, as onnxruntime-node names it ('cpu', 'cuda', 'webgpu', …). */
  provider: string;
  /** A model file, or the model's bytes. */
  model: { path: string } | { bytes: Uint8Array };
  /** onnxruntime-node SessionOptions (plain JSON). */
  options: Record<string, unknown>;
  feeds: Feed[];
  /** How many times to run the session (0: only create it). */
  runs: number;
  timeoutMs: number;
}

export interface SessionJobResult {
  ok: boolean;
  createMs?: number;
  /** When the job failed: how long it ran until it did, ms. */
  failedAfterMs?: number;
  runMs: number[];
  /** Each output's shape, and its values when small. */
  outputs?: Record<string, { dims: number[]; values?: number[] }>;
  /** onnxruntime's error, verbatim. */
  error?: string;
  /** onnxruntime's errors and warnings (and other native output) while the job ran. */
  log: string[];
  /** Nodes per execution provider, from onnxruntime's verbose "Node placements" lines. */
  placement?: Record<string, number>;
  /** How the child ended when it died during this job. */
  crashed?: { code: number | null; signal: string | null };
  timedOut?: boolean;
}

/** Runs one job; the seam tests use to fake providers. */
export type RunSessionJob = (job: SessionJob, signal?: AbortSignal) => Promise<SessionJobResult>;

interface Pending {
  id: number;
  resolve: (r: SessionJobResult) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
  log: string[];
  placement: Record<string, number>;
  /** The result line, held until the job's log has been read to its end marker. */
  result?: SessionJobResult;
  logEnded: boolean;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
/** onnxruntime's verbose "Node placements" line: the provider and how many nodes it was given. */
export const PLACED = /placed on \[(\w+)\]\. Number of nodes: (\d+)/;
/** Keeps a job's log readable: onnxruntime's verbose and info lines are dropped (placements are parsed). */
const NOISE = /^\S+ \S+ \[[VI]:onnxruntime/;
/** onnxruntime's timestamp at the start of its log lines. */
const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ /;
const MAX_LOG_LINES = 40;

export class SessionWorker {
  private child: ChildProcessWithoutNullStreams | null = null;
  private pending: Pending | null = null;
  private nextId = 1;
  private stdoutRest = '';
  private stderrRest = '';
  /** Job id the child's stderr is currently about (from the markers it writes). */
  private stderrJob = 0;

  constructor(
    private readonly options: {
      /** require() path of onnxruntime-node for the child. */
      ortPath: string;
      /** The node (or Electron run as node) binary; this process's by default. */
      execPath?: string;
      log?: (message: string) => void;
    },
  ) {}

  /** Runs one job in the child (started now if none is running). Jobs run one at a time. */
  run(job: SessionJob, signal?: AbortSignal): Promise<SessionJobResult> {
    if (this.pending) return Promise.reject(new Error('SessionWorker runs one job at a time'));
    if (signal?.aborted) return Promise.reject(cancelled());
    const child = this.child ?? this.spawn();
    const id = this.nextId++;
    return new Promise<SessionJobResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.finish({
          ok: false,
          runMs: [],
          timedOut: true,
          error: `no answer within ${(job.timeoutMs / 1000).toFixed(job.timeoutMs < 10_000 ? 1 : 0)} s`,
          log: [],
        });
        this.kill();
      }, job.timeoutMs);
      const onAbort = () => {
        this.kill();
        this.fail(cancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending = {
        id,
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
        timer,
        log: [],
        placement: {},
        logEnded: false,
      };
      const wire = {
        id,
        model:
          'path' in job.model ? { path: job.model.path } : { base64: Buffer.from(job.model.bytes).toString('base64') },
        options: job.options,
        feeds: job.feeds.map((f) => ({
          name: f.name,
          type: f.type,
          dims: f.dims,
          base64: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('base64'),
        })),
        runs: job.runs,
      };
      child.stdin.write(JSON.stringify(wire) + '\n');
    });
  }

  /** Ends the child: it exits when its stdin closes; one that does not is killed a moment later. */
  close(): void {
    const c = this.child;
    this.child = null;
    if (!c) return;
    c.stdin.end();
    setTimeout(() => {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }, 2000).unref();
  }

  private spawn(): ChildProcessWithoutNullStreams {
    const child = spawn(this.options.execPath ?? process.execPath, ['-e', SESSION_WORKER_SCRIPT], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SENSEVOICE_ORT_PATH: this.options.ortPath, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    this.child = child;
    this.stdoutRest = '';
    this.stderrRest = '';
    this.stderrJob = 0;
    child.stdin.on('error', () => undefined); // EPIPE when it died: reported through 'exit'
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      const lines = (this.stdoutRest + s).split('\n');
      this.stdoutRest = lines.pop() ?? '';
      for (const line of lines) this.onResultLine(line);
    });
    child.stderr.on('data', (s: string) => {
      const lines = (this.stderrRest + s).split('\n');
      this.stderrRest = lines.pop() ?? '';
      for (const line of lines) this.onLogLine(line);
    });
    child.on('error', (err) => {
      if (this.child === child) this.child = null;
      this.fail(
        new SenseVoiceError(ErrorCode.InternalError, `Could not start the GPU check's worker process: ${err.message}`),
      );
    });
    child.on('close', (code, signal) => {
      if (this.stderrRest) this.onLogLine(this.stderrRest);
      this.stderrRest = '';
      if (this.child === child) this.child = null;
      const p = this.pending;
      if (!p) return;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.finish({
        ok: false,
        runMs: [],
        crashed: { code, signal },
        error: `the process running onnxruntime ${how}`,
        log: [],
      });
    });
    return child;
  }

  private onResultLine(line: string): void {
    if (!line.trim()) return;
    let r: {
      id?: number;
      ok?: boolean;
      createMs?: number;
      failedAfterMs?: number;
      runMs?: number[];
      outputs?: SessionJobResult['outputs'];
      error?: string;
    };
    try {
      r = JSON.parse(line);
    } catch {
      this.options.log?.(`gpu check worker: ${line}`);
      return;
    }
    const p = this.pending;
    if (!p || r.id !== p.id) return;
    p.result = {
      ok: r.ok === true,
      createMs: r.createMs,
      failedAfterMs: r.failedAfterMs,
      runMs: r.runMs ?? [],
      outputs: r.outputs,
      error: r.error?.trimEnd(),
      log: [],
    };
    if (p.logEnded) this.finish(p.result);
  }

  private onLogLine(raw: string): void {
    const line = raw.replace(ANSI, '').trimEnd();
    if (line.startsWith(JOB_MARKER)) {
      const [what, id] = line.slice(JOB_MARKER.length).split(' ');
      const p = this.pending;
      if (what === 'start') this.stderrJob = Number(id);
      else if (p && Number(id) === p.id) {
        this.stderrJob = 0;
        p.logEnded = true;
        if (p.result) this.finish(p.result);
      }
      return;
    }
    const record = this.pending?.id === this.stderrJob ? this.pending : null;
    if (!record || !line.trim()) return;
    const placed = PLACED.exec(line);
    if (placed) {
      record.placement[placed[1] as string] = Number(placed[2]);
      return;
    }
    if (NOISE.test(line)) return;
    if (record.log.length < MAX_LOG_LINES) record.log.push(line.replace(TIMESTAMP, '').trim());
  }

  private finish(result: SessionJobResult): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    const placement = Object.keys(p.placement).length > 0 ? p.placement : undefined;
    p.resolve({ ...result, log: p.log, ...(placement ? { placement } : {}) });
  }

  private fail(err: unknown): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.reject(err);
  }

  private kill(): void {
    const c = this.child;
    this.child = null;
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

function cancelled(): SenseVoiceError {
  return new SenseVoiceError(ErrorCode.Cancelled, 'The GPU check was cancelled.');
}

/** Where the child finds onnxruntime-node, or null when it is not installed. */
export function resolveOnnxRuntime(): string | null {
  try {
    return require.resolve('onnxruntime-node');
  } catch {
    return null;
  }
}
