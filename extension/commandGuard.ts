// A command's failure, logged and shown with a Show Logs button, so no command fails silently; one
// place for the commands that run a flow of their own (model setup, GPU setup).
import * as vscode from 'vscode';

/** Wraps `fn` as a command handler: an error is logged under `what` and shown to the user. */
export function commandGuard(log: vscode.LogOutputChannel) {
  return (what: string, fn: () => Promise<unknown>) => async (): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`${what}: ${message}`);
      void vscode.window.showErrorMessage(`SenseVoice: ${message}`, 'Show Logs').then((c) => c && log.show());
    }
  };
}
