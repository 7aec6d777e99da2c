// How the cli reaches a daemon: the user's shared one by default (started when none runs), or a
// private one over stdio with --stdio. Both sit beside the cli in dist/ and run with this same node.
import fs from 'node:fs';
import path from 'node:path';
import { runtimePlaces } from '../common/daemon/runtimeDir';
import { DaemonConnection } from '../client/daemonConnection';
import { connectShared } from '../client/sharedDaemon';
import type { DaemonSettings } from '../common/protocol';

export interface DaemonChoice {
  /** A private daemon over stdio, as before the shared one (tests, sandboxes, sockets that fail). */
  stdio: boolean;
  verbose: boolean;
  idleMinutes?: number;
}

export function startDaemon(settings: DaemonSettings, choice: DaemonChoice): Promise<DaemonConnection> {
  const onLog = (line: string) => {
    if (choice.verbose) process.stderr.write(line + '\n');
  };
  if (choice.stdio)
    return DaemonConnection.start({
      command: process.execPath,
      args: [daemonScript()],
      clientName: 'cli',
      settings,
      onStderr: onLog,
    });
  const follow = choice.verbose ? followLog(runtimePlaces().log) : undefined;
  return connectShared({
    command: process.execPath,
    script: daemonScript(),
    clientName: 'cli',
    // The cli's ffmpeg is the one its shell would find, whoever started the shared daemon.
    settings: { ...settings, searchPath: process.env.PATH },
    idleMinutes: choice.idleMinutes,
    onLog,
  }).then(
    (d) => {
      d.onExit(() => follow?.stop());
      return d;
    },
    (err: unknown) => {
      follow?.stop();
      throw err;
    },
  );
}

/**
 * --verbose on the shared daemon: its log is a file, so the lines it writes while this command
 * runs are copied to stderr (other clients' lines too: they are the same user's).
 */
function followLog(file: string): { stop: () => void } {
  let offset = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  const copy = () => {
    try {
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.alloc(64 * 1024);
        for (;;) {
          const n = fs.readSync(fd, buf, 0, buf.length, offset);
          if (n <= 0) break;
          process.stderr.write(buf.subarray(0, n));
          offset += n;
        }
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // no log yet
    }
  };
  const timer = setInterval(copy, 100);
  return {
    stop() {
      clearInterval(timer);
      copy();
    },
  };
}

/** The shared daemon if one runs; undefined when none does (nothing is started). */
export function runningDaemon(verbose: boolean): Promise<DaemonConnection | undefined> {
  return connectShared({
    command: process.execPath,
    script: daemonScript(),
    clientName: 'cli',
    noStart: true,
    onLog: (line) => verbose && process.stderr.write(line + '\n'),
  });
}

function daemonScript(): string {
  return path.join(__dirname, 'daemon.js');
}
