// "SenseVoice: Record Meeting Notes" and its companions (Pause, Resume, Stop Recording, Finish
// Transcribing): the vscode side of a LiveNotesSession. It checks the window can hear the user (not
// in a remote window without saying so), picks and remembers the device, writes the recording
// beside the notes, feeds the document's edits and the daemon's notifications to the session, and
// keeps the recording in the global state until its final notes are in, so a crash of the daemon
// or of the window ends with an offer to finish transcribing the file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DaemonConnection } from '../../client/daemonConnection';
import { localDateTime } from '../../common/formats';
import { exportEmoji } from '../config';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { showError } from '../errors';
import { offerSpeakerModelsDownload } from '../modelSetup/speakerModelsCommand';
import { diarizationParams } from '../transcribe/fileTranscriber';
import { headingLevelAt, insertionPadding } from '../meetingNotes/notesPlacement';
import { devicePicks, rememberDevice, rememberedDevice, type DevicePick } from './devicePicks';
import {
  LiveNotesSession,
  type EditedChoice,
  type FinishProgress,
  type LiveNotesOptions,
  type NotesDocument,
} from './liveNotesSession';
import { routeLive } from './liveRouting';
import { LiveStatusBar } from './liveStatusBar';
import { liveActions } from './liveStatusText';
import { addPending, pendingRecordings, removePending, type PendingRecording } from './pendingRecordings';
import { remoteCaptureProblem } from './remoteCapture';

const RECORDING_CONTEXT = 'sensevoice.recording';

function documentPort(document: vscode.TextDocument): NotesDocument {
  return {
    text: () => document.getText(),
    replace: (start, end, text) => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(end)), text);
      return Promise.resolve(vscode.workspace.applyEdit(edit));
    },
  };
}

async function askReplaceEdited(): Promise<EditedChoice | undefined> {
  const replace = 'Replace with the Final Notes';
  const keep = 'Keep Mine, Add the Final Notes After';
  const choice = await vscode.window.showWarningMessage(
    'SenseVoice: you edited the live notes. Replace them with the final notes of the recording, or keep your version and put the final notes after it?',
    replace,
    keep,
  );
  return choice === replace ? 'replace' : choice === keep ? 'append' : undefined;
}

export function registerLive(
  context: vscode.ExtensionContext,
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
): void {
  const status = new LiveStatusBar();
  context.subscriptions.push(status);
  let current: { session: LiveNotesSession; document: vscode.TextDocument } | undefined;
  const wired = new WeakSet<DaemonConnection>();
  const memory = context.globalState;

  const register = (id: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  const setContext = (state: string) => void vscode.commands.executeCommand('setContext', RECORDING_CONTEXT, state);
  setContext('');

  let lastState = '';
  const options = (document: vscode.TextDocument): LiveNotesOptions => ({
    daemon: { request: (method, params, o) => sup.request(method, params, o) },
    doc: documentPort(document),
    emoji: exportEmoji(),
    speakers: diarizationParams,
    onSpeakersUnavailable: (why) => {
      log.warn(why);
      offerSpeakerModelsDownload(why);
    },
    askReplaceEdited,
    onChange: (s) => changed(s, document),
    onCreated: (session) => {
      current = { session, document };
      lastState = '';
    },
  });

  function changed(s: LiveNotesSession, document: vscode.TextDocument): void {
    status.update(s, path.basename(s.info.path));
    const was = lastState;
    lastState = s.state;
    if (s.state === was) return;
    setContext(s.state === 'finished' ? '' : s.state);
    if (s.state === 'interrupted') offerFinish(s);
    if (s.state === 'finished') {
      void removePending(memory, s.info.markerId);
      status.hide();
      if (current?.session === s) current = undefined;
      vscode.window.setStatusBarMessage(
        `SenseVoice: final notes of ${path.basename(s.info.path)} are in ${path.basename(document.uri.fsPath)}`,
        6000,
      );
    }
  }

  function offerFinish(s: LiveNotesSession): void {
    log.warn(`recording ${s.info.path} interrupted: ${s.problem ?? 'unknown reason'}`);
    void vscode.window
      .showWarningMessage(
        `SenseVoice: the recording was interrupted (${s.problem ?? 'the daemon stopped'}). The live notes so far are in the document and the recording is kept in ${s.info.path}.`,
        'Finish Transcribing',
        'Show Logs',
      )
      .then((choice) => {
        if (choice === 'Finish Transcribing') void vscode.commands.executeCommand('sensevoice.finishTranscribing');
        if (choice === 'Show Logs') log.show();
      });
  }

  /** Routes the live notifications of a connection to the session, and its loss to the session. */
  function wire(conn: DaemonConnection): void {
    if (wired.has(conn)) return;
    wired.add(conn);
    routeLive(conn, {
      session: () => current?.session,
      onEnded: (p, finishing) => {
        void vscode.window.showWarningMessage(`SenseVoice: ${p.message}`);
        finishing.catch((err: unknown) => showError(err, log));
      },
    });
  }

  context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!current || e.document.uri.toString() !== current.document.uri.toString()) return;
      current.session.documentChanged(
        e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })),
      );
    }),
  );

  register('sensevoice.recordMeetingNotes', async () => {
    if (current && current.session.state !== 'interrupted') {
      const choice = await vscode.window.showInformationMessage(
        `SenseVoice is already recording to ${current.session.info.path}.`,
        'Stop Recording',
      );
      if (choice) await vscode.commands.executeCommand('sensevoice.stopRecording');
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'markdown') {
      void vscode.window.showWarningMessage(
        'SenseVoice: open a Markdown file and place the cursor where the meeting notes should go.',
      );
      return;
    }
    const remote = remoteCaptureProblem(vscode.env.remoteName);
    if (remote) {
      const anyway = 'Record on the Remote Machine';
      const choice = await vscode.window.showWarningMessage(
        remote.message,
        { modal: true, detail: remote.detail },
        anyway,
      );
      if (choice !== anyway) return;
    }
    const document = editor.document;
    const before = current;
    try {
      const list = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'SenseVoice: listing audio inputs' },
        () => sup.request('devices/list', {}),
      );
      const picked = await pickDevice(list.devices, rememberedDevice(memory));
      if (!picked) return;
      await rememberDevice(memory, picked.device);
      const dir = document.uri.scheme === 'file' ? path.dirname(document.uri.fsPath) : os.homedir();
      const anchor = document.offsetAt(editor.selection.active);
      const linesAbove = document
        .getText(new vscode.Range(new vscode.Position(0, 0), editor.selection.active))
        .split('\n');
      wire(await sup.connection());
      const session = await LiveNotesSession.start(
        options(document),
        {
          at: anchor,
          markerId: randomBytes(4).toString('hex'),
          device: picked.device,
          dir,
          date: localDateTime(new Date()),
          headingLevel: headingLevelAt(linesAbove),
        },
        insertionPadding,
      );
      changed(session, document);
      const pending: PendingRecording = { ...session.info, documentUri: document.uri.toString() };
      await addPending(memory, pending);
      log.info(`recording ${pending.path} into ${document.uri.fsPath}`);
    } catch (err) {
      if (current?.session.state === 'recording') current = before;
      showError(err, log);
    }
  });

  const withSession = (fn: (s: LiveNotesSession) => Promise<void>) => async () => {
    const s = current?.session;
    if (!s) {
      void vscode.window.showInformationMessage('SenseVoice is not recording.');
      return;
    }
    try {
      await fn(s);
    } catch (err) {
      showError(err, log);
    }
  };

  register(
    'sensevoice.pauseRecording',
    withSession((s) => s.pause()),
  );
  register(
    'sensevoice.resumeRecording',
    withSession((s) => s.resume()),
  );
  register(
    'sensevoice.stopRecording',
    withSession(async (s) => {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'SenseVoice: finishing the meeting notes…' },
        (progress) => s.stop(finishReporter(progress)),
      );
    }),
  );
  register(
    'sensevoice.finishTranscribing',
    withSession(async (s) => {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `SenseVoice: transcribing ${path.basename(s.info.path)}…`,
        },
        (progress) => s.finishTranscribing(finishReporter(progress)),
      );
    }),
  );
  register('sensevoice.recordingActions', async () => {
    const s = current?.session;
    const actions = s ? liveActions(s.state) : [];
    if (actions.length === 0) return;
    const choice = await vscode.window.showQuickPick(
      actions.map((a) => ({ label: a.label, command: a.command })),
      { title: `SenseVoice: ${path.basename(s!.info.path)}` },
    );
    if (choice) await vscode.commands.executeCommand(choice.command);
  });

  void offerPending();

  /** Recordings a previous window did not finish: offer to finish their notes. */
  async function offerPending(): Promise<void> {
    for (const p of pendingRecordings(memory)) {
      if (!fs.existsSync(p.path)) {
        await removePending(memory, p.markerId);
        continue;
      }
      const choice = await vscode.window.showWarningMessage(
        `SenseVoice: the recording ${path.basename(p.path)} was interrupted before its notes were final (the window or the daemon stopped). The file is kept.`,
        'Finish Transcribing',
        'Forget It',
      );
      if (choice === 'Forget It') await removePending(memory, p.markerId);
      if (choice !== 'Finish Transcribing') continue;
      try {
        const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(p.documentUri));
        await vscode.window.showTextDocument(document);
        const session = LiveNotesSession.recover(options(document), p);
        if (!session) {
          void vscode.window.showWarningMessage(
            `SenseVoice: the live notes of ${path.basename(p.path)} are not in ${path.basename(document.uri.fsPath)} any more. Use "Insert Meeting Notes" with ${p.path}.`,
          );
          await removePending(memory, p.markerId);
          continue;
        }
        current = { session, document };
        lastState = 'interrupted';
        await vscode.commands.executeCommand('sensevoice.finishTranscribing');
      } catch (err) {
        showError(err, log);
      }
    }
  }
}

async function pickDevice(
  devices: Parameters<typeof devicePicks>[0],
  remembered: string | undefined,
): Promise<DevicePick | undefined> {
  const { items, active } = devicePicks(devices, remembered);
  const qp = vscode.window.createQuickPick<DevicePick>();
  qp.title = 'Record Meeting Notes';
  qp.placeholder = 'The audio input to record';
  qp.items = items;
  qp.activeItems = [items[active]];
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** The final transcription's progress in a notification: a percentage and the phase (recognising, diarizing). */
function finishReporter(progress: vscode.Progress<{ message?: string; increment?: number }>): FinishProgress {
  let shown = 0;
  return (fraction, message) => {
    const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    const phase = message && message !== 'done' ? ` (${message})` : '';
    progress.report({ message: `${pct}%${phase}`, increment: Math.max(0, pct - shown) });
    shown = Math.max(shown, pct);
  };
}
