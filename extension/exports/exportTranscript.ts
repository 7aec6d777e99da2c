// Saves a transcript in one of the export formats: beside the audio or where the user chooses,
// never over an existing file without asking, and atomically (temp file + rename).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  baseName,
  formatInfo,
  formatTranscript,
  localDateTime,
  type ExportFormat,
  type TranscriptData,
} from '../../common/formats';
import { exportEmoji, exportLocation } from '../config';
import { atomicWrite, TargetExistsError } from '../../common/atomicWrite';

export interface ExportRequest {
  transcript: TranscriptData;
  /** The audio file (or the transcript file) the export is named after and saved beside. */
  source: vscode.Uri;
  format: ExportFormat;
  /** Save here without a dialog (still asking before replacing a file). */
  target?: vscode.Uri;
}

/** "meeting.srt" beside "meeting.wav". */
export function defaultTarget(source: vscode.Uri, format: ExportFormat): vscode.Uri {
  const name = baseName(source.fsPath).replace(/\.transcript$/, '');
  return vscode.Uri.file(path.join(path.dirname(source.fsPath), name + formatInfo(format).suffix));
}

/** The file's modification time as a local date, for the notes' date line. */
export function recordingDate(file: string): string | undefined {
  try {
    return localDateTime(fs.statSync(file).mtime);
  } catch {
    return undefined;
  }
}

export function renderExport(req: Pick<ExportRequest, 'transcript' | 'source' | 'format'>): string {
  return formatTranscript(req.transcript, req.format, { emoji: exportEmoji(), date: recordingDate(req.source.fsPath) });
}

/** Asks before replacing `target`; true when the user agreed. */
async function confirmReplace(target: vscode.Uri): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `${path.basename(target.fsPath)} already exists. Replace it?`,
    { modal: true, detail: `The file in ${path.dirname(target.fsPath)} will be overwritten with the new export.` },
    'Replace',
  );
  return choice === 'Replace';
}

/** Exports; resolves to the written file, or undefined when the user backed out. */
export async function exportTranscript(req: ExportRequest): Promise<vscode.Uri | undefined> {
  const info = formatInfo(req.format);
  let target = req.target;
  // A file the user picked in a save dialog was already confirmed there: VS Code's dialogs (the
  // native ones and the simple one in the browser) ask before they return an existing file.
  let confirmed = false;
  if (!target && exportLocation() === 'ask') {
    target = await vscode.window.showSaveDialog({
      defaultUri: defaultTarget(req.source, req.format),
      filters: { [info.label]: info.extensions },
      saveLabel: 'Export',
      title: `Export ${path.basename(req.source.fsPath)} as ${info.label}`,
    });
    if (!target) return undefined;
    confirmed = true;
  }
  target ??= defaultTarget(req.source, req.format);
  const content = renderExport(req);
  if (target.scheme !== 'file') {
    // Virtual and remote file systems: no temp-and-rename there, but still no silent overwrite.
    const exists = await vscode.workspace.fs.stat(target).then(
      () => true,
      () => false,
    );
    if (exists && !confirmed && !(await confirmReplace(target))) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(content, 'utf8'));
    return target;
  }
  try {
    await atomicWrite(target.fsPath, content, { overwrite: confirmed });
  } catch (err) {
    if (!(err instanceof TargetExistsError)) throw err;
    if (!(await confirmReplace(target))) return undefined;
    await atomicWrite(target.fsPath, content, { overwrite: true });
  }
  return target;
}

/** Exports and tells the user where the file went, with a way to open it. */
export async function exportWithFeedback(
  req: ExportRequest,
  log: vscode.LogOutputChannel,
): Promise<vscode.Uri | undefined> {
  try {
    const written = await exportTranscript(req);
    if (!written) return undefined;
    log.info(`exported ${req.format} to ${written.fsPath}`);
    void vscode.window
      .showInformationMessage(`SenseVoice: saved ${path.basename(written.fsPath)}`, 'Open', 'Reveal in Explorer')
      .then((choice) => {
        if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', written);
        if (choice === 'Reveal in Explorer') void vscode.commands.executeCommand('revealInExplorer', written);
      });
    return written;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`export failed: ${message}`);
    void vscode.window.showErrorMessage(`SenseVoice: could not save the export: ${message}`, 'Show Logs').then((c) => {
      if (c === 'Show Logs') log.show();
    });
    return undefined;
  }
}
