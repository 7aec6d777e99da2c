// The parent's handle on one providerWorker.ts child: requests over IPC with a time limit each, and
// the child's stderr read as onnxruntime's log: where it placed the graph's nodes (a GPU provider
// can quietly leave nodes to the CPU), its warnings and errors (the detail of a provider failure),
// and a software Vulkan adapter (llvmpipe, SwiftShader), which would be a "GPU" that is the CPU.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PLACED } from '../../daemon/diagnostics/sessionWorker';
import type { FailedReply, Replied, ReplyBody, WorkerReply, WorkerRequest } from './workerMessages';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
/** onnxruntime's log line: "<date> <time> [V:onnxruntime:..., file.cc:12 Function] text". */
const ORT_LINE = /^\S+ \S+ \[([VIWEF]):onnxruntime[^\]]*\]\s*(.*)$/;
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader/i;
const MAX_LOG_LINES = 60;

/** A request the child answered with a failure (as opposed to a crash or a timeout). */
export class WorkerFailure extends Error {
  constructor(readonly reply: FailedReply) {
    super(reply.message);
  }
}

/** The worker script beside this file: the bundle's .js, or the .ts source run through tsx. */
export function workerScript(): { file: string; execArgv: string[] } {
  const js = path.join(__dirname, 'providerWorker.js');
  if (fs.existsSync(js)) return { file: js, execArgv: [] };
  // Under tsx, this process's own flags load TypeScript; a child forked with them does too.
  const execArgv = process.execArgv.length > 0 ? process.execArgv : ['--import', 'tsx'];
  return { file: path.join(__dirname, 'providerWorker.ts'), execArgv };
}

export class WorkerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private exit: string | null = null;
  private rest = '';
  /** Nodes per execution provider, from the "Node placements" lines. */
  readonly placement: Record<string, number> = {};
  /** Warnings, errors and anything not from onnxruntime's logger, in order (capped). */
  readonly log: string[] = [];
  softwareAdapter: string | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === 'failed') p.reject(new WorkerFailure(m));
      else p.resolve(m);
    });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      const lines = (this.rest + s).split('\n');
      this.rest = lines.pop() ?? '';
      for (const l of lines) this.onLine(l);
    });
    child.on('exit', (code, signal) => {
      if (this.rest) this.onLine(this.rest);
      this.exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      for (const p of this.pending.values()) p.reject(new Error(`the process running the model ${this.exit}`));
      this.pending.clear();
    });
  }

  static async start(): Promise<WorkerProcess> {
    const { file, execArgv } = workerScript();
    const child = fork(file, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return new WorkerProcess(child);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** The log lines from index `from` on (what one request added). */
  logSince(from: number): string[] {
    return this.log.slice(from);
  }

  request<R extends Exclude<ReplyBody, FailedReply>>(message: WorkerRequest, timeoutMs: number): Promise<Replied<R>> {
    if (this.exit) return Promise.reject(new Error(`the process running the model ${this.exit}`));
    const id = this.nextId++;
    return new Promise<Replied<R>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.child.kill('SIGKILL');
        reject(
          new Error(`no answer to '${message.type}' within ${Math.round(timeoutMs / 1000)} s (the process was killed)`),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as unknown as Replied<R>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...message, id });
    });
  }

  /** Closes the channel (the child releases its session and exits); killed if it lingers. */
  async close(): Promise<void> {
    if (this.exit) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  private onLine(raw: string): void {
    const line = raw.replace(ANSI, '').trimEnd();
    if (!line.trim()) return;
    const placed = PLACED.exec(line);
    if (placed) this.placement[placed[1] as string] = Number(placed[2]);
    if (!this.softwareAdapter && SOFTWARE_ADAPTER.test(line)) this.softwareAdapter = line.trim().slice(0, 300);
    const ort = ORT_LINE.exec(line);
    if (ort && (ort[1] === 'V' || ort[1] === 'I')) return;
    if (this.log.length < MAX_LOG_LINES) this.log.push((ort ? `${ort[1]}: ${ort[2]}` : line.trim()).slice(0, 500));
  }
}
