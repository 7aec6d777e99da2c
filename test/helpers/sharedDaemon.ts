// The shared daemon in tests: each test gets its own runtime folder (so its own daemon), a way to
// run the cli against it, to connect in-process, to find its daemon processes, and to stop them all.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { connectShared } from '../../client/sharedDaemon';
import type { DaemonConnection } from '../../client/daemonConnection';
import type { DaemonSettings } from '../../common/protocol';
import { requireBuilt, tempDir } from './paths';
import { waitFor } from './waitFor';

export interface Runtime {
  dir: string;
  socket: string;
  env: NodeJS.ProcessEnv;
}

export function freshRuntime(extraEnv: NodeJS.ProcessEnv = {}): Runtime {
  const root = tempDir('rt');
  const dir = path.join(root, 'run');
  return {
    dir,
    socket: path.join(dir, 'daemon.sock'),
    // Its own transcript cache: a clip another test transcribed must not come back at once from the
    // run's shared cache (that made the fair-queue test's order depend on which tests ran first).
    env: { ...process.env, SENSEVOICE_RUNTIME_DIR: dir, SENSEVOICE_CACHE_DIR: path.join(root, 'cache'), ...extraEnv },
  };
}

export function cliSync(rt: Runtime, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [requireBuilt('cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...rt.env, ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliAsync(rt: Runtime, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [requireBuilt('cli.js'), ...args], {
    env: { ...rt.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

/** An in-process client of the runtime's shared daemon (started when none runs). */
export function connect(rt: Runtime, clientName: string, settings: DaemonSettings = {}): Promise<DaemonConnection> {
  return connectShared({
    command: process.execPath,
    script: requireBuilt('daemon.js'),
    env: rt.env,
    clientName,
    settings,
  });
}

/** Live shared-daemon processes listening in this runtime folder. */
export function daemonsIn(rt: Runtime): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && !f[1].startsWith('Z'))
    .filter((f) => f.slice(2).includes('--listen') && f.slice(2).join(' ').includes(rt.socket))
    .map((f) => Number(f[0]));
}

export function pidFile(rt: Runtime): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(rt.dir, 'daemon.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Kills whatever daemons the test left in its runtime folder, and waits until they are gone. */
export async function stopAll(rt: Runtime): Promise<void> {
  for (const pid of daemonsIn(rt)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await waitFor(() => daemonsIn(rt).length === 0, 'the test daemons to exit');
}

/** The runtime folder's daemon.log, for failure messages. */
export function daemonLog(rt: Runtime): string {
  try {
    return fs.readFileSync(path.join(rt.dir, 'daemon.log'), 'utf8');
  } catch {
    return '(no log)';
  }
}

/**
 * The one daemon left in the runtime folder. Starters that lost the race to bind the socket are
 * separate processes that exit by themselves a moment later: this waits for them to go.
 */
export async function theOneDaemon(rt: Runtime): Promise<number> {
  const [pid] = await waitFor(
    () => {
      const pids = daemonsIn(rt);
      return pids.length === 1 ? pids : undefined;
    },
    `one daemon in ${rt.dir} (now ${daemonsIn(rt).join(', ')})`,
  );
  return pid;
}
