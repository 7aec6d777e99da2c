// "SenseVoice: Set Inference Server Token": the bearer token for `sensevoice.inference.endpoint`
// kept in VS Code's SecretStorage (the OS keychain where there is one), loaded before the daemon
// starts and sent to it with the settings; a change reaches a running daemon at once.
import * as vscode from 'vscode';
import { authHeaders, checkToken } from './tokenHeaders';

const SECRET_KEY = 'sensevoice.inference.token';
export const SET_INFERENCE_TOKEN = 'sensevoice.setInferenceToken';

let token: string | undefined;
let loaded: Promise<void> = Promise.resolve();

/** The Authorization header for the daemon's settings, once the token is loaded. */
export function inferenceAuthHeaders(): Record<string, string> | undefined {
  return authHeaders(token);
}

/** Resolves once the stored token was read (the daemon's first settings must include it). */
export function inferenceTokenLoaded(): Promise<void> {
  return loaded;
}

export function registerInferenceToken(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  onChange: () => void,
): void {
  const reload = async () => {
    token = (await context.secrets.get(SECRET_KEY)) || undefined;
  };
  loaded = reload().catch((err: unknown) => log.warn(`inference server token not read: ${String(err)}`));
  context.subscriptions.push(
    context.secrets.onDidChange(async (e) => {
      if (e.key !== SECRET_KEY) return;
      await reload();
      onChange();
    }),
    vscode.commands.registerCommand(SET_INFERENCE_TOKEN, async () => {
      const input = await vscode.window.showInputBox({
        title: 'SenseVoice: Inference Server Token',
        prompt: `The bearer token for ${vscode.workspace.getConfiguration('sensevoice').get<string>('inference.endpoint') || 'the inference server (sensevoice.inference.endpoint)'}. It is kept in VS Code's secret storage, not in settings. Leave empty to remove the stored token.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => {
          const r = checkToken(v);
          return 'error' in r ? r.error : undefined;
        },
      });
      if (input === undefined) return;
      const r = checkToken(input);
      if ('error' in r) return;
      if ('clear' in r) {
        await context.secrets.delete(SECRET_KEY);
        log.info('inference server token removed');
        void vscode.window.showInformationMessage('SenseVoice: the inference server token was removed.');
      } else {
        await context.secrets.store(SECRET_KEY, r.token);
        log.info('inference server token stored (not shown)');
        void vscode.window.showInformationMessage('SenseVoice: the inference server token is stored.');
      }
    }),
  );
}
