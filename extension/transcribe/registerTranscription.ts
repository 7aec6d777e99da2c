// The transcription commands: Transcribe (explorer and palette), Open Transcript, Export Transcript,
// Insert Meeting Notes, and "Insert transcript" on paste/drop into Markdown.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  EXPORT_FORMATS,
  isExportFormat,
  parseTranscriptJson,
  TranscriptParseError,
  type ExportFormat,
} from '../../common/formats';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { exportWithFeedback } from '../exports/exportTranscript';
import { insertMeetingNotes } from '../meetingNotes/insertMeetingNotes';
import { TranscriptPasteDrop } from '../pasteDrop/transcriptPasteDrop';
import { TRANSCRIPT_VIEW_TYPE, TranscriptPanels } from '../transcript/transcriptPanels';
import type { TranscriptSession } from '../transcript/transcriptSession';
import { AUDIO_EXTENSIONS, isAudioPath } from './audioFiles';
import { diarizationParams, FileTranscriber } from './fileTranscriber';
import { mergeSpeakersFlow, renameSpeakerFlow, saveSpeakerEdit } from '../transcript/speakerEditing';
import { registerSpeakerProfiles } from '../speakers/registerSpeakerProfiles';
import { speakerSaving, vscodeSpeakerCountUi, vscodeSpeakerUi } from '../transcript/speakerEditUi';
import { setSpeakerCountFlow } from '../transcript/speakerCountFlow';
import { timestampLinkHandler } from '../meetingNotes/openTimestampLink';
import { registerSummarizeMeeting } from '../meetingSummary/summarizeMeetingCommand';

/** Arguments a keybinding, a script or a test may pass to `sensevoice.exportTranscript`. */
interface ExportArgs {
  format?: string;
  /** The audio file whose transcript to export (default: the active transcript view). */
  source?: string | vscode.Uri;
  /** Where to save, skipping the dialog (an existing file still needs a confirmation). */
  target?: string | vscode.Uri;
}

function toUri(v: string | vscode.Uri | undefined): vscode.Uri | undefined {
  if (!v) return undefined;
  if (v instanceof vscode.Uri) return v;
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(v) ? vscode.Uri.parse(v) : vscode.Uri.file(v);
}

export function registerTranscription(
  context: vscode.ExtensionContext,
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
): void {
  const panels = new TranscriptPanels(context.extensionUri);
  const service = new FileTranscriber(sup, panels, log);
  const exportSession = (file: vscode.Uri, session: TranscriptSession, format: ExportFormat, target?: vscode.Uri) => {
    if (!session.transcript) {
      void vscode.window.showWarningMessage('SenseVoice: the transcript is not finished yet.');
      return Promise.resolve(undefined);
    }
    return exportWithFeedback({ transcript: session.transcript, source: file, format, target }, log);
  };
  panels.actions = {
    cancel: (file) => service.cancel(file),
    retry: (file) => void service.transcribeFiles([file], { show: true }),
    restore: (file, from) => void service.restore(file, from),
    export: async (session, format) => {
      await exportSession(vscode.Uri.file(session.filePath), session, format);
    },
    renameSpeaker: (session, id) => void renameSpeakerFlow(session, id, vscodeSpeakerUi, saving),
    mergeSpeakers: (session, id) => void mergeSpeakersFlow(session, id, vscodeSpeakerUi, saving),
    setSpeakerCount: (session) => void setSpeakerCountFlow(session, vscodeSpeakerCountUi, saving),
  };
  const saving = speakerSaving(sup, diarizationParams);
  registerSpeakerProfiles(
    context,
    panels,
    (session, id, name) => saveSpeakerEdit(session, { kind: 'rename', id, name }, vscodeSpeakerUi, saving),
    log,
  );
  // The notes' timestamp links come back here (activation event onUri).
  context.subscriptions.push(vscode.window.registerUriHandler(timestampLinkHandler(panels, service, log)));
  const pasteDrop = new TranscriptPasteDrop(service, log);
  context.subscriptions.push(panels, pasteDrop.register(), { dispose: () => service.cancelAll() });
  // Transcript views come back after a window reload (activation event onWebviewPanel:sensevoice.transcript).
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(TRANSCRIPT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, saved) => panels.restore(panel, saved),
    }),
  );

  const register = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  // From the explorer: (clicked, all selected); from the palette: nothing, so ask.
  register('sensevoice.transcribe', async (clicked?: vscode.Uri, selected?: vscode.Uri[]) => {
    let files =
      Array.isArray(selected) && selected.length > 0 ? selected : clicked instanceof vscode.Uri ? [clicked] : undefined;
    if (!files) {
      const active = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
      files = await vscode.window.showOpenDialog({
        title: 'SenseVoice: Transcribe',
        canSelectMany: true,
        openLabel: 'Transcribe',
        filters: { 'Audio and video': [...AUDIO_EXTENSIONS], 'All files': ['*'] },
        defaultUri: active && isAudioPath(active.fsPath) ? active : vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      if (!files?.length) return;
    }
    await service.transcribeFiles(files, { show: true });
  });

  register('sensevoice.openTranscript', async (clicked?: vscode.Uri) => {
    const file =
      clicked instanceof vscode.Uri
        ? clicked
        : (
            await vscode.window.showOpenDialog({
              title: 'SenseVoice: Open Transcript',
              canSelectMany: false,
              openLabel: 'Open',
              filters: { 'SenseVoice transcript (JSON)': ['json'] },
            })
          )?.[0];
    if (!file) return;
    try {
      const t = parseTranscriptJson(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'));
      const audio = audioFor(file.fsPath, t.file);
      const key = audio ? vscode.Uri.file(audio) : file;
      panels.showLoaded(key, (s) => s.finish(t, 'file', file.fsPath));
    } catch (err) {
      const message =
        err instanceof TranscriptParseError
          ? err.message
          : `Could not read ${path.basename(file.fsPath)}: ${err instanceof Error ? err.message : String(err)}`;
      void vscode.window.showErrorMessage(`SenseVoice: ${message}`);
    }
  });

  register('sensevoice.exportTranscript', async (args?: ExportArgs) => {
    const a: ExportArgs = args && typeof args === 'object' && !(args instanceof vscode.Uri) ? args : {};
    const source = toUri(a.source);
    let target: { file: vscode.Uri; session: TranscriptSession } | undefined;
    if (source) {
      const s = panels.existing(source);
      if (s) target = { file: source, session: s };
    } else {
      target = panels.active() ?? (panels.finished().length === 1 ? panels.finished()[0] : undefined);
      if (!target && panels.finished().length > 1) {
        const pick = await vscode.window.showQuickPick(
          panels.finished().map((f) => ({
            label: path.basename(f.file.fsPath),
            description: vscode.workspace.asRelativePath(f.file),
            f,
          })),
          { title: 'Export Transcript', placeHolder: 'Which transcript?' },
        );
        target = pick?.f;
        if (!pick) return undefined;
      }
    }
    if (!target) {
      void vscode.window.showWarningMessage(
        'SenseVoice: no transcript to export. Transcribe a file first (right-click it in the Explorer).',
      );
      return undefined;
    }
    let format = isExportFormat(a.format) ? a.format : undefined;
    if (!format) {
      const pick = await vscode.window.showQuickPick(
        EXPORT_FORMATS.map((f) => ({ label: f.label, description: `*${f.suffix}`, format: f.format })),
        { title: `Export ${path.basename(target.file.fsPath)}`, placeHolder: 'Format' },
      );
      if (!pick) return undefined;
      format = pick.format;
    }
    const written = await exportSession(target.file, target.session, format, toUri(a.target));
    return written?.fsPath;
  });

  // The active transcript view's, else the only finished one's (the view's button sends it straight).
  register('sensevoice.setSpeakerCount', async () => {
    const target = panels.active() ?? (panels.finished().length === 1 ? panels.finished()[0] : undefined);
    if (!target) {
      void vscode.window.showWarningMessage(
        'SenseVoice: open a transcript with speakers first (Transcribe an audio file with speakers on).',
      );
      return undefined;
    }
    return setSpeakerCountFlow(target.session, vscodeSpeakerCountUi, saving);
  });

  register('sensevoice.insertMeetingNotes', (source?: vscode.Uri) =>
    insertMeetingNotes(panels, service, context.extension.id, source instanceof vscode.Uri ? source : undefined),
  );
  registerSummarizeMeeting({ context, panels, service, log });
}

/** The audio a saved transcript belongs to: the path it names, else a file of that name beside it. */
function audioFor(jsonPath: string, named: string): string | undefined {
  const candidates = [named, path.join(path.dirname(jsonPath), path.basename(named))];
  const stem = path.basename(jsonPath).replace(/(\.transcript)?\.json$/i, '');
  for (const ext of AUDIO_EXTENSIONS) candidates.push(path.join(path.dirname(jsonPath), `${stem}.${ext}`));
  return candidates.find((c) => c && path.isAbsolute(c) && isAudioPath(c) && fs.existsSync(c));
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
}
