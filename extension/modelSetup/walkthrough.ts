// The "Set up SenseVoice" walkthrough (package.json contributes.walkthroughs) and the context key
// its first step completes on.
import * as vscode from 'vscode';

/** `${publisher}.${name}#${walkthrough id}` from package.json. */
export const WALKTHROUGH = 'sensevoice.sensevoice#setup';
/** Set once a model is known to be ready (downloaded, chosen, or found in the store). */
export const MODEL_READY_CONTEXT = 'sensevoice.modelReady';

export function openWalkthrough(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
}

export function markModelReady(ready: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', MODEL_READY_CONTEXT, ready);
}

/** Writes `sensevoice.modelPath` for the user (undefined clears it: the store's best model is used). */
export async function setModelPath(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('sensevoice').update('modelPath', value, vscode.ConfigurationTarget.Global);
}
