// Dropping or pasting audio files into Markdown offers "Insert transcript" beside the usual link.
// Choosing it inserts a placeholder at once and transcribes in the background (with the usual
// progress notification and Cancel); the notes replace the placeholder when they are ready. Undoing
// the paste, or switching to another paste option, removes the placeholder and the notes are dropped.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatMarkdown } from '../../common/formats';
import { exportEmoji } from '../config';
import { recordingDate } from '../exports/exportTranscript';
import { headingLevelAt, padForInsertion } from '../meetingNotes/notesPlacement';
import type { FileTranscriber } from '../transcribe/fileTranscriber';
import { audioUrisFromUriList, findPlaceholder, placeholderIds, placeholderText } from './placeholders';

const KIND = vscode.DocumentDropOrPasteEditKind.Empty.append('sensevoice', 'transcript');
const MARKDOWN_LINK = vscode.DocumentDropOrPasteEditKind.Empty.append('markdown', 'link');
const PENDING_TTL_MS = 10 * 60_000;

interface Pending {
  file: vscode.Uri;
  made: number;
}

export class TranscriptPasteDrop implements vscode.DocumentDropEditProvider, vscode.DocumentPasteEditProvider {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly service: FileTranscriber,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  register(): vscode.Disposable {
    const selector: vscode.DocumentSelector = { language: 'markdown' };
    return vscode.Disposable.from(
      vscode.languages.registerDocumentDropEditProvider(selector, this, {
        providedDropEditKinds: [KIND],
        dropMimeTypes: ['text/uri-list', 'files'],
      }),
      vscode.languages.registerDocumentPasteEditProvider(selector, this, {
        providedPasteEditKinds: [KIND],
        pasteMimeTypes: ['text/uri-list', 'files'],
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
    );
  }

  async provideDocumentDropEdits(
    _d: vscode.TextDocument,
    _p: vscode.Position,
    data: vscode.DataTransfer,
  ): Promise<vscode.DocumentDropEdit | undefined> {
    const text = await this.placeholders(data);
    if (!text) return undefined;
    const edit = new vscode.DocumentDropEdit(text.insert, text.title, KIND);
    edit.yieldTo = [MARKDOWN_LINK];
    return edit;
  }

  async provideDocumentPasteEdits(
    _d: vscode.TextDocument,
    _r: readonly vscode.Range[],
    data: vscode.DataTransfer,
  ): Promise<vscode.DocumentPasteEdit[] | undefined> {
    const text = await this.placeholders(data);
    if (!text) return undefined;
    const edit = new vscode.DocumentPasteEdit(text.insert, text.title, KIND);
    edit.yieldTo = [MARKDOWN_LINK];
    return [edit];
  }

  private async placeholders(data: vscode.DataTransfer): Promise<{ insert: string; title: string } | undefined> {
    const uris = new Set<string>();
    const list = await data.get('text/uri-list')?.asString();
    if (list) for (const u of audioUrisFromUriList(list)) uris.add(u);
    data.forEach((item) => {
      const f = item.asFile();
      if (f?.uri && f.uri.scheme === 'file') for (const u of audioUrisFromUriList(f.uri.toString())) uris.add(u);
    });
    if (uris.size === 0) return undefined;
    const now = Date.now();
    for (const [id, p] of this.pending) if (now - p.made > PENDING_TTL_MS) this.pending.delete(id);
    const lines: string[] = [];
    for (const u of uris) {
      const file = vscode.Uri.parse(u);
      const id = randomBytes(8).toString('hex');
      this.pending.set(id, { file, made: now });
      lines.push(placeholderText(id, path.basename(file.fsPath)));
    }
    return {
      insert: lines.join('\n\n'),
      title: uris.size === 1 ? 'Insert transcript' : `Insert ${uris.size} transcripts`,
    };
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (this.pending.size === 0) return;
    for (const change of e.contentChanges) {
      for (const id of placeholderIds(change.text)) {
        const p = this.pending.get(id);
        if (!p) continue;
        this.pending.delete(id);
        void this.fill(e.document.uri, id, p.file);
      }
    }
  }

  private async fill(docUri: vscode.Uri, id: string, file: vscode.Uri): Promise<void> {
    const transcript = await this.service.transcript(file, { show: false });
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === docUri.toString());
    if (!doc) return;
    const where = findPlaceholder(doc.getText(), id);
    if (!where) {
      this.log.info(`the placeholder for ${file.fsPath} is gone; its notes were not inserted`);
      return;
    }
    const range = new vscode.Range(doc.positionAt(where.start), doc.positionAt(where.end));
    let text = '';
    if (transcript) {
      const text0 = doc.getText();
      const before = text0.slice(0, where.start);
      const after = text0.slice(where.end);
      const notes = formatMarkdown(transcript, {
        emoji: exportEmoji(),
        date: recordingDate(file.fsPath),
        headingLevel: headingLevelAt(before.split('\n')),
      });
      // A drop in the middle of a line still gives the notes blocks of their own.
      text = padForInsertion(notes, before, after);
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, range, text);
    await vscode.workspace.applyEdit(edit);
  }
}
