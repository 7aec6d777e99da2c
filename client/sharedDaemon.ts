// Finds the user's shared daemon, or starts it: connect to the per-user socket; when nobody
// answers, start `daemon.js --listen` detached (its output goes to daemon.log in the runtime
// folder) and connect again until a deadline. Racing starters are fine: the daemon that binds the
// socket first serves, the others exit. A daemon of an older build retires when asked, and a new
// one is started in its place; a daemon that dies during the handshake is looked for again.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { buildVersion } from '../common/daemon/buildVersion';
import { ensurePrivateDir, runtimePlaces, type RuntimePlaces } from '../common/daemon/runtimeDir';
import { daemonEnvironment } from '../common/daemonEnvironment';
import { ErrorCode, SenseVoiceError, type DaemonSettings } from '../common/protocol';
import { DaemonConnection } from './daemonConnection';

export interface SharedDaemonOptions {
  /** The node (or Electron run as node) binary that runs the daemon. */
  command: string;
  /** Path to dist/daemon.js. */
  script: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  clientName: string;
  settings?: DaemonSettings;
  /** Minutes the daemon waits with no clients and no jobs before it exits. */
  idleMinutes?: number;
  /** Only connect to a running daemon: never start one (undefined is answered when none runs). */
  noStart?: boolean;
  /** How long to wait for a started daemon to answer (ms). */
  startTimeoutMs?: number;
  onLog?: (line: string) => void;
}

/** Connects to the shared daemon, starting it when none runs; undefined only with noStart and no daemon. */
export async function connectShared(o: SharedDaemonOptions & { noStart: true }): Promise<DaemonConnection | undefined>;
export async function connectShared(o: SharedDaemonOptions): Promise<DaemonConnection>;
export async function connectShared(o: SharedDaemonOptions): Promise<DaemonConnection | undefined> {
  const places = runtimePlaces(o.env ?? process.env);
  if (process.platform !== 'win32') ensurePrivateDir(places.dir);
  for (let attempt = 0; ; attempt++) {
    let socket = await tryConnect(places.socket);
    if (!socket) {
      if (o.noStart) return undefined;
      socket = await startAndConnect(places, o);
    }
    try {
      return await DaemonConnection.overSocket(socket, {
        clientName: o.clientName,
        clientVersion: buildVersion(o.env ?? process.env),
        authToken: readToken(places.token),
        settings: o.settings,
        onLog: o.onLog,
      });
    } catch (err) {
      // The old daemon has freed the socket path: start ours there (once).
      if (err instanceof SenseVoiceError && err.code === ErrorCode.DaemonRetiring && attempt < 2 && !o.noStart) {
        o.onLog?.(`[client] ${err.message}`);
        continue;
      }
      // A daemon that has just started may not have written its token yet: read it again.
      if (err instanceof SenseVoiceError && err.code === ErrorCode.Unauthorized && attempt < 4) {
        o.onLog?.(`[client] ${err.message} Reading the token again.`);
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        continue;
      }
      // The socket closed before the daemon answered: it died (a connect can land in a dying daemon's
      // backlog just as it is killed). Look again: a new one may already listen, else one is started.
      if (err instanceof SenseVoiceError && err.code === ErrorCode.DaemonUnavailable && attempt < 4) {
        o.onLog?.(`[client] ${err.message} Connecting again.`);
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        continue;
      }
      throw err;
    }
  }
}

/** A connected socket, or undefined when nothing listens (no socket file, or a stale one). */
export function tryConnect(path: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', () => {
      s.destroy();
      resolve(undefined);
    });
  });
}

async function startAndConnect(places: RuntimePlaces, o: SharedDaemonOptions): Promise<net.Socket> {
  // The log is kept across daemons (a crash's last lines matter); past 5 MiB it moves to daemon.log.1.
  if ((fs.statSync(places.log, { throwIfNoEntry: false })?.size ?? 0) > 5 * 1024 * 1024)
    fs.renameSync(places.log, places.log + '.1');
  const logFd = fs.openSync(places.log, 'a', 0o600);
  const args = [o.script, '--listen', '--socket', places.socket];
  if (o.idleMinutes !== undefined) args.push('--idle-minutes', String(o.idleMinutes));
  o.onLog?.(`[client] starting the shared daemon: ${o.command} ${args.join(' ')} (log: ${places.log})`);
  const child = spawn(o.command, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    // The loader reads LD_LIBRARY_PATH once: the CUDA library store goes on it here, at the start.
    env: daemonEnvironment(o.env ?? process.env),
    cwd: o.cwd,
    windowsHide: true,
  });
  fs.closeSync(logFd);
  let failed: string | null = null;
  child.once('error', (err) => (failed = `could not run ${o.command}: ${err.message}`));
  // Status 0 is a starter that lost the race to another daemon: keep connecting.
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) failed = `it exited with status ${code}: ${logTail(places.log)}`;
  });
  child.unref();
  const deadline = Date.now() + (o.startTimeoutMs ?? 20_000);
  for (;;) {
    const s = await tryConnect(places.socket);
    if (s) return s;
    if (failed || Date.now() > deadline)
      throw new SenseVoiceError(
        ErrorCode.DaemonUnavailable,
        `The shared SenseVoice daemon did not start (${failed ?? 'no answer in time'}). Its log: ${places.log}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The running daemon's token (daemon.token in the private runtime folder), or undefined when there is none. */
function readToken(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function logTail(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    return lines.slice(-2).join(' | ');
  } catch {
    return 'no log';
  }
}
