// Activation: one supervisor owns the daemon; commands, status bar and logs hang off it.
import * as vscode from 'vscode';
import { CrashBudget, DEFAULT_CRASH_BUDGET } from './crashBudget';
import { DaemonSupervisor } from './daemonSupervisor';
import { EngineNotice } from './engineNotice';
import { StatusBar } from './statusBar';
import { launchDaemon } from './daemonLauncher';
import { daemonSettings, diarizationRequest, RESTART_SETTINGS } from './config';
import { registerCommands } from './commands';
import { registerGpuCheck } from './gpuCheck/registerGpuCheck';
import { registerTranscription } from './transcribe/registerTranscription';
import { registerModelSetup } from './modelSetup/registerModelSetup';
import { registerGpuSetup } from './gpuSetup/registerGpuSetup';
import { registerLive } from './live/registerLive';
import { registerInferenceToken } from './inference/registerInferenceToken';

let supervisor: DaemonSupervisor | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('SenseVoice', { log: true });
  const status = new StatusBar();
  context.subscriptions.push(log, status);
  // First: the daemon's first settings wait for the stored token (pushSettings is defined below).
  registerInferenceToken(context, log, () => void pushSettings());
  const engineNotice = new EngineNotice((text) => {
    log.info(text);
    void vscode.window.showInformationMessage(text);
  });
  const sup = new DaemonSupervisor({
    start: () => launchDaemon(context, log),
    budget: new CrashBudget(DEFAULT_CRASH_BUDGET),
    log: (m) => log.info(m),
    onState: (s) => status.update(s),
    onEngineChanged: (change) => engineNotice.changed(change),
    onGiveUp: (message) => {
      void vscode.window.showErrorMessage(message, 'Restart', 'Show Logs').then((choice) => {
        if (choice === 'Restart') void vscode.commands.executeCommand('sensevoice.restartDaemon');
        if (choice === 'Show Logs') log.show();
      });
    },
  });
  supervisor = sup;
  registerCommands(context, sup, log);
  registerGpuCheck(context, sup, log);
  registerTranscription(context, sup, log);
  registerModelSetup(context, sup, log);
  registerGpuSetup(context, sup, log);
  registerLive(context, sup, log);
  /** The settings again to a running daemon (a setting or the inference server's token changed). */
  const pushSettings = async () => {
    if (sup.state.kind !== 'ready') return;
    const conn = await sup.connection();
    conn.notify('config/didChange', { settings: daemonSettings() });
  };
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('sensevoice')) return;
      if (e.affectsConfiguration('sensevoice.diarization')) {
        const d = diarizationRequest();
        log.info(
          `speaker diarization ${d ? `on (${d.numSpeakers ? `${d.numSpeakers} speakers` : 'speakers found automatically'})` : 'off'} for the next transcriptions`,
        );
      }
      if (RESTART_SETTINGS.some((k) => e.affectsConfiguration(k))) {
        const choice = await vscode.window.showInformationMessage(
          'SenseVoice: restart the daemon to apply the new setting?',
          'Restart',
        );
        if (choice === 'Restart') await vscode.commands.executeCommand('sensevoice.restartDaemon');
        return;
      }
      await pushSettings();
    }),
  );
}

export async function deactivate(): Promise<void> {
  await supervisor?.stop('VS Code is closing');
  supervisor = undefined;
}
