// Starts the daemon that sits beside the cli in dist/, with this same node.
import path from 'node:path';
import { DaemonConnection } from '../client/daemonConnection';
import type { DaemonSettings } from '../common/protocol';

export function startDaemon(settings: DaemonSettings, verbose: boolean): Promise<DaemonConnection> {
  return DaemonConnection.start({
    command: process.execPath,
    args: [path.join(__dirname, 'daemon.js')],
    clientName: 'cli',
    settings,
    onStderr: (line) => {
      if (verbose) process.stderr.write(line + '\n');
    },
  });
}
