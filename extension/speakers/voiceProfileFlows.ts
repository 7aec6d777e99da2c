// "Remember This Voice", "Not This Person" and "Forget Voice", apart from VS Code (the prompts and
// the profiles file come in as interfaces, so this is unit-tested with fakes). Speaker profiles are
// opt-in per workspace: the first "Remember" in a workspace where they are off asks to turn them on.
// The voices live in the workspace's .vscode/sensevoice-speakers.json, which the user can read, edit
// and delete; the daemon gets them with each diarized transcription and never reads the file.
import {
  SPEAKER_PROFILES_FILE,
  type SpeakerProfilesFile,
  type TranscriptSpeaker,
  type VoiceModelId,
} from '../../common/protocol';
import { defaultSpeakerName, isDefaultSpeakerName } from '../../common/formats/speakers';
import { MAX_SPEAKER_NAME, tidySpeakerName } from '../../common/formats/speakerEdits';
import { forgetVoice, profileNames, rejectVoice, rememberVoice } from '../../common/speakerProfiles/profileEdits';
import type { TranscriptSession } from '../transcript/transcriptSession';
import type { SpeakerEditUi } from '../transcript/speakerEditing';

/** The questions the flows ask (VS Code's prompts in the extension). */
export interface VoiceProfileUi extends Pick<SpeakerEditUi, 'askName' | 'pickSpeaker'> {
  /** Whether to turn speaker profiles on for this workspace. */
  confirmEnable(): Promise<boolean>;
  pickProfile(names: string[]): Promise<string | undefined>;
  confirmForget(name: string): Promise<boolean>;
  info(message: string): void;
  warn(message: string): void;
}

/** The workspace's profiles: where the file is, whether profiles are on, and its read-modify-write. */
export interface VoiceProfileStore {
  /** The profiles file, or undefined when no folder is open. */
  file(): string | undefined;
  enabled(): boolean;
  enable(): Promise<void>;
  read(): Promise<SpeakerProfilesFile>;
  update<R>(change: (f: SpeakerProfilesFile) => { file: SpeakerProfilesFile; result: R }): Promise<R>;
}

/** Names a speaker in the transcript (the rename flow's save: the view, then the cache or file). */
export type RenameSpeaker = (session: TranscriptSession, id: string, name: string) => Promise<unknown>;

type Outcome = 'saved' | 'cancelled';

function voiced(session: TranscriptSession): { speakers: TranscriptSpeaker[]; model: VoiceModelId } | undefined {
  const t = session.transcript;
  const speakers = (t?.speakers ?? []).filter((s) => s.voice && s.voice.length > 0);
  return t?.voiceModel && speakers.length > 0 ? { speakers, model: t.voiceModel } : undefined;
}

const choice = (s: TranscriptSpeaker) => ({
  id: s.id,
  label: s.name,
  description: s.recognised
    ? `recognised voice (${Math.round(s.recognised.similarity * 100)}% alike), ${Math.round(s.talkSec)} s of talk`
    : `${Math.round(s.talkSec)} s of talk`,
});

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Saves the speaker's voice under its name (asked for when it is still "Speaker n"). */
export async function rememberVoiceFlow(
  session: TranscriptSession,
  id: string | undefined,
  ui: VoiceProfileUi,
  store: VoiceProfileStore,
  rename: RenameSpeaker,
  now: () => Date = () => new Date(),
): Promise<Outcome> {
  const v = voiced(session);
  if (!v) {
    ui.warn(
      'SenseVoice: this transcript has no speaker voices to remember. Transcribe the recording with speakers ' +
        '(sensevoice.diarization.enabled); a transcript opened from a JSON export does not carry voices.',
    );
    return 'cancelled';
  }
  const file = store.file();
  if (!file) {
    ui.warn(`SenseVoice: open a folder first: remembered voices are kept in its ${SPEAKER_PROFILES_FILE}.`);
    return 'cancelled';
  }
  if (!store.enabled()) {
    if (!(await ui.confirmEnable())) return 'cancelled';
    await store.enable();
  }
  const speakerId =
    id && v.speakers.some((s) => s.id === id)
      ? id
      : await ui.pickSpeaker('Remember This Voice', 'Whose voice to remember', v.speakers.map(choice));
  const speaker = v.speakers.find((s) => s.id === speakerId);
  if (!speaker?.voice) return 'cancelled';
  let name = speaker.name;
  if (isDefaultSpeakerName(speaker.id, speaker.name)) {
    const asked = await ui.askName(speaker.name, (value) =>
      tidySpeakerName(value) === null || isDefaultSpeakerName(speaker.id, value.trim())
        ? `The name to recognise this voice by (1 to ${MAX_SPEAKER_NAME} characters).`
        : undefined,
    );
    const tidy = asked === undefined ? null : tidySpeakerName(asked);
    if (tidy === null || tidy === speaker.name) return 'cancelled';
    name = tidy;
    await rename(session, speaker.id, name);
  }
  const voice = speaker.voice;
  try {
    const samples = await store.update((f) => {
      const r = rememberVoice(f, name, voice, v.model, now());
      return { file: r.file, result: r.samples };
    });
    ui.info(
      samples === 1
        ? `SenseVoice: ${name}'s voice is remembered; later recordings in this workspace name it. It is kept in ${SPEAKER_PROFILES_FILE}.`
        : `SenseVoice: one more sample of ${name}'s voice (${samples} in all), so it is recognised more surely.`,
    );
    return 'saved';
  } catch (err) {
    ui.warn(`SenseVoice: the voice could not be saved: ${messageOf(err)}`);
    return 'cancelled';
  }
}

/**
 * A recognised speaker is not that person: the name goes from the speaker in this transcript, and its
 * voice becomes a negative of the profile, so that a voice as like it is not given the name again.
 */
export async function notThisPersonFlow(
  session: TranscriptSession,
  id: string | undefined,
  ui: VoiceProfileUi,
  store: VoiceProfileStore,
  now: () => Date = () => new Date(),
): Promise<Outcome> {
  const v = voiced(session);
  const recognised = (v?.speakers ?? []).filter((s) => s.recognised);
  if (!v || recognised.length === 0) {
    ui.warn('SenseVoice: no speaker of this transcript was named by a remembered voice.');
    return 'cancelled';
  }
  const speakerId =
    id && recognised.some((s) => s.id === id)
      ? id
      : await ui.pickSpeaker('Not This Person', 'Which speaker was named wrongly', recognised.map(choice));
  const speaker = recognised.find((s) => s.id === speakerId);
  const profile = speaker?.recognised?.profile;
  if (!speaker?.voice || !profile) return 'cancelled';
  const voice = speaker.voice;
  try {
    const found = await store.update((f) => {
      const r = rejectVoice(f, profile, voice, v.model, now());
      return { file: r.file, result: r.found };
    });
    if (!found)
      ui.warn(`SenseVoice: ${profile} is no longer in ${SPEAKER_PROFILES_FILE}; only this transcript changes.`);
  } catch (err) {
    ui.warn(`SenseVoice: the correction could not be saved: ${messageOf(err)}`);
    return 'cancelled';
  }
  // In the view only: the cached transcript never held the profile's name.
  session.editSpeakers({ kind: 'rename', id: speaker.id, name: defaultSpeakerName(speaker.id) ?? speaker.id });
  ui.info(`SenseVoice: this voice will not be named ${profile} again.`);
  return 'saved';
}

/** Removes a remembered voice (every profile of the name) from the workspace's file. */
export async function forgetVoiceFlow(ui: VoiceProfileUi, store: VoiceProfileStore): Promise<Outcome> {
  if (!store.file()) {
    ui.warn(`SenseVoice: open a folder first: remembered voices are kept in its ${SPEAKER_PROFILES_FILE}.`);
    return 'cancelled';
  }
  let names: string[];
  try {
    names = profileNames(await store.read());
  } catch (err) {
    ui.warn(`SenseVoice: ${messageOf(err)}`);
    return 'cancelled';
  }
  if (names.length === 0) {
    ui.info('SenseVoice: no voices are remembered in this workspace.');
    return 'cancelled';
  }
  const name = await ui.pickProfile(names);
  if (!name || !(await ui.confirmForget(name))) return 'cancelled';
  try {
    const removed = await store.update((f) => {
      const r = forgetVoice(f, name);
      return { file: r.file, result: r.removed };
    });
    ui.info(
      removed > 0 ? `SenseVoice: ${name}'s voice is forgotten.` : `SenseVoice: ${name} was no longer remembered.`,
    );
    return 'saved';
  } catch (err) {
    ui.warn(`SenseVoice: ${messageOf(err)}`);
    return 'cancelled';
  }
}
