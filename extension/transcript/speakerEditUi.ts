// The speaker flows' questions asked with VS Code's input box and quick pick, and where their edits
// are saved (the daemon through the supervisor, JSON files atomically). The flows themselves are in
// speakerEditing.ts and speakerCountFlow.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { atomicWrite } from '../../common/atomicWrite';
import type { DaemonSupervisor } from '../daemonSupervisor';
import type { TranscribeFileParams } from '../../common/protocol';
import type { SpeakerEditSaving, SpeakerEditUi } from './speakerEditing';
import { speakerCountChoices, type SpeakerCountUi } from './speakerCountFlow';

export const vscodeSpeakerUi: SpeakerEditUi = {
  askName: async (current, validate) =>
    await vscode.window.showInputBox({
      title: `Rename ${current}`,
      prompt: 'The name shown for this speaker everywhere: the view, exports and meeting notes',
      value: current,
      valueSelection: [0, current.length],
      validateInput: validate,
    }),
  pickSpeaker: async (title, placeHolder, choices) =>
    (await vscode.window.showQuickPick(choices, { title, placeHolder }))?.id,
  confirmRewrite: async (file) =>
    (await vscode.window.showWarningMessage(
      `Save the new speaker names in ${path.basename(file)}?`,
      {
        modal: true,
        detail: `The transcript was opened from ${file}; it will be written again with the new speakers (anything in it that is not part of a transcript is not kept).`,
      },
      'Save',
    )) === 'Save',
  warn: (message) => void vscode.window.showWarningMessage(message),
};

export function speakerSaving(
  sup: Pick<DaemonSupervisor, 'request'>,
  params: () => Omit<TranscribeFileParams, 'path' | 'token' | 'cachedOnly'>,
): SpeakerEditSaving {
  return { sup, params, writeFile: (file, text) => atomicWrite(file, text, { overwrite: true }) };
}

export const vscodeSpeakerCountUi: SpeakerCountUi = {
  pickCount: async (found, current) =>
    (
      await vscode.window.showQuickPick(speakerCountChoices(found, current), {
        title: 'Number of speakers',
        placeHolder: `${found} speaker(s) found now. How many are there? (the recognition is kept; only the speakers are found again)`,
      })
    )?.count,
  withProgress: (title, work) =>
    Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let done = 0;
          return work(abort.signal, (fraction) => {
            const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
            if (pct > done) progress.report({ increment: pct - done });
            done = Math.max(done, pct);
          });
        },
      ),
    ),
  warn: (message) => void vscode.window.showWarningMessage(message),
};
