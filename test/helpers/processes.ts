// Counting what a process leaves behind: child processes by name, threads, sockets, memory.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Live children of `pid` named `name`, optionally only those whose command line contains `argsHave`. */
export function childrenNamed(pid: number, name: string, argsHave?: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,comm=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4 && Number(f[1]) === pid && f[3] === name && !f[2].startsWith('Z'))
    .filter((f) => argsHave === undefined || f.slice(4).join(' ').includes(argsHave))
    .map((f) => Number(f[0]));
}

/** The ffmpeg processes of `pid` that are decoding (not a `-version` probe). */
export function decodingFfmpeg(pid: number): number[] {
  return childrenNamed(pid, 'ffmpeg', 'f32le');
}

export function threadCount(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/task`).length;
}

/**
 * Sockets of `pid` that could talk to a network or accept connections: any TCP/UDP/raw socket, and
 * any listening UNIX socket. (Node gives a child its stdio as UNIX socketpairs: those are fine.)
 */
export function networkSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6']) {
    const rows = fs.existsSync(`/proc/net/${table}`)
      ? fs.readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)
      : [];
    for (const r of rows) {
      const f = r.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9])) found.push(`${table} ${f[1]}`);
    }
  }
  for (const r of fs.readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
    const f = r.trim().split(/\s+/);
    // Flags 00010000: the socket accepts connections (listening).
    if (f.length > 6 && inodes.has(f[6]) && (parseInt(f[3], 16) & 0x10000) !== 0)
      found.push(`unix listening ${f[7] ?? ''}`);
  }
  return found;
}

/** Resident and peak resident memory in bytes, from /proc. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
