// Renaming and merging a transcript's speakers from its view, apart from VS Code (the prompts come in
// as an interface, so this is unit-tested with fakes): ask, apply to the view's session (so the name
// changes at once in segments, lanes, filters, copies, exports and notes), then save where the
// transcript lives: the daemon's transcript cache for a transcript the model made (a reloaded window
// restores from there), or the saved JSON file the view was opened from (after asking once).
import type { DaemonSupervisor } from '../daemonSupervisor';
import type { TranscribeFileParams } from '../../common/protocol';
import { formatJson } from '../../common/formats';
import { MAX_SPEAKER_NAME, tidySpeakerName, type SpeakerEdit } from '../../common/formats/speakerEdits';
import type { TranscriptSession } from './transcriptSession';

/** The questions the flows ask (VS Code's input box and quick pick in the extension). */
export interface SpeakerEditUi {
  /** The new name, or undefined when the user backed out; `validate` says what is wrong with a value. */
  askName(current: string, validate: (value: string) => string | undefined): Promise<string | undefined>;
  /** One speaker of `choices` by id, or undefined. */
  pickSpeaker(
    title: string,
    placeHolder: string,
    choices: { id: string; label: string; description: string }[],
  ): Promise<string | undefined>;
  /** Whether the saved JSON file `file` may be written again with the new speakers. */
  confirmRewrite(file: string): Promise<boolean>;
  warn(message: string): void;
}

/** Where an edit is saved. */
export interface SpeakerEditSaving {
  sup: Pick<DaemonSupervisor, 'request'>;
  /** The `transcribe/file` options this window's transcripts are made with (they find the cache entry). */
  params(): Omit<TranscribeFileParams, 'path' | 'token' | 'cachedOnly'>;
  /** Writes a file whole, replacing it (atomically in the extension). */
  writeFile(file: string, text: string): Promise<void>;
}

/** What became of an edit: saved, only shown (saving failed or was declined), or not made. */
export type EditOutcome = 'saved' | 'shown' | 'cancelled';

/** JSON files the user agreed may be rewritten with new speaker names (asked once per file). */
const rewriteAgreed = new Set<string>();

export async function renameSpeakerFlow(
  session: TranscriptSession,
  id: string,
  ui: SpeakerEditUi,
  saving: SpeakerEditSaving,
): Promise<EditOutcome> {
  const speaker = session.transcript?.speakers?.find((s) => s.id === id);
  if (!speaker) return 'cancelled';
  const name = await ui.askName(speaker.name, (v) =>
    tidySpeakerName(v) === null ? `A name has 1 to ${MAX_SPEAKER_NAME} characters.` : undefined,
  );
  const tidy = name === undefined ? null : tidySpeakerName(name);
  if (tidy === null || tidy === speaker.name) return 'cancelled';
  return apply(session, { kind: 'rename', id, name: tidy }, ui, saving);
}

/** Merges two speakers: `first` (or one the user picks) into another the user picks. */
export async function mergeSpeakersFlow(
  session: TranscriptSession,
  first: string | undefined,
  ui: SpeakerEditUi,
  saving: SpeakerEditSaving,
): Promise<EditOutcome> {
  const speakers = session.transcript?.speakers ?? [];
  if (speakers.length < 2) {
    ui.warn('SenseVoice: this transcript has fewer than two speakers, so there is nothing to merge.');
    return 'cancelled';
  }
  const choice = (ids: string[]) =>
    speakers
      .filter((s) => ids.includes(s.id))
      .map((s) => ({ id: s.id, label: s.name, description: `${Math.round(s.talkSec)} s of talk` }));
  const from =
    first && speakers.some((s) => s.id === first)
      ? first
      : await ui.pickSpeaker(
          'Merge speakers (1/2)',
          'The speaker to merge into another',
          choice(speakers.map((s) => s.id)),
        );
  if (!from) return 'cancelled';
  const fromName = speakers.find((s) => s.id === from)?.name ?? from;
  const into = await ui.pickSpeaker(
    'Merge speakers (2/2)',
    `${fromName} is the same person as…`,
    choice(speakers.filter((s) => s.id !== from).map((s) => s.id)),
  );
  if (!into) return 'cancelled';
  return apply(session, { kind: 'merge', from, into }, ui, saving);
}

async function apply(
  session: TranscriptSession,
  edit: SpeakerEdit,
  ui: SpeakerEditUi,
  saving: SpeakerEditSaving,
): Promise<EditOutcome> {
  let edited;
  try {
    edited = session.editSpeakers(edit);
  } catch (err) {
    ui.warn(`SenseVoice: ${err instanceof Error ? err.message : String(err)}`);
    return 'cancelled';
  }
  const view = session.snapshot();
  if (view.origin === 'file' && view.transcriptFile) {
    const file = view.transcriptFile;
    if (!rewriteAgreed.has(file)) {
      if (!(await ui.confirmRewrite(file))) return 'shown';
      rewriteAgreed.add(file);
    }
    try {
      await saving.writeFile(file, formatJson(edited));
      return 'saved';
    } catch (err) {
      ui.warn(`SenseVoice: the new speakers show here but could not be saved in ${file}: ${messageOf(err)}`);
      return 'shown';
    }
  }
  try {
    await saving.sup.request('transcript/editSpeakers', {
      ...sessionParams(session, saving),
      path: session.filePath,
      edit,
    });
    return 'saved';
  } catch (err) {
    ui.warn(
      `SenseVoice: the new speakers show here and in exports, but a reloaded window will not have them: ${messageOf(err)}`,
    );
    return 'shown';
  }
}

/** Applies and saves an edit decided elsewhere (a name given while remembering a voice), as the flows do. */
export function saveSpeakerEdit(
  session: TranscriptSession,
  edit: SpeakerEdit,
  ui: SpeakerEditUi,
  saving: SpeakerEditSaving,
): Promise<EditOutcome> {
  return apply(session, edit, ui, saving);
}

/**
 * The `transcribe/file` options that made the session's transcript: the window's, with the speaker
 * count the user set in the view (speakerCountFlow.ts) in place of the setting's.
 */
export function sessionParams(
  session: Pick<TranscriptSession, 'speakerCount'>,
  saving: Pick<SpeakerEditSaving, 'params'>,
): Omit<TranscribeFileParams, 'path' | 'token' | 'cachedOnly'> {
  const p = saving.params();
  const count = session.speakerCount;
  if (count === undefined || !p.diarization) return p;
  return { ...p, diarization: { ...p.diarization, numSpeakers: count === 'auto' ? 0 : count } };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
