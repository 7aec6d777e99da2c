// Shows a daemon error to the user: the message says what to do; codes pick the buttons.
import * as vscode from 'vscode';
import { ErrorCode, SenseVoiceError } from '../common/protocol';

export function showError(err: unknown, log: vscode.LogOutputChannel): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error(err instanceof SenseVoiceError ? `${err.codeName}: ${message}` : message);
  const actions: string[] = ['Show Logs'];
  // No ffmpeg, or one without the capture input: the message says how to get one; the setting points at it.
  if (
    err instanceof SenseVoiceError &&
    (err.code === ErrorCode.FfmpegNotFound || err.code === ErrorCode.InputFormatUnsupported)
  )
    actions.unshift('Open Settings');
  if (err instanceof SenseVoiceError && err.code === ErrorCode.DaemonUnavailable) actions.unshift('Restart Daemon');
  void vscode.window.showErrorMessage(`SenseVoice: ${message.split('\n')[0]}`, ...actions).then((choice) => {
    if (choice === 'Show Logs') log.show();
    if (choice === 'Open Settings')
      void vscode.commands.executeCommand('workbench.action.openSettings', 'sensevoice.ffmpegPath');
    if (choice === 'Restart Daemon') void vscode.commands.executeCommand('sensevoice.restartDaemon');
  });
}
