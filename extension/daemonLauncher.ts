// How the extension starts its daemon: the `sensevoice.nodePath` setting, else the editor's own
// binary run as node (ELECTRON_RUN_AS_NODE; in code-server process.execPath is already node).
import * as vscode from 'vscode';
import { DaemonConnection } from '../client/daemonConnection';
import { daemonSettings, nodePath } from './config';

export function launchDaemon(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<DaemonConnection> {
  const command = nodePath() ?? process.execPath;
  const script = vscode.Uri.joinPath(context.extensionUri, 'dist', 'daemon.js').fsPath;
  log.info(`starting daemon: ${command} ${script}`);
  return DaemonConnection.start({
    command,
    args: [script],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    cwd: context.extensionUri.fsPath,
    clientName: `vscode ${vscode.version}`,
    settings: daemonSettings(),
    onStderr: (line) => {
      if (line.trim()) log.info(line);
    },
  });
}
