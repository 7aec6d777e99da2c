// The speaker profile commands: Remember This Voice and Not This Person (from a speaker chip's context
// menu in the transcript view, which passes the speaker, or from the palette, which asks), Forget Voice
// and Open Remembered Voices. The flows are in voiceProfileFlows.ts; here are VS Code's prompts.
import * as vscode from 'vscode';
import { SPEAKER_PROFILES_FILE } from '../../common/protocol';
import type { TranscriptPanels } from '../transcript/transcriptPanels';
import type { TranscriptSession } from '../transcript/transcriptSession';
import { SpeakerProfileStore, setSpeakerProfileStore } from './speakerProfileStore';
import {
  forgetVoiceFlow,
  notThisPersonFlow,
  rememberVoiceFlow,
  type RenameSpeaker,
  type VoiceProfileUi,
} from './voiceProfileFlows';

const ui: VoiceProfileUi = {
  confirmEnable: async () =>
    (await vscode.window.showInformationMessage(
      'Remember voices in this workspace?',
      {
        modal: true,
        detail:
          `A remembered voice is a list of numbers describing how the person sounds, saved in ${SPEAKER_PROFILES_FILE} ` +
          '(you can read and delete it). Later recordings transcribed with speakers in this workspace show the name ' +
          'when a voice is close enough. This turns on the workspace setting sensevoice.speakers.profiles.',
      },
      'Remember Voices',
    )) === 'Remember Voices',
  askName: async (current, validate) =>
    await vscode.window.showInputBox({
      title: `Remember ${current}'s voice as`,
      prompt: 'The name this voice gets in this transcript and, when recognised, in later recordings',
      value: '',
      validateInput: validate,
    }),
  pickSpeaker: async (title, placeHolder, choices) =>
    (await vscode.window.showQuickPick(choices, { title, placeHolder }))?.id,
  pickProfile: async (names) =>
    await vscode.window.showQuickPick(names, { title: 'Forget Voice', placeHolder: 'The remembered voice to forget' }),
  confirmForget: async (name) =>
    (await vscode.window.showWarningMessage(
      `Forget ${name}'s voice?`,
      {
        modal: true,
        detail: `It is removed from ${SPEAKER_PROFILES_FILE}; transcripts already made keep their names.`,
      },
      'Forget',
    )) === 'Forget',
  info: (message) => void vscode.window.showInformationMessage(message),
  warn: (message) => void vscode.window.showWarningMessage(message),
};

/** A speaker chip's context menu passes {speakerId}; the palette passes nothing. */
function speakerArg(arg: unknown): string | undefined {
  const id = (arg as { speakerId?: unknown } | undefined)?.speakerId;
  return typeof id === 'string' ? id : undefined;
}

export function registerSpeakerProfiles(
  context: vscode.ExtensionContext,
  panels: TranscriptPanels,
  rename: RenameSpeaker,
  log: vscode.LogOutputChannel,
): void {
  const store = new SpeakerProfileStore(log);
  setSpeakerProfileStore(store);
  context.subscriptions.push(store, { dispose: () => setSpeakerProfileStore(undefined) });

  const withSession = (fn: (session: TranscriptSession, id: string | undefined) => Promise<unknown>) => {
    return async (arg?: unknown) => {
      const active = panels.active() ?? panels.finished()[0];
      if (!active?.session.transcript) {
        void vscode.window.showWarningMessage('SenseVoice: open a finished transcript with speakers first.');
        return;
      }
      await fn(active.session, speakerArg(arg));
    };
  };
  const register = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  register(
    'sensevoice.rememberVoice',
    withSession((session, id) => rememberVoiceFlow(session, id, ui, store, rename)),
  );
  register(
    'sensevoice.notThisPerson',
    withSession((session, id) => notThisPersonFlow(session, id, ui, store)),
  );
  register('sensevoice.forgetVoice', () => forgetVoiceFlow(ui, store));
  register('sensevoice.openSpeakerProfiles', async () => {
    const file = store.file();
    if (!file) {
      void vscode.window.showWarningMessage(
        `SenseVoice: open a folder first: remembered voices are kept in its ${SPEAKER_PROFILES_FILE}.`,
      );
      return;
    }
    try {
      await vscode.window.showTextDocument(vscode.Uri.file(file));
    } catch {
      void vscode.window.showInformationMessage(
        `SenseVoice: no voices are remembered in this workspace yet (${SPEAKER_PROFILES_FILE} does not exist).`,
      );
    }
  });
}
