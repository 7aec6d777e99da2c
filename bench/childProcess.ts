// A long-lived helper process spoken to over IPC (sherpa-onnx-node's pipeline, the bare ONNX
// session): one request at a time, each answered by a message with the same id, its memory read
// from /proc like the daemon's.
import { fork, type ChildProcess } from 'node:child_process';
import { PeakSampler, readCpuMs, readMemory, resetPeak } from './procStats';

export interface ChildReply {
  type: string;
  id: number;
  [key: string]: unknown;
}

export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: ChildReply) => void; reject: (e: Error) => void }>();
  private exited: string | null = null;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (m: ChildReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === 'failed') p.reject(new Error(String(m.message)));
      else p.resolve(m);
    });
    child.on('exit', (code, signal) => {
      this.exited = `exited with ${signal ?? code}`;
      for (const p of this.pending.values()) p.reject(new Error(`helper process ${this.exited}`));
      this.pending.clear();
    });
  }

  /** Forks `script` (execArgv e.g. ['--import', 'tsx'] for TypeScript); returns once it is running. */
  static async start(
    script: string,
    execArgv: string[],
    log: (line: string) => void,
  ): Promise<{ child: BenchChild; spawnMs: number }> {
    const t0 = performance.now();
    const cp = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let tail = '';
    cp.stderr!.setEncoding('utf8').on('data', (s: string) => {
      tail = (tail + s).slice(-4000);
      for (const line of s.split('\n')) if (line.trim()) log(line);
    });
    await new Promise<void>((resolve, reject) => {
      cp.once('spawn', resolve);
      cp.once('error', reject);
    });
    return { child: new BenchChild(cp), spawnMs: performance.now() - t0 };
  }

  get pid(): number {
    return this.child.pid!;
  }

  request<T extends ChildReply>(message: Record<string, unknown>, timeoutMs: number): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`helper process ${this.exited}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`helper process: no answer to ${String(message.type)} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...message, id });
    });
  }

  /** A request whose peak memory (VmHWM reset at its start) and CPU time are measured on their own. */
  async measured<T extends ChildReply>(
    message: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<T & { peakRssBytes: number; cpuMs: number | null }> {
    resetPeak(this.pid);
    const sampler = new PeakSampler(this.pid).start();
    const cpu0 = readCpuMs(this.pid);
    const reply = await this.request<T>(message, timeoutMs);
    const cpu1 = readCpuMs(this.pid);
    const peak = sampler.stop();
    return {
      ...reply,
      peakRssBytes: Math.max(peak.hwmBytes, peak.sampledPeakBytes),
      cpuMs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
    };
  }

  memory(): ReturnType<typeof readMemory> {
    return readMemory(this.pid);
  }

  async dispose(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}
