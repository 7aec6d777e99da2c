// The shared daemon's endpoint: binds the per-user socket, which is also the lock that keeps one
// daemon per user. A bind that finds the path taken probes it: a daemon that answers wins and this
// one leaves; a socket nobody listens on (a daemon that crashed) is stale and is replaced, under a
// short lock file so two starters replacing it at once still end with one daemon.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { ensurePrivateDir, type RuntimePlaces } from '../../common/daemon/runtimeDir';

export class AlreadyRunning extends Error {}

export interface Listening {
  server: net.Server;
  /** What clients must present at `initialize`, written to places.token (0600) once the socket is ours. */
  token: string;
  /** True while the socket path still names this daemon's socket (not replaced or removed). */
  ownsPath(): boolean;
  /** Stops listening and removes the socket and pid file if they are still ours. */
  close(): void;
}

export async function listenShared(places: RuntimePlaces, onConnection: (s: net.Socket) => void): Promise<Listening> {
  const win = process.platform === 'win32';
  if (!win) ensurePrivateDir(places.dir);
  const server = net.createServer(onConnection);
  try {
    await listen(server, places.socket);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || win) throw err;
    if (await answers(places.socket)) throw new AlreadyRunning(`a daemon already listens on ${places.socket}`);
    await replaceStale(places, server);
  }
  if (!win) fs.chmodSync(places.socket, 0o600);
  const ino = win ? 0 : fs.statSync(places.socket).ino;
  fs.writeFileSync(places.pidFile, `${process.pid}\n`, { mode: 0o600 });
  const token = randomBytes(32).toString('hex');
  // Whole or not at all: a client never reads half a token. (A client that read the previous
  // daemon's token in the moment before this is refused and reads it again.)
  fs.writeFileSync(`${places.token}.${process.pid}`, `${token}\n`, { mode: 0o600 });
  fs.renameSync(`${places.token}.${process.pid}`, places.token);
  const ownsPath = () => {
    if (win) return server.listening;
    try {
      return fs.statSync(places.socket).ino === ino;
    } catch {
      return false;
    }
  };
  return {
    server,
    token,
    ownsPath,
    close() {
      const mine = ownsPath();
      server.close();
      if (win) return;
      if (mine) fs.rmSync(places.socket, { force: true });
      removeIfHolds(places.pidFile, String(process.pid));
      removeIfHolds(places.token, token);
    },
  };
}

/** Removes `file` if it still holds `content` (another daemon may have replaced it since). */
function removeIfHolds(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, 'utf8').trim() === content) fs.rmSync(file);
  } catch {
    // already gone
  }
}

function listen(server: net.Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(socket, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Whether something accepts connections on `socket` (a live daemon). */
export function answers(socket: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    const done = (v: boolean) => {
      clearTimeout(timer);
      c.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(true), timeoutMs);
    c.once('connect', () => done(true));
    c.once('error', () => done(false));
  });
}

async function replaceStale(places: RuntimePlaces, server: net.Server): Promise<void> {
  const lock = places.socket + '.lock';
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another starter is replacing it; a lock older than 10 s is left from a crash and is cleared for the next try.
    const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs;
    if (age > 10_000) fs.rmSync(lock, { force: true });
    throw new AlreadyRunning('another daemon is replacing the stale socket');
  }
  try {
    // Checked again under the lock: the socket may have been replaced by a live daemon meanwhile.
    if (await answers(places.socket)) throw new AlreadyRunning(`a daemon already listens on ${places.socket}`);
    fs.rmSync(places.socket, { force: true });
    await listen(server, places.socket);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
  }
}
