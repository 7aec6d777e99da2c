// "SenseVoice: Summarize Meeting": a language model the user picked (and agreed to send the
// transcript's text to) writes a summary, the decisions and the action items with their owners.
// From notes made by Insert Meeting Notes, the section goes into those notes above their
// transcript; from a transcript view, into a new Markdown document. Cancellable, with progress.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { baseName, localDateTime, type TranscriptData } from '../../common/formats';
import { formatSummarySection, parseSummaryAnswer } from '../../common/meetingSummary/summaryAnswer';
import { spokenLines } from '../../common/meetingSummary/summaryPrompt';
import { ModelTooSmallError, summarizeMeeting, type SummaryModel } from '../../common/meetingSummary/summarize';
import { padForInsertion } from '../meetingNotes/notesPlacement';
import type { FileTranscriber } from '../transcribe/fileTranscriber';
import type { TranscriptPanels } from '../transcript/transcriptPanels';
import { chooseChatModel, consentTo, forgetChosenModel, forgetModelAndConsent } from './chatModelAccess';
import { languageModelErrorMessage, modelLabel, NOTHING_SAID } from './summaryMessages';
import { summaryTarget } from './summaryPlacement';

/** Why the extension asks the model (the editor may show it when it asks the user for access). */
const JUSTIFICATION = 'SenseVoice sends the meeting transcript to write its summary, decisions and action items.';

interface Deps {
  context: vscode.ExtensionContext;
  panels: TranscriptPanels;
  service: FileTranscriber;
  log: vscode.LogOutputChannel;
}

/** Where the summary goes: into notes (at a line of a document, for a file) or a new document. */
type Destination =
  | { kind: 'notes'; document: vscode.TextDocument; audioFile: string; line: number; headingLevel: number }
  | { kind: 'new'; audioFile: string };

export function registerSummarizeMeeting(deps: Deps): void {
  deps.context.subscriptions.push(
    vscode.commands.registerCommand('sensevoice.summarizeMeeting', () => summarizeMeetingCommand(deps)),
    vscode.commands.registerCommand('sensevoice.forgetSummaryConsent', () =>
      forgetModelAndConsent(deps.context.globalState),
    ),
  );
}

/** The notes at the cursor of a Markdown editor, else the active (or only) transcript view. */
function destination(deps: Deps): Destination | string {
  const view = deps.panels.active();
  const editor = vscode.window.activeTextEditor;
  if (!view && editor?.document.languageId === 'markdown') {
    const lines = editor.document.getText().split(/\r?\n/);
    const target = summaryTarget(lines, editor.selection.active.line, deps.context.extension.id);
    if (!target)
      return 'SenseVoice: this Markdown file has no meeting notes from SenseVoice (their timestamp links name the recording). Run "SenseVoice: Insert Meeting Notes" first, or Summarize Meeting from a transcript view.';
    return { kind: 'notes', document: editor.document, ...target };
  }
  const finished = deps.panels.finished();
  const chosen = view ?? (finished.length === 1 ? finished[0] : undefined);
  if (chosen?.session.transcript) return { kind: 'new', audioFile: chosen.file.fsPath };
  return 'SenseVoice: open meeting notes made by "Insert Meeting Notes" (cursor in them) or a finished transcript view, then run Summarize Meeting.';
}

export async function summarizeMeetingCommand(deps: Deps): Promise<boolean> {
  const where = destination(deps);
  if (typeof where === 'string') {
    void vscode.window.showWarningMessage(where);
    return false;
  }
  const audio = vscode.Uri.file(where.audioFile);
  if (where.kind === 'notes' && !deps.panels.existing(audio)?.transcript && !fs.existsSync(where.audioFile)) {
    void vscode.window.showWarningMessage(
      `SenseVoice: the recording these notes were made from is not there any more: ${where.audioFile}.`,
    );
    return false;
  }
  const transcript: TranscriptData | undefined =
    deps.panels.existing(audio)?.transcript ?? (await deps.service.transcript(audio, { show: false }));
  if (!transcript) return false; // the service said why, or the user cancelled
  const spoken = spokenLines(transcript);
  if (spoken.lines.length === 0) {
    void vscode.window.showInformationMessage(NOTHING_SAID);
    return false;
  }

  const state = deps.context.globalState;
  let model: vscode.LanguageModelChat | undefined;
  try {
    model = await chooseChatModel(state);
  } catch (err) {
    showModelError(err, 'the language model', deps.log);
    return false;
  }
  if (!model) return false;
  const label = modelLabel(model);
  if (!(await consentTo(model, state))) return false;

  const answer = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `SenseVoice: summarizing with ${label}`,
      cancellable: true,
    },
    async (progress, token) => {
      let requests = 0;
      try {
        const answer = await summarizeMeeting(spoken, chatModel(model, token), (p) => {
          requests = p.done;
          const step = p.planned > 1 ? `request ${Math.min(p.done + 1, p.planned)} of ${p.planned}: ` : '';
          progress.report({ message: `${step}${p.received > 0 ? `${p.received} characters received` : 'waiting'}` });
        });
        // (counts only: the transcript's text is never logged)
        deps.log.info(
          `summary: ${spoken.lines.length} transcript lines summarized by ${label} in ${requests} requests`,
        );
        return answer;
      } catch (err) {
        if (token.isCancellationRequested || err instanceof vscode.CancellationError) return undefined;
        if (err instanceof vscode.LanguageModelError && err.code === vscode.LanguageModelError.NotFound().code)
          await forgetChosenModel(state);
        showModelError(err, label, deps.log);
        return undefined;
      }
    },
  );
  if (answer === undefined) return false;

  const summary = parseSummaryAnswer(answer, spoken.speakers);
  const date = localDateTime(new Date());
  if (where.kind === 'new') {
    const section = formatSummarySection(summary, {
      headingLevel: 1,
      modelLabel: label,
      date,
      title: `Meeting summary: ${baseName(where.audioFile)}`,
    });
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: section });
    await vscode.window.showTextDocument(doc);
    return true;
  }
  // The user may have typed meanwhile: the notes' place is looked up again.
  const document = where.document;
  const again = summaryTarget(document.getText().split(/\r?\n/), where.line, deps.context.extension.id);
  const target = again?.audioFile === where.audioFile ? again : where;
  const section = formatSummarySection(summary, { headingLevel: target.headingLevel, modelLabel: label, date });
  const at = document.validatePosition(new vscode.Position(target.line, 0));
  const before = document.getText(new vscode.Range(new vscode.Position(0, 0), at));
  const after = document.getText(new vscode.Range(at, document.lineAt(document.lineCount - 1).range.end));
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, at, padForInsertion(section, before, after));
  const applied = await vscode.workspace.applyEdit(edit);
  if (applied) await vscode.window.showTextDocument(document, { selection: new vscode.Range(at, at) });
  return applied;
}

/** The editor's chat model as summarize.ts uses it: each request one user message, its text streamed. */
function chatModel(model: vscode.LanguageModelChat, token: vscode.CancellationToken): SummaryModel {
  return {
    maxInputTokens: model.maxInputTokens,
    countTokens: (text) => Promise.resolve(model.countTokens(text, token)),
    ask: async (prompt, onText) => {
      const response = await model.sendRequest(
        [vscode.LanguageModelChatMessage.User(prompt)],
        { justification: JUSTIFICATION },
        token,
      );
      let text = '';
      for await (const chunk of response.text) {
        text += chunk;
        onText(chunk);
      }
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      return text;
    },
  };
}

function showModelError(err: unknown, label: string, log: vscode.LogOutputChannel): void {
  const detail = err instanceof Error ? err.message : String(err);
  log.error(`summary with ${label} failed: ${detail}`);
  if (err instanceof ModelTooSmallError) {
    void vscode.window.showErrorMessage(
      `SenseVoice: ${label} takes too little text at once (${err.maxInputTokens} tokens) to summarize a meeting. Pick another model with "SenseVoice: Forget Summary Model and Consent".`,
    );
    return;
  }
  const code = err instanceof vscode.LanguageModelError ? err.code : undefined;
  void vscode.window.showErrorMessage(languageModelErrorMessage(code, label, detail), 'Show Logs').then((c) => {
    if (c === 'Show Logs') log.show();
  });
}
