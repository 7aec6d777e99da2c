// Where the per-user daemon listens, and the checks both ends make before trusting that place. One
// daemon per user: a Unix socket in a private folder on Linux and macOS, a named pipe on Windows
// (whose default ACL lets others connect: the daemon serves only clients that present the token it
// writes into the user's private folder). Never a TCP port.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, SenseVoiceError } from '../protocol/errors';

export interface RuntimePlaces {
  /** The private folder: socket, lock, pid file and daemon.log. */
  dir: string;
  /** What clients connect to: a socket path, or `\\.\pipe\…` on Windows. */
  socket: string;
  log: string;
  pidFile: string;
  /** The token a client must present at `initialize` (0600): on Windows this is what keeps other users out of the pipe. */
  token: string;
}

/** The daemon's places for this user: SENSEVOICE_RUNTIME_DIR, else $XDG_RUNTIME_DIR/sensevoice, else <tmp>/sensevoice-<uid>. */
export function runtimePlaces(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  user: { uid: number; username: string } = currentUser(),
  tmp: string = os.tmpdir(),
): RuntimePlaces {
  const dir =
    env.SENSEVOICE_RUNTIME_DIR ||
    (platform !== 'win32' && env.XDG_RUNTIME_DIR
      ? path.join(env.XDG_RUNTIME_DIR, 'sensevoice')
      : path.join(tmp, `sensevoice-${platform === 'win32' ? user.username : user.uid}`));
  const pipeName = env.SENSEVOICE_RUNTIME_DIR
    ? `sensevoice-${user.username}-${Buffer.from(dir).toString('hex').slice(-16)}`
    : `sensevoice-${user.username}`;
  return {
    dir,
    socket: platform === 'win32' ? `\\\\.\\pipe\\${pipeName}` : path.join(dir, 'daemon.sock'),
    log: path.join(dir, 'daemon.log'),
    pidFile: path.join(dir, 'daemon.pid'),
    token: path.join(dir, 'daemon.token'),
  };
}

function currentUser(): { uid: number; username: string } {
  const info = os.userInfo();
  return { uid: info.uid, username: info.username.replace(/[^A-Za-z0-9_.-]/g, '_') };
}

/**
 * Creates the folder (mode 0700) when missing, then refuses one that another user owns or that
 * others can write: a socket there could be someone else's daemon, listening to our audio paths.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = fs.lstatSync(dir);
  const uid = process.getuid?.() ?? -1;
  if (!st.isDirectory())
    throw new SenseVoiceError(
      ErrorCode.RuntimeDirUnsafe,
      `${dir} is not a folder; remove it, or set SENSEVOICE_RUNTIME_DIR.`,
    );
  if (st.uid !== uid)
    throw new SenseVoiceError(
      ErrorCode.RuntimeDirUnsafe,
      `${dir} belongs to another user (uid ${st.uid}); SenseVoice will not use it. Remove it, or set SENSEVOICE_RUNTIME_DIR to a folder of your own.`,
    );
  if ((st.mode & 0o022) !== 0)
    throw new SenseVoiceError(
      ErrorCode.RuntimeDirUnsafe,
      `${dir} can be written by others (mode ${(st.mode & 0o777).toString(8)}); SenseVoice will not use it. Run "chmod 700 ${dir}" or remove it.`,
    );
}
