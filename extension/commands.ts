// The palette commands. Each is a few lines: the work lives in the supervisor and the daemon.
import fs from 'node:fs';
import * as vscode from 'vscode';
import { runtimePlaces } from '../common/daemon/runtimeDir';
import type { DaemonSupervisor } from './daemonSupervisor';
import { showError } from './errors';

export function registerCommands(
  context: vscode.ExtensionContext,
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
): void {
  const register = (id: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  // The shared daemon logs to a file in the runtime folder: open it beside this window's own log.
  register('sensevoice.showLogs', async () => {
    log.show();
    if (sup.state.kind === 'ready' && sup.state.shared) {
      const file = runtimePlaces().log;
      if (fs.existsSync(file)) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    }
  });

  register('sensevoice.restartDaemon', async () => {
    try {
      const conn = await sup.restart();
      vscode.window.setStatusBarMessage(`SenseVoice daemon restarted (pid ${conn.initializeResult?.pid ?? '?'})`, 4000);
    } catch (err) {
      showError(err, log);
    }
  });

  register('sensevoice.showSystemInfo', async () => {
    try {
      const info = await sup.request('system/info', undefined);
      const text = JSON.stringify(info, null, 2);
      log.info(`system info:\n${text}`);
      const ffmpeg = info.ffmpeg ? `ffmpeg ${info.ffmpeg.version}` : 'ffmpeg NOT FOUND';
      const choice = await vscode.window.showInformationMessage(
        `SenseVoice ${info.daemonVersion} · onnxruntime-node ${info.onnxruntime ?? 'missing'} · ${ffmpeg} · ${info.cpuModel} (${info.cpuCores} cores)`,
        'Copy Details',
      );
      if (choice === 'Copy Details') await vscode.env.clipboard.writeText(text);
    } catch (err) {
      showError(err, log);
    }
  });
}
