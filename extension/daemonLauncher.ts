// How the extension reaches its daemon: the user's shared one (started when none runs), or with
// `sensevoice.sharedDaemon` off a private one over stdio. Either runs on the `sensevoice.nodePath`
// setting, else the editor's own binary run as node (ELECTRON_RUN_AS_NODE; in code-server
// process.execPath is already node).
import * as vscode from 'vscode';
import { DaemonConnection } from '../client/daemonConnection';
import { connectShared } from '../client/sharedDaemon';
import { daemonSettings, idleMinutes, nodePath, sharedDaemon } from './config';
import { inferenceTokenLoaded } from './inference/registerInferenceToken';

export async function launchDaemon(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<DaemonConnection> {
  // The first settings carry the inference server's token (SecretStorage is read asynchronously).
  await inferenceTokenLoaded();
  const command = nodePath() ?? process.execPath;
  const script = vscode.Uri.joinPath(context.extensionUri, 'dist', 'daemon.js').fsPath;
  if (sharedDaemon())
    return connectShared({
      command,
      script,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      cwd: context.extensionUri.fsPath,
      clientName: `vscode ${vscode.version}`,
      settings: daemonSettings(),
      idleMinutes: idleMinutes(),
      onLog: (line) => log.info(line),
    }).then((conn) => {
      log.info(
        `attached to the shared daemon (pid ${conn.initializeResult?.pid}, ${conn.initializeResult?.daemonVersion})`,
      );
      return conn;
    });
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
