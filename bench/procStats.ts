// Memory of the processes under test, read from /proc (Linux): VmRSS now, VmHWM (the kernel's own
// peak), resettable per run through clear_refs so a long-lived process reports each run's peak.
// Worker threads share their process's memory, so the daemon's figures include its inference worker.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface ProcMemory {
  rssBytes: number;
  hwmBytes: number;
}

/** VmRSS and VmHWM of `pid`, or null when it has exited (or /proc is not there). */
export function readMemory(pid: number): ProcMemory | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  const rssBytes = kb('VmRSS');
  const hwmBytes = kb('VmHWM');
  return Number.isFinite(rssBytes) ? { rssBytes, hwmBytes: Number.isFinite(hwmBytes) ? hwmBytes : rssBytes } : null;
}

/** Resets VmHWM to the current RSS (Linux >= 4.0); false where that is not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Every live descendant of `root` (children, grandchildren…), from the ppid field of /proc/<pid>/stat. */
export function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [pid, pp] of parent) {
      if (pp === p) {
        out.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return out;
}

export interface PeakResult {
  /** Highest sum of VmRSS over the tree seen in one sample. */
  sampledPeakBytes: number;
  /** Sum over the tree's processes of each one's highest VmHWM seen (an upper bound of the true peak). */
  hwmBytes: number;
  /** Per process: its highest VmHWM seen. */
  perProcess: Record<number, number>;
}

/**
 * Polls the memory of `root` (and, with tree, its descendants) until stopped. VmHWM is the kernel's
 * exact peak, so a short spike between two polls is still counted, as long as the process is sampled
 * once after it; the last poll before a process exits is at most intervalMs before its end.
 */
export class PeakSampler {
  private timer: NodeJS.Timeout | null = null;
  private readonly hwm = new Map<number, number>();
  private sampledPeak = 0;
  private pids: number[];
  private polls = 0;

  constructor(
    private readonly root: number,
    private readonly options: { intervalMs?: number; tree?: boolean } = {},
  ) {
    this.pids = [root];
  }

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.options.intervalMs ?? 100);
    this.timer.unref();
    return this;
  }

  sample(): void {
    // Finding descendants scans /proc: do it every few polls, not every one.
    if (this.options.tree && this.polls++ % 5 === 0) this.pids = [this.root, ...descendants(this.root)];
    let sum = 0;
    for (const pid of this.pids) {
      const m = readMemory(pid);
      if (!m) continue;
      sum += m.rssBytes;
      this.hwm.set(pid, Math.max(this.hwm.get(pid) ?? 0, m.hwmBytes));
    }
    this.sampledPeak = Math.max(this.sampledPeak, sum);
  }

  stop(): PeakResult {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    const perProcess = Object.fromEntries(this.hwm);
    return {
      sampledPeakBytes: this.sampledPeak,
      hwmBytes: [...this.hwm.values()].reduce((a, b) => a + b, 0),
      perProcess,
    };
  }
}

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * CPU time of `pid` in ms, all its threads plus its reaped children (utime + stime + cutime +
 * cstime): the work a run cost, which load from elsewhere on the machine distorts far less than
 * wall time. 'self' reads this process (its cutime then covers the cli runs it spawned and reaped).
 */
export function readCpuMs(pid: number | 'self'): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "state": ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return (ticks * 1000) / ticksPerSecond();
  } catch {
    return null;
  }
}
