// "SenseVoice: Use Model Folder…" and "SenseVoice: Show Models": choose a folder (checked by the
// daemon on the spot before the setting is written) or one of the models in the shared store.
import * as vscode from 'vscode';
import { SenseVoiceError } from '../../common/protocol';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { modelPicks, type ModelPick } from './modelPicks';
import { markModelReady, setModelPath } from './walkthrough';

export async function useModelFolderFlow(
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Use This Model Folder',
    title: 'SenseVoice: a SenseVoiceSmall model folder (sherpa-onnx or FunASR layout)',
  });
  const folder = picked?.[0]?.fsPath;
  if (!folder) return undefined;
  try {
    const info = await sup.request('model/inspect', { path: folder });
    await setModelPath(info.path);
    await markModelReady(true);
    void vscode.window.showInformationMessage(
      `SenseVoice: using ${info.path} (${info.layout} layout, ${info.variants.join(' + ')}).`,
    );
    return info.path;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`model folder ${folder}: ${err instanceof SenseVoiceError ? err.codeName : 'error'}: ${message}`);
    const c = await vscode.window.showErrorMessage(
      `SenseVoice: ${folder} cannot be used. ${message}`,
      'Choose Another Folder…',
      'Download Model…',
    );
    if (c === 'Choose Another Folder…') return useModelFolderFlow(sup, log);
    if (c === 'Download Model…') await vscode.commands.executeCommand('sensevoice.downloadModel');
    return undefined;
  }
}

export async function showModelsFlow(sup: DaemonSupervisor): Promise<void> {
  const list = await sup.request('model/list', undefined);
  await markModelReady(list.models.some((m) => !m.problem) || (!!list.configured && !list.configured.problem));
  const picks = modelPicks(list);
  const pick = await vscode.window.showQuickPick(
    picks.map((p) => ({ label: p.label, description: p.description, detail: p.detail, picked: p.picked, pick: p })),
    {
      title: `SenseVoice models (store: ${list.store})`,
      placeHolder: 'Choose the model SenseVoice uses',
      matchOnDetail: true,
    },
  );
  if (!pick) return;
  const p: ModelPick = pick.pick;
  if (p.kind === 'automatic') {
    await setModelPath(undefined);
    void vscode.window.showInformationMessage(
      list.fallback
        ? `SenseVoice: no model path set; using ${list.fallback.reason}.`
        : 'SenseVoice: no model path set, and the store has no usable model yet.',
    );
  } else if (p.kind === 'model') {
    if (!p.usable) {
      void vscode.window.showErrorMessage(`SenseVoice: ${p.detail}`);
      return;
    }
    await setModelPath(p.path);
  } else if (p.kind === 'download') await vscode.commands.executeCommand('sensevoice.downloadModel');
  else if (p.kind === 'folder') await vscode.commands.executeCommand('sensevoice.useModelFolder');
  else if (p.kind === 'speakers') await vscode.commands.executeCommand('sensevoice.downloadSpeakerModels');
}
