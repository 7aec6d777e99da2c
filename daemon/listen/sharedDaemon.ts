// The shared (per-user) daemon's process lifecycle: listen, serve each connection as its own
// client, retire when a newer client asks, exit when idle long enough, at once on `daemon/stop` or
// SIGTERM. Exit status 0 also when another daemon already serves the user (the starter connects to it).
// A daemon whose own files were removed (an extension update, a deleted clone) retires too: found
// by a CI run whose cli attached to the previous run's daemon, by then running from a deleted folder.
import fs from 'node:fs';
import path from 'node:path';
import { runtimePlaces } from '../../common/daemon/runtimeDir';
import { SenseVoiceError, errorCodeName } from '../../common/protocol';
import { Daemon } from '../server';
import { AlreadyRunning, listenShared, type Listening } from './socketServer';

/** Exit status when the runtime folder is unsafe or the socket cannot be bound. */
export const EXIT_CANNOT_LISTEN = 3;

export interface SharedOptions {
  socket?: string;
  idleMinutes?: string;
  log: (message: string) => void;
}

export function runShared(o: SharedOptions): void {
  const places = runtimePlaces();
  if (o.socket) places.socket = o.socket;
  const idleMs = idleTime(o.idleMinutes);
  let listening: Listening | null = null;
  let exiting = false;
  const exit = (why: string, code = 0) => {
    if (exiting) return;
    exiting = true;
    o.log(`exiting: ${why}`);
    daemon.stopAll();
    listening?.close();
    void daemon.models.dispose().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 3000).unref();
  };
  // The script this daemon runs from: when its folder is removed (an update, a deleted clone), the
  // daemon can no longer start its workers, and a client would otherwise attach to a broken engine.
  const script = process.argv[1] ? path.resolve(process.argv[1]) : undefined;
  const installGone = () =>
    script && !fs.existsSync(script)
      ? `its files are gone (${script} was removed: an update or a deleted folder)`
      : undefined;
  const daemon = new Daemon({
    log: o.log,
    maxFrameBytes: 4 * 1024 * 1024,
    shared: true,
    authToken: () => listening?.token,
    onStop: () => exit('stop requested'),
    // A retiring daemon frees the socket path at once, so the next starter can bind it.
    onRetire: () => listening?.close(),
    installGone,
  });
  process.on('SIGTERM', () => exit('SIGTERM'));
  process.on('SIGINT', () => exit('SIGINT'));

  listenShared(places, (socket) => {
    socket.on('error', () => undefined);
    daemon.connect(socket, socket);
  }).then(
    (l) => {
      listening = l;
      o.log(
        `started, pid ${process.pid}, node ${process.versions.node}, listening on ${places.socket}, idle exit after ${idleMs / 1000} s`,
      );
      let idleSince: number | null = null;
      setInterval(
        () => {
          if (!daemon.retiring && !l.ownsPath()) daemon.retire('the socket path no longer names this daemon');
          const gone = daemon.retiring ? undefined : installGone();
          if (gone) daemon.retire(gone);
          if (!daemon.idle) {
            idleSince = null;
            return;
          }
          idleSince ??= Date.now();
          if (daemon.retiring) exit('retired and idle');
          else if (Date.now() - idleSince >= idleMs) exit(`no clients and no jobs for ${Math.round(idleMs / 1000)} s`);
        },
        Math.min(1000, Math.max(50, idleMs / 4)),
      );
    },
    (err: unknown) => {
      if (err instanceof AlreadyRunning) {
        o.log(`not starting: ${err.message}`);
        process.exit(0);
      }
      const text = err instanceof SenseVoiceError ? `${errorCodeName(err.code)}: ${err.message}` : String(err);
      o.log(`cannot listen on ${places.socket}: ${text}`);
      process.stderr.write(`error: ${text}\n`);
      process.exit(EXIT_CANNOT_LISTEN);
    },
  );
}

/** SENSEVOICE_DAEMON_IDLE_MS (tests), else --idle-minutes, else 5 minutes. */
function idleTime(minutes: string | undefined): number {
  const ms = Number(process.env.SENSEVOICE_DAEMON_IDLE_MS);
  if (Number.isFinite(ms) && ms > 0) return ms;
  const m = Number(minutes);
  return (Number.isFinite(m) && m > 0 ? m : 5) * 60_000;
}
