// "SenseVoice: Insert Meeting Notes": pick an open transcript or an audio file, and put Markdown
// notes (title, date, duration, languages, events, moods, the timed transcript, each timestamp a link
// that plays the recording from there) at the cursor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatMarkdown, type TranscriptData } from '../../common/formats';
import { exportEmoji } from '../config';
import { recordingDate } from '../exports/exportTranscript';
import { AUDIO_EXTENSIONS, AUDIO_GLOB } from '../transcribe/audioFiles';
import type { FileTranscriber } from '../transcribe/fileTranscriber';
import type { TranscriptPanels } from '../transcript/transcriptPanels';
import { headingLevelAt, padForInsertion } from './notesPlacement';
import { notesTimestampLink } from './openTimestampLink';

interface SourcePick extends vscode.QuickPickItem {
  file?: vscode.Uri;
  browse?: boolean;
}

/** The file's folder relative to the workspace ('' at its top), or its absolute folder outside it. */
function folderOf(file: vscode.Uri): string {
  const rel = vscode.workspace.asRelativePath(file, false);
  if (rel === file.fsPath) return path.dirname(file.fsPath);
  const dir = path.dirname(rel);
  return dir === '.' ? '' : dir;
}

async function pickSource(panels: TranscriptPanels): Promise<vscode.Uri | undefined> {
  const items: SourcePick[] = [];
  const open = panels.finished();
  if (open.length) {
    items.push({ label: 'Open transcripts', kind: vscode.QuickPickItemKind.Separator });
    for (const { file, session } of open) {
      const t = session.transcript!;
      const where = folderOf(file);
      items.push({
        label: `$(output) ${path.basename(file.fsPath)}`,
        description: [where, `${t.segments.length} segment${t.segments.length === 1 ? '' : 's'}`]
          .filter(Boolean)
          .join(' · '),
        file,
      });
    }
  }
  const shown = new Set(open.map((o) => o.file.fsPath));
  const found = vscode.workspace.workspaceFolders?.length
    ? await vscode.workspace.findFiles(AUDIO_GLOB, '**/node_modules/**', 200)
    : [];
  const audio = found.filter((f) => !shown.has(f.fsPath)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  if (audio.length) {
    items.push({ label: 'Audio in the workspace (transcribed now)', kind: vscode.QuickPickItemKind.Separator });
    for (const f of audio)
      items.push({ label: `$(file-media) ${path.basename(f.fsPath)}`, description: folderOf(f), file: f });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(folder-opened) Choose an audio file…', browse: true });
  const choice = await vscode.window.showQuickPick(items, {
    title: 'Insert Meeting Notes',
    placeHolder: 'The transcript or audio file to make notes from',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!choice) return undefined;
  if (choice.file) return choice.file;
  const picked = await vscode.window.showOpenDialog({
    title: 'Insert Meeting Notes: choose an audio file',
    canSelectMany: false,
    filters: { 'Audio and video': [...AUDIO_EXTENSIONS] },
    openLabel: 'Transcribe',
  });
  return picked?.[0];
}

export async function insertMeetingNotes(
  panels: TranscriptPanels,
  service: FileTranscriber,
  extensionId: string,
  source?: vscode.Uri,
): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    void vscode.window.showWarningMessage(
      'SenseVoice: open a Markdown file and place the cursor where the notes should go.',
    );
    return false;
  }
  const document = editor.document;
  // Remembered now: transcription takes a while and the user may click elsewhere meanwhile.
  const anchor = editor.selection.active;
  const file = source instanceof vscode.Uri ? source : await pickSource(panels);
  if (!file) return false;
  const transcript: TranscriptData | undefined = await service.transcript(file, { show: false });
  if (!transcript) return false; // the service said why (error notification) or the user cancelled
  const linesAbove = document.getText(new vscode.Range(new vscode.Position(0, 0), anchor)).split('\n');
  const notes = formatMarkdown(transcript, {
    emoji: exportEmoji(),
    date: recordingDate(file.fsPath),
    headingLevel: headingLevelAt(linesAbove),
    // Each [m:ss] opens the transcript at that moment and plays from there.
    timestampLink: notesTimestampLink(extensionId, file.fsPath),
  });
  // Insert where the cursor is now if the user is still in that document, else where it was.
  const current = vscode.window.activeTextEditor;
  const at = current?.document === document ? current.selection.active : document.validatePosition(anchor);
  const before = document.getText(new vscode.Range(new vscode.Position(0, 0), at));
  const after = document.getText(new vscode.Range(at, document.lineAt(document.lineCount - 1).range.end));
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, at, padForInsertion(notes, before, after));
  return vscode.workspace.applyEdit(edit);
}
