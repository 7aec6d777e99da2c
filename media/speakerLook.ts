// How the transcript view shows speakers, apart from the DOM (so it is unit-tested): a colour per
// speaker from a fixed palette (the colours themselves live in transcript.css, one set for light and
// one for dark themes; the name is always written beside the colour, so colour is never the only
// cue), the participants line, the overlap mark and the timeline's speaker lanes.
import type { SpeakerTurn, TranscriptSpeaker } from '../common/protocol';
import { speakerNames } from '../common/formats/speakers';
import { durationText } from '../common/units';

/** How many colours the palette has (transcript.css: --speaker-0 … --speaker-7); more speakers reuse them. */
export const SPEAKER_COLOURS = 8;

/** What the page needs to draw the speakers of one transcript. */
export interface SpeakerLook {
  /** id -> the name shown. */
  names: Map<string, string>;
  /** id -> palette slot (0 … SPEAKER_COLOURS - 1), by order of first appearance so it never changes on rename. */
  colours: Map<string, number>;
}

export function speakerLook(speakers: readonly TranscriptSpeaker[]): SpeakerLook {
  // The id's number when it has one ("S3" -> slot 2), so a merge does not repaint the others.
  const colours = new Map<string, number>();
  speakers.forEach((s, i) => {
    const n = /^S(\d+)$/.exec(s.id);
    const slot = n ? Number(n[1]) - 1 : i;
    colours.set(s.id, ((slot % SPEAKER_COLOURS) + SPEAKER_COLOURS) % SPEAKER_COLOURS);
  });
  return { names: speakerNames({ speakers: [...speakers] }), colours };
}

/** The name of a speaker id (the id itself for one the list does not know). */
export function nameOf(look: SpeakerLook, id: string): string {
  return look.names.get(id) ?? id;
}

/** "+ Speaker 2, Carol": who else is heard during a segment. */
export function overlapText(look: SpeakerLook, overlap: readonly string[] | undefined): string {
  return overlap && overlap.length > 0 ? `+ ${overlap.map((id) => nameOf(look, id)).join(', ')}` : '';
}

/** One participant of the participants line: "Alice · 2 min 05 s". */
export interface Participant {
  id: string;
  name: string;
  colour: number;
  talk: string;
  /** Share of the whole talk time, 0..1 (for the tooltip). */
  share: number;
}

export function participants(look: SpeakerLook, speakers: readonly TranscriptSpeaker[]): Participant[] {
  const total = speakers.reduce((a, s) => a + Math.max(0, s.talkSec), 0);
  return speakers.map((s) => ({
    id: s.id,
    name: nameOf(look, s.id),
    colour: look.colours.get(s.id) ?? 0,
    talk: durationText(s.talkSec),
    share: total > 0 ? Math.max(0, s.talkSec) / total : 0,
  }));
}

/** One timeline lane: a speaker and the spans it talks in. */
export interface SpeakerLane {
  id: string;
  name: string;
  colour: number;
  spans: { start: number; end: number }[];
}

/** A lane per speaker (in the speakers' order), each with its turns sorted by start. */
export function speakerLanes(
  look: SpeakerLook,
  speakers: readonly TranscriptSpeaker[],
  turns: readonly SpeakerTurn[],
): SpeakerLane[] {
  return speakers.map((s) => ({
    id: s.id,
    name: nameOf(look, s.id),
    colour: look.colours.get(s.id) ?? 0,
    spans: turns
      .filter((t) => t.speaker === s.id && t.end > t.start)
      .map((t) => ({ start: t.start, end: t.end }))
      .sort((a, b) => a.start - b.start),
  }));
}
