// Speakers as the formats show them: one id -> name map, built from the transcript's `speakers`,
// so renaming a speaker there renames it in every format; an id without an entry shows as itself.
import type { Transcript, TranscriptSegment, TranscriptSpeaker } from '../protocol';

type WithSpeakers = Pick<Transcript, 'speakers'>;

/** id -> name for every speaker of the transcript (names tidied to one line). */
export function speakerNames(t: WithSpeakers): Map<string, string> {
  const names = new Map<string, string>();
  for (const s of t.speakers ?? []) names.set(s.id, s.name.replace(/\s+/g, ' ').trim() || s.id);
  return names;
}

/** The name shown for a segment's speaker, or undefined when the segment has none. */
export function speakerOf(
  names: ReadonlyMap<string, string>,
  s: Pick<TranscriptSegment, 'speaker'>,
): string | undefined {
  return s.speaker === undefined ? undefined : (names.get(s.speaker) ?? s.speaker);
}

/** True when the transcript was diarized and some segment carries a speaker. */
export function hasSpeakers(t: WithSpeakers & Pick<Transcript, 'segments'>): boolean {
  return (t.speakers?.length ?? 0) > 0 && t.segments.some((s) => s.speaker !== undefined);
}

/**
 * The transcript's speakers renamed: `names` in order of the speakers' ids (S1 first), as the cli's
 * --speaker-names gives them; an empty name keeps the speaker's name, extra names are ignored.
 */
export function renameSpeakers(speakers: readonly TranscriptSpeaker[], names: readonly string[]): TranscriptSpeaker[] {
  return speakers.map((s, i) => {
    const name = names[i]?.trim();
    return name ? { ...s, name } : { ...s };
  });
}

/** The name diarization gives speaker `S<n>`: "Speaker <n>". A speaker still called that was not renamed. */
export function defaultSpeakerName(id: string): string | undefined {
  return /^S\d+$/.test(id) ? `Speaker ${id.slice(1)}` : undefined;
}

/** True when the speaker still has the name diarization gave it. */
export function isDefaultSpeakerName(id: string, name: string): boolean {
  return defaultSpeakerName(id) === name;
}
