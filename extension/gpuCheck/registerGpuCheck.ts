// Registers "SenseVoice: Check GPU" and the status bar's GPU hint: when a model ends up on the CPU,
// a quick check (nvidia-smi only, no sessions) asks whether an NVIDIA GPU sits unused, once per daemon.
import * as vscode from 'vscode';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { deviceStatus } from './deviceStatus';
import { GpuReportPanel } from './gpuReportPanel';

export const CHECK_GPU_COMMAND = 'sensevoice.checkGpu';

export function registerGpuCheck(
  context: vscode.ExtensionContext,
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
): void {
  const panel = new GpuReportPanel(context.extensionUri, sup, log);
  context.subscriptions.push(
    panel,
    vscode.commands.registerCommand(CHECK_GPU_COMMAND, () => panel.show()),
  );

  let checkedPid = 0;
  const watcher = sup.onStateChange((s) => {
    if (s.kind !== 'ready' || s.provider !== 'cpu' || s.gpuHint !== undefined || checkedPid === s.pid) return;
    checkedPid = s.pid;
    sup.request('gpu/diagnose', { quick: true }).then(
      (report) => {
        const hint = deviceStatus(report, 'cpu').hint;
        if (hint) sup.setGpuHint(hint);
      },
      (err: unknown) => log.debug(`quick GPU check failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  });
  context.subscriptions.push({ dispose: () => watcher.dispose() });
}
