// Registers "SenseVoice: Set Up GPU" and "SenseVoice: Remove GPU Libraries": the window side of
// gpuSetupFlow.ts (modal questions, a cancellable progress notification), the daemon restart and
// the GPU check after setup.
import * as vscode from 'vscode';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { gpuFeedUrl, gpuPypiFeedUrl } from '../config';
import { CHECK_GPU_COMMAND } from '../gpuCheck/registerGpuCheck';
import { GPU_SETUP_COMMANDS, runGpuRemove, runGpuSetup, type GpuSetupDeps, type GpuSetupUi } from './gpuSetupFlow';
import { commandGuard } from '../commandGuard';

const windowUi: GpuSetupUi = {
  ask: (message, detail, ...actions) =>
    Promise.resolve(vscode.window.showInformationMessage(message, { modal: true, detail }, ...actions)),
  info: (message, ...actions) => Promise.resolve(vscode.window.showInformationMessage(message, ...actions)),
  error: (message, ...actions) => Promise.resolve(vscode.window.showErrorMessage(`SenseVoice: ${message}`, ...actions)),
  progress: (title, task) =>
    Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => {
          const ac = new AbortController();
          const sub = token.onCancellationRequested(() => ac.abort());
          return task((step) => progress.report(step), ac.signal).finally(() => sub.dispose());
        },
      ),
    ),
};

export function registerGpuSetup(
  context: vscode.ExtensionContext,
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
): void {
  const deps: GpuSetupDeps = {
    request: (method, params, options) => sup.request(method, params, options),
    restartDaemon: () => restartForGpu(sup, log),
    runGpuCheck: () => Promise.resolve(vscode.commands.executeCommand(CHECK_GPU_COMMAND)),
    feedUrl: gpuFeedUrl,
    pypiFeedUrl: gpuPypiFeedUrl,
    ui: windowUi,
    log: (m) => log.info(m),
  };
  const guard = commandGuard(log);
  context.subscriptions.push(
    vscode.commands.registerCommand(
      GPU_SETUP_COMMANDS.setUp,
      guard('GPU setup', () => runGpuSetup(deps)),
    ),
    vscode.commands.registerCommand(
      GPU_SETUP_COMMANDS.remove,
      guard('GPU remove', () => runGpuRemove(deps)),
    ),
  );
}

/**
 * A private daemon is simply restarted. A shared one is stopped first when this window is its only
 * client and it is idle, so the next one starts with the new libraries; with other windows on it, it
 * is left to them (it retires when idle) and the GPU check, which runs in a fresh process, still tells.
 */
async function restartForGpu(sup: DaemonSupervisor, log: vscode.LogOutputChannel): Promise<void> {
  const status = await sup.request('daemon/status', undefined).catch(() => null);
  if (status?.shared) {
    if (status.clients <= 1 && status.jobsRunning === 0 && status.jobsQueued === 0)
      await sup.request('daemon/stop', undefined).catch(() => undefined);
    else log.info(`the shared daemon serves ${status.clients} clients; it keeps its runtime until they leave`);
  }
  await sup.restart();
}
