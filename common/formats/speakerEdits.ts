// What the user may change about a diarized transcript's speakers: a name (renamed everywhere, since
// names live only in `speakers`) and two speakers that are one person (merged on every segment,
// overlap mark, turn and talk time). Pure functions shared by the view's host, which edits its copy,
// and the daemon, which edits its cached copy the same way; an edit the transcript cannot take is
// refused with a SenseVoiceError(InvalidParams) that says why.
import { ErrorCode, SenseVoiceError, type SpeakerEdit, type SpeakerTurn, type TranscriptSpeaker } from '../protocol';
import type { TranscriptData } from './transcriptData';
import { compactVoice, weightedMean } from '../voiceVectors';

export type { SpeakerEdit };

/** Longest speaker name kept; a longer one is refused rather than cut. */
export const MAX_SPEAKER_NAME = 80;

/** The edit if `raw` is one (untrusted: from a page or a client), else null. */
export function parseSpeakerEdit(raw: unknown): SpeakerEdit | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const e = raw as Record<string, unknown>;
  const id = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
  if (e.kind === 'rename' && id(e.id) && typeof e.name === 'string') return { kind: 'rename', id: e.id, name: e.name };
  if (e.kind === 'merge' && id(e.from) && id(e.into)) return { kind: 'merge', from: e.from, into: e.into };
  return null;
}

/** A name as it is kept: one line, trimmed; null when nothing is left or it is too long. */
export function tidySpeakerName(name: string): string | null {
  const tidy = name.replace(/\s+/g, ' ').trim();
  return tidy.length > 0 && tidy.length <= MAX_SPEAKER_NAME ? tidy : null;
}

function refuse(message: string): never {
  throw new SenseVoiceError(ErrorCode.InvalidParams, message);
}

/** The transcript with the edit applied (a new object; the argument is left as it was). */
export function applySpeakerEdit<T extends TranscriptData>(t: T, edit: SpeakerEdit): T {
  return edit.kind === 'rename' ? renameSpeaker(t, edit.id, edit.name) : mergeSpeakers(t, edit.from, edit.into);
}

/** The transcript with speaker `id` called `name`. */
export function renameSpeaker<T extends TranscriptData>(t: T, id: string, name: string): T {
  const speakers = t.speakers ?? [];
  if (!speakers.some((s) => s.id === id)) refuse(`This transcript has no speaker "${id}".`);
  const tidy = tidySpeakerName(name);
  if (tidy === null) refuse(`A speaker's name must have 1 to ${MAX_SPEAKER_NAME} characters.`);
  // A name the user gave replaces a recognised one: the speaker is no longer "recognised" as a profile.
  const renamed = (s: TranscriptSpeaker): TranscriptSpeaker => {
    const { recognised: _r, ...rest } = s;
    return { ...rest, name: tidy };
  };
  return { ...t, speakers: speakers.map((s) => (s.id === id ? renamed(s) : { ...s })) };
}

/**
 * The transcript with speaker `from` merged into `into`: segments and turns of `from` become
 * `into`'s, overlapping or touching turns of `into` join, an overlap mark of one by the other goes
 * (a person does not talk over themself), and `into`'s talk time is that of the joined turns (time
 * both spoke at once counts once).
 */
export function mergeSpeakers<T extends TranscriptData>(t: T, from: string, into: string): T {
  const speakers = t.speakers ?? [];
  if (from === into) refuse('A speaker cannot be merged into itself.');
  for (const id of [from, into])
    if (!speakers.some((s) => s.id === id)) refuse(`This transcript has no speaker "${id}".`);
  const same = (id: string) => (id === from ? into : id);
  const segments = t.segments.map((s) => {
    const { overlap: _o, ...rest } = s;
    const speaker = s.speaker === undefined ? undefined : same(s.speaker);
    const overlap = [...new Set((s.overlap ?? []).map(same))].filter((id) => id !== speaker);
    return {
      ...rest,
      ...(speaker !== undefined ? { speaker } : {}),
      ...(overlap.length > 0 ? { overlap } : {}),
    };
  });
  const turns = joinTurns(
    (t.turns ?? []).map((x) => ({ ...x, speaker: same(x.speaker) })),
    into,
  );
  const fromSpeaker = speakers.find((s) => s.id === from) as TranscriptSpeaker;
  const merged: TranscriptSpeaker[] = speakers
    .filter((s) => s.id !== from)
    .map((s) =>
      s.id === into ? { ...s, talkSec: round(talkSeconds(turns, into)), ...mergedVoice(s, fromSpeaker) } : { ...s },
    );
  return { ...t, segments, speakers: merged, ...(t.turns ? { turns } : {}) };
}

/** One person's voice from two speakers': their voices weighted by talk time (either alone when the other has none). */
function mergedVoice(into: TranscriptSpeaker, from: TranscriptSpeaker): Pick<TranscriptSpeaker, 'voice'> {
  if (!into.voice || !from.voice || into.voice.length !== from.voice.length) {
    const voice = into.voice ?? from.voice;
    return voice ? { voice } : {};
  }
  const wi = Math.max(into.talkSec, 1e-3);
  const wf = Math.max(from.talkSec, 1e-3);
  return { voice: compactVoice(weightedMean(into.voice, wi, from.voice, wf)) };
}

/** The turns sorted by start, with `speaker`'s overlapping or touching turns joined into one. */
function joinTurns(turns: SpeakerTurn[], speaker: string): SpeakerTurn[] {
  const sorted = [...turns].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: SpeakerTurn[] = [];
  let open: SpeakerTurn | undefined;
  for (const x of sorted) {
    if (x.speaker !== speaker) {
      out.push(x);
      continue;
    }
    if (open && x.start <= open.end) {
      open.end = Math.max(open.end, x.end);
      continue;
    }
    open = { ...x };
    out.push(open);
  }
  return out;
}

/** Seconds covered by the speaker's turns (their union). */
export function talkSeconds(turns: readonly SpeakerTurn[], speaker: string): number {
  const mine = turns.filter((x) => x.speaker === speaker).sort((a, b) => a.start - b.start);
  let total = 0;
  let end = -Infinity;
  for (const x of mine) {
    const start = Math.max(x.start, end);
    if (x.end > start) total += x.end - start;
    end = Math.max(end, x.end);
  }
  return total;
}

const round = (sec: number) => Math.round(sec * 1000) / 1000;
