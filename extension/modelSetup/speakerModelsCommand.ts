// "SenseVoice: Download Speaker Models" and the offer after a transcript came back without speakers:
// the window's side of speakerModelsDownload.ts (modal confirmation with the licences, a cancellable
// progress notification, messages, the log).
import * as vscode from 'vscode';
import type { DiarizationDownloadParams } from '../../common/protocol';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { downloadSpeakerModels, offerSpeakerModels, type SpeakerModelsUi } from './speakerModelsDownload';

export const SPEAKER_MODELS_COMMAND = 'sensevoice.downloadSpeakerModels';

function windowUi(log: vscode.LogOutputChannel): SpeakerModelsUi {
  return {
    confirm: async (message, detail, button) =>
      (await vscode.window.showWarningMessage(message, { modal: true, ...(detail ? { detail } : {}) }, button)) ===
      button,
    withProgress: async (title, work) =>
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          return work((s) => p.report(s), ac.signal);
        },
      ),
    info: (m, ...a) => Promise.resolve(vscode.window.showInformationMessage(m, ...a)),
    warn: (m, ...a) => Promise.resolve(vscode.window.showWarningMessage(m, ...a)),
    error: async (m, ...a) => {
      const c = await vscode.window.showErrorMessage(m, ...a, 'Show Logs');
      if (c === 'Show Logs') log.show();
      return c;
    },
    log: (m) => log.info(m),
  };
}

let offer: ((reason: string) => Promise<void>) | undefined;

/** A transcript came back without speakers (`speakersUnavailable`): offers the models if the store lacks them. */
export function offerSpeakerModelsDownload(reason: string): void {
  void offer?.(reason);
}

export function registerSpeakerModels(
  context: vscode.ExtensionContext,
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
): void {
  const ui = windowUi(log);
  const shown = { offered: false };
  context.subscriptions.push(
    vscode.commands.registerCommand(SPEAKER_MODELS_COMMAND, (args?: DiarizationDownloadParams) =>
      downloadSpeakerModels(sup, ui, args ?? {}),
    ),
    { dispose: () => (offer = undefined) },
  );
  offer = (reason) => offerSpeakerModels(reason, sup, ui, shown);
}
