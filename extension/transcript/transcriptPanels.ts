// The transcript views: one session per audio file (the latest run or the opened JSON), shown in
// at most one webview panel. The page asks for a snapshot when it is ready; after that the session
// streams segments and progress to it. Everything the page asks for is checked and routed here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatTranscript, type ExportFormat } from '../../common/formats';
import { exportEmoji } from '../config';
import { isAudioPath } from '../transcribe/audioFiles';
import { transcriptHtml, makeNonce } from './html';
import { parsePageMessage, type HostMessage } from '../../common/pages/transcriptMessages';
import { parseRestoreState } from './restoreState';
import { TranscriptSession } from './transcriptSession';

export const TRANSCRIPT_VIEW_TYPE = 'sensevoice.transcript';

export interface PanelActions {
  cancel(file: vscode.Uri): void;
  retry(file: vscode.Uri): void;
  export(session: TranscriptSession, format: ExportFormat): Promise<void>;
  /** Fills a view VS Code brought back after a reload: the saved JSON again, or the daemon's cache. */
  restore(file: vscode.Uri, from: { transcriptFile: string | null; speakerCount?: number | 'auto' }): void;
  /** The user clicked a speaker's name in the view. */
  renameSpeaker(session: TranscriptSession, id: string): void;
  /** The user asked to merge two speakers (`id`: the first, when the page knows it). */
  mergeSpeakers(session: TranscriptSession, id: string | undefined): void;
  /** The user asked to set the number of speakers (the view's "Speakers: N" button). */
  setSpeakerCount(session: TranscriptSession): void;
}

interface Entry {
  file: vscode.Uri;
  session: TranscriptSession;
  panel?: vscode.WebviewPanel;
  ready: boolean;
  lastFocused: number;
  /** A moment to play (a notes link) asked for before the page was ready; sent after its snapshot. */
  pendingSeek?: number;
}

export class TranscriptPanels implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];
  private focusCounter = 0;
  actions: PanelActions | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('sensevoice.exportEmoji')) return;
        for (const entry of this.entries.values()) entry.session.setEmoji(exportEmoji());
      }),
    );
  }

  /** The session for a file, made (empty) on first use. */
  session(file: vscode.Uri): TranscriptSession {
    return this.entry(file).session;
  }

  /** The session for a file if there is one. */
  existing(file: vscode.Uri): TranscriptSession | undefined {
    return this.entries.get(file.fsPath)?.session;
  }

  /** Finished transcripts, the most recently viewed first (for "Insert Meeting Notes"). */
  finished(): { file: vscode.Uri; session: TranscriptSession }[] {
    return [...this.entries.values()]
      .filter((e) => e.session.transcript !== null)
      .sort((a, b) => b.lastFocused - a.lastFocused)
      .map((e) => ({ file: e.file, session: e.session }));
  }

  /** The session of the transcript panel that is active now, if one is. */
  active(): { file: vscode.Uri; session: TranscriptSession } | undefined {
    for (const e of this.entries.values()) if (e.panel?.active) return { file: e.file, session: e.session };
    return undefined;
  }

  /** Shows the file's view, making the panel if needed. */
  show(file: vscode.Uri, options: { preserveFocus?: boolean } = {}): void {
    const entry = this.entry(file);
    if (entry.panel) {
      entry.panel.reveal(undefined, options.preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      TRANSCRIPT_VIEW_TYPE,
      `Transcript: ${path.basename(file.fsPath)}`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      {
        ...this.webviewOptions(file),
        enableFindWidget: true,
        // Playback position and filters survive switching tabs.
        retainContextWhenHidden: true,
      },
    );
    this.attach(entry, panel);
  }

  /**
   * A transcript view VS Code brings back after a window reload (see the serializer in
   * registerTranscription.ts): shown at once, then filled from the saved JSON or the daemon's cache.
   * A state the page could not have saved, or a file already shown elsewhere, closes it.
   */
  restore(panel: vscode.WebviewPanel, saved: unknown): void {
    const r = parseRestoreState(saved);
    const entry = r && this.entry(vscode.Uri.file(r.filePath));
    if (!r || !entry || entry.panel) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions(entry.file);
    this.attach(entry, panel);
    this.actions?.restore(entry.file, {
      transcriptFile: r.transcriptFile,
      ...(r.speakerCount !== undefined ? { speakerCount: r.speakerCount } : {}),
    });
  }

  private webviewOptions(file: vscode.Uri): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist', 'media'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
        vscode.Uri.file(path.dirname(file.fsPath)),
      ],
    };
  }

  /** Makes `panel` the view of `entry`: page, messages, and what happens when it closes. */
  private attach(entry: Entry, panel: vscode.WebviewPanel): void {
    const file = entry.file;
    panel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'icons', 'transcript-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'icons', 'transcript-dark.svg'),
    };
    entry.panel = panel;
    entry.ready = false;
    entry.lastFocused = ++this.focusCounter;
    const webview = panel.webview;
    const audioUri = isAudioPath(file.fsPath) && fileExists(file) ? webview.asWebviewUri(file).toString() : null;
    const post = (m: HostMessage) => {
      if (!entry.ready) return; // the snapshot after `ready` carries everything sent before
      const patched: HostMessage = m.type === 'snapshot' ? { type: 'snapshot', state: { ...m.state, audioUri } } : m;
      void webview.postMessage(patched);
    };
    webview.html = transcriptHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview
        .asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'media', 'transcriptView.js'))
        .toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'transcript.css')).toString(),
    });
    entry.session.setListener(post);
    panel.onDidChangeViewState(() => {
      if (panel.active) entry.lastFocused = ++this.focusCounter;
    });
    webview.onDidReceiveMessage((raw: unknown) => this.onMessage(entry, raw, post));
    panel.onDidDispose(() => {
      entry.panel = undefined;
      entry.ready = false;
      entry.session.setListener(undefined);
      // A running job goes on (its notification has the Cancel button; Transcribe shows it again);
      // a finished transcript stays at hand for notes; a failed one is forgotten.
      if (entry.session.status === 'failed' || entry.session.status === 'cancelled')
        this.entries.delete(entry.file.fsPath);
    });
  }

  /**
   * Shows the file's view and has its page go to `sec` and play from there (a meeting notes link).
   * A page not ready yet gets it right after its snapshot.
   */
  seek(file: vscode.Uri, sec: number): void {
    this.show(file);
    const entry = this.entry(file);
    if (entry.ready && entry.panel) void entry.panel.webview.postMessage({ type: 'seek', sec });
    else entry.pendingSeek = sec;
  }

  /** Opens a transcript read from a file (a JSON export). */
  showLoaded(file: vscode.Uri, session: (s: TranscriptSession) => void): void {
    session(this.session(file));
    this.show(file);
  }

  private entry(file: vscode.Uri): Entry {
    let e = this.entries.get(file.fsPath);
    if (!e) {
      e = {
        file,
        session: new TranscriptSession({
          fileName: path.basename(file.fsPath),
          filePath: file.fsPath,
          emoji: exportEmoji(),
        }),
        ready: false,
        lastFocused: ++this.focusCounter,
      };
      this.entries.set(file.fsPath, e);
    }
    return e;
  }

  private onMessage(entry: Entry, raw: unknown, post: (m: HostMessage) => void): void {
    const m = parsePageMessage(raw);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        entry.ready = true;
        post({ type: 'snapshot', state: entry.session.snapshot() });
        if (entry.pendingSeek !== undefined) {
          post({ type: 'seek', sec: entry.pendingSeek });
          entry.pendingSeek = undefined;
        }
        return;
      case 'renameSpeaker':
        this.actions?.renameSpeaker(entry.session, m.id);
        return;
      case 'mergeSpeakers':
        this.actions?.mergeSpeakers(entry.session, m.id);
        return;
      case 'setSpeakerCount':
        this.actions?.setSpeakerCount(entry.session);
        return;
      case 'cancel':
        this.actions?.cancel(entry.file);
        return;
      case 'retry':
        this.actions?.retry(entry.file);
        return;
      case 'export':
        void this.actions?.export(entry.session, m.format);
        return;
      case 'copy': {
        const emoji = exportEmoji();
        const t = entry.session.partial();
        let text: string;
        if (m.what === 'segment') {
          const seg = entry.session.segmentAt(m.index ?? -1);
          if (!seg) return;
          text = formatTranscript({ ...t, segments: [seg] }, 'txt', { emoji, timestamps: false }).trimEnd();
        } else {
          text = formatTranscript(t, m.what === 'markdown' ? 'md' : 'txt', { emoji });
        }
        void vscode.env.clipboard.writeText(text).then(() =>
          post({
            type: 'notice',
            text:
              m.what === 'segment'
                ? 'Segment copied'
                : m.what === 'markdown'
                  ? 'Copied as Markdown'
                  : 'Transcript copied',
          }),
        );
        return;
      }
    }
  }

  dispose(): void {
    for (const e of this.entries.values()) e.panel?.dispose();
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }
}

function fileExists(file: vscode.Uri): boolean {
  try {
    return fs.statSync(file.fsPath).isFile();
  } catch {
    return false;
  }
}
