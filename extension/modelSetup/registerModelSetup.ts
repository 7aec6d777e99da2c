// Registers the model setup commands. A transcription that fails with ModelNotFound should call
// offerModelSetup (or run `sensevoice.setUpModel`): the first time it opens the walkthrough, after
// that it offers the two ways to get a model.
import * as vscode from 'vscode';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { downloadModelFlow, type DownloadArgs } from './downloadModelFlow';
import { showModelsFlow, useModelFolderFlow } from './modelFolderFlow';
import { registerSpeakerModels } from './speakerModelsCommand';
import { openWalkthrough } from './walkthrough';
import { commandGuard } from '../commandGuard';

export const MODEL_COMMANDS = {
  download: 'sensevoice.downloadModel',
  useFolder: 'sensevoice.useModelFolder',
  show: 'sensevoice.showModels',
  setUp: 'sensevoice.setUpModel',
} as const;

const WALKTHROUGH_SHOWN = 'sensevoice.modelSetup.walkthroughShown';

let offer: ((err?: unknown) => Promise<boolean>) | undefined;

/** For a ModelNotFound error: opens the walkthrough the first time, else offers download / folder. True when handled. */
export function offerModelSetup(err?: unknown): Promise<boolean> {
  return offer ? offer(err) : Promise.resolve(false);
}

export function registerModelSetup(
  context: vscode.ExtensionContext,
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
): void {
  const guard = commandGuard(log);
  context.subscriptions.push(
    vscode.commands.registerCommand(MODEL_COMMANDS.download, (args?: DownloadArgs) =>
      guard('download model', () => downloadModelFlow(sup, log, args ?? {}))(),
    ),
    vscode.commands.registerCommand(
      MODEL_COMMANDS.useFolder,
      guard('use model folder', () => useModelFolderFlow(sup, log)),
    ),
    vscode.commands.registerCommand(
      MODEL_COMMANDS.show,
      guard('show models', () => showModelsFlow(sup)),
    ),
    vscode.commands.registerCommand(MODEL_COMMANDS.setUp, () => openWalkthrough()),
  );
  registerSpeakerModels(context, sup, log);
  offer = async (err?: unknown) => {
    if (err !== undefined && !(err instanceof SenseVoiceError && err.code === ErrorCode.ModelNotFound)) return false;
    if (!context.globalState.get<boolean>(WALKTHROUGH_SHOWN)) {
      await context.globalState.update(WALKTHROUGH_SHOWN, true);
      await openWalkthrough();
      return true;
    }
    const c = await vscode.window.showWarningMessage(
      'SenseVoice needs its model: download it once (about 230 MB, shared with the sensevoice command line), or use a folder you have.',
      'Download Model…',
      'Use Model Folder…',
    );
    if (c === 'Download Model…') await vscode.commands.executeCommand(MODEL_COMMANDS.download);
    if (c === 'Use Model Folder…') await vscode.commands.executeCommand(MODEL_COMMANDS.useFolder);
    return true;
  };
  context.subscriptions.push({ dispose: () => (offer = undefined) });
}
