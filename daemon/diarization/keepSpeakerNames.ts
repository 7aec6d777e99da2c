// Which names survive a re-run of the diarization (another number of speakers): the speakers of the
// new result are new clusters with new ids, but a user who called "Speaker 1" Alice wants Alice back
// where Alice still is. The rule, by talk time shared between the old and the new turns:
// - an old speaker with a name the user gave (anything but the default "Speaker N") passes it to the
//   new speaker that shares most of its talk time, provided the old speaker is also the one that new
//   speaker shares most of its own talk time with (a mutual best match). So going from 2 to 3
//   speakers Alice stays on the cluster that is mostly Alice and the split-off voice is "Speaker 3";
//   going from 3 to 2, a merged cluster takes the name of whichever of its old speakers talked most
//   in it, and the other name is dropped (it no longer has a speaker of its own);
// - a name is given to one speaker at most; a new speaker that gets no name keeps the one it had
//   (its default, or its own from an earlier run with this count), unless that name is now another
//   speaker's: then it is "Speaker N" by its place.
// Pure: no I/O (test/unit/daemon/diarization/keepSpeakerNames.test.ts).
import type { SpeakerTurn, TranscriptSpeaker } from '../../common/protocol';

/** What the rule reads of a transcript: its speakers (names) and turns (who talked when). */
export interface SpeakersAndTurns {
  speakers?: TranscriptSpeaker[];
  turns?: SpeakerTurn[];
}

/** True for a name the diarization gave ("Speaker 3"), false for one the user gave. */
export function isDefaultSpeakerName(name: string): boolean {
  return /^Speaker \d+$/.test(name);
}

/** Seconds old speaker a and new speaker b talk at the same time, for every pair present. */
function sharedTime(before: readonly SpeakerTurn[], after: readonly SpeakerTurn[]): Map<string, Map<string, number>> {
  const shared = new Map<string, Map<string, number>>();
  for (const a of before)
    for (const b of after) {
      const o = Math.min(a.end, b.end) - Math.max(a.start, b.start);
      if (o <= 0) continue;
      const row = shared.get(a.speaker) ?? new Map<string, number>();
      row.set(b.speaker, (row.get(b.speaker) ?? 0) + o);
      shared.set(a.speaker, row);
    }
  return shared;
}

/** The key of the largest value; the first such in insertion order on a tie. */
function argmax(m: Map<string, number> | undefined): string | undefined {
  let best: string | undefined;
  let value = 0;
  for (const [k, v] of m ?? []) if (v > value) [best, value] = [k, v];
  return best;
}

/** The new speakers with the names the rule keeps (a new array; `after` is left as it was). */
export function keepSpeakerNames(before: SpeakersAndTurns, after: SpeakersAndTurns): TranscriptSpeaker[] {
  const speakers = (after.speakers ?? []).map((s) => ({ ...s }));
  const named = (before.speakers ?? []).filter((s) => !isDefaultSpeakerName(s.name));
  if (named.length === 0 || speakers.length === 0) return speakers;
  const shared = sharedTime(before.turns ?? [], after.turns ?? []);
  // Old speakers per new speaker, for the mutual check.
  const byNew = new Map<string, Map<string, number>>();
  for (const [a, row] of shared)
    for (const [b, o] of row) {
      const col = byNew.get(b) ?? new Map<string, number>();
      col.set(a, o);
      byNew.set(b, col);
    }
  const given = new Map<string, string>();
  for (const old of named) {
    const b = argmax(shared.get(old.id));
    if (b !== undefined && argmax(byNew.get(b)) === old.id) given.set(b, old.name);
  }
  const taken = new Set(given.values());
  return speakers.map((s, i) => {
    const name = given.get(s.id) ?? (taken.has(s.name) ? `Speaker ${i + 1}` : s.name);
    return { ...s, name };
  });
}
