// Which speakers of a transcript are voices the user named before (speaker profiles). Pure, so the
// rules are unit-tested apart from any model:
// - only profiles of the transcript's own embedding model are compared (same SHA-256 and length):
//   another model's vectors live in another space, and a match there would be chance;
// - a speaker and a profile are a candidate pair when the cosine similarity of the speaker's voice
//   and the profile is at least the threshold, and the voice is nearer to the profile than to every
//   voice the user marked "Not This Person" for it (a negative at least as near vetoes the pair);
// - pairs are taken greedily, most similar first, each speaker and each profile name at most once
//   (greedy is what an assignment solver gives whenever the best pairs do not conflict, which is the
//   case that matters: a handful of speakers, each near one profile or none);
// - a speaker the user renamed keeps that name and takes no profile; its name, if it is a profile's,
//   takes that profile out of the running (the user has said who that is).
import type { RecognisedSpeaker, SpeakerProfile, Transcript, VoiceModelId } from '../../common/protocol';
import { dot, normalise } from '../../common/voiceVectors';
import { isDefaultSpeakerName } from '../../common/formats/speakers';

export interface VoiceToMatch {
  id: string;
  voice: ArrayLike<number>;
}

/** Speaker id -> the profile it is, for the voices that match one (see the header for the rules). */
export function matchProfiles(
  voices: readonly VoiceToMatch[],
  model: VoiceModelId | undefined,
  profiles: readonly SpeakerProfile[],
  threshold: number,
  taken: ReadonlySet<string> = new Set(),
): Map<string, RecognisedSpeaker> {
  const out = new Map<string, RecognisedSpeaker>();
  if (!model) return out;
  // Every vector normalised once: the pairs below are then plain dot products.
  const usable = profiles
    .filter((p) => p.model.sha256 === model.sha256 && p.embedding.length === model.dim && !taken.has(p.name))
    .map((p) => ({
      name: p.name,
      embedding: normalise(p.embedding),
      negatives: (p.negatives ?? []).filter((n) => n.length === model.dim).map((n) => normalise(n)),
    }));
  const pairs: { id: string; name: string; similarity: number; order: number }[] = [];
  voices.forEach((v, vi) => {
    if (v.voice.length !== model.dim) return;
    const voice = normalise(v.voice);
    usable.forEach((p, pi) => {
      const similarity = dot(voice, p.embedding);
      if (!(similarity >= threshold)) return;
      const vetoed = p.negatives.some((n) => dot(voice, n) >= similarity);
      if (!vetoed) pairs.push({ id: v.id, name: p.name, similarity, order: vi * usable.length + pi });
    });
  });
  pairs.sort((a, b) => b.similarity - a.similarity || a.order - b.order);
  const named = new Set<string>();
  for (const p of pairs) {
    if (out.has(p.id) || named.has(p.name)) continue;
    out.set(p.id, { profile: p.name, similarity: Math.round(p.similarity * 1e4) / 1e4 });
    named.add(p.name);
  }
  return out;
}

/**
 * The transcript with its speakers recognised: each matched speaker (never one the user renamed) is
 * called by its profile's name and says so in `recognised`. Without profiles, the transcript as it was
 * but for any `recognised` left from before (a cached transcript is kept without them).
 */
export function recogniseSpeakers(t: Transcript, profiles: readonly SpeakerProfile[], threshold: number): Transcript {
  if (!t.speakers) return t;
  const plain = t.speakers.map(({ recognised: _r, ...s }) => s);
  const open = plain.filter((s) => isDefaultSpeakerName(s.id, s.name) && s.voice !== undefined);
  const taken = new Set(plain.filter((s) => !isDefaultSpeakerName(s.id, s.name)).map((s) => s.name));
  const matches = matchProfiles(
    open.map((s) => ({ id: s.id, voice: s.voice as number[] })),
    t.voiceModel,
    profiles,
    threshold,
    taken,
  );
  const speakers = plain.map((s) => {
    const m = matches.get(s.id);
    return m ? { ...s, name: m.profile, recognised: m } : s;
  });
  return { ...t, speakers };
}
