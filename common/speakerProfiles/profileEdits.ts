// The changes the user makes to the speaker profiles file, as pure functions on its content (the
// extension reads the file, applies one, writes it back: extension/speakers/profilesFileIo.ts):
// - remember a voice under a name: a new profile, or one more sample of the profile of that name and
//   model (the mean of its samples, renormalised; past SPEAKER_PROFILE_MAX_SAMPLES a new sample moves
//   it by 1 / (max + 1), so a profile keeps following a voice without any one recording ruling it);
//   remembering a voice drops the profile's negatives that are that very voice (the user changed their mind);
// - "Not This Person": the voice becomes a negative of the profile(s) of that name and model (the
//   newest SPEAKER_PROFILE_MAX_NEGATIVES kept); the daemon then refuses the name to any voice at least
//   as near to a negative as to the profile (daemon/diarization/profileMatching.ts);
// - forget a name: its profiles go, for every model.
import {
  SPEAKER_PROFILE_MAX_NEGATIVES,
  SPEAKER_PROFILE_MAX_SAMPLES,
  type SpeakerProfile,
  type SpeakerProfilesFile,
  type VoiceModelId,
} from '../protocol';
import { compactVoice, cosine, normalise, weightedMean } from '../voiceVectors';

/** A negative this like the remembered voice is the same voice. */
const SAME_VOICE = 0.999;

const sameProfile = (p: SpeakerProfile, name: string, model: VoiceModelId) =>
  p.name === name && p.model.sha256 === model.sha256 && p.embedding.length === model.dim;

/** The file with `voice` remembered as `name`; `samples` says how many the profile now holds. */
export function rememberVoice(
  file: SpeakerProfilesFile,
  name: string,
  voice: readonly number[],
  model: VoiceModelId,
  now: Date,
): { file: SpeakerProfilesFile; samples: number; added: boolean } {
  if (voice.length !== model.dim) throw new Error(`A voice of ${voice.length} values from a model of ${model.dim}.`);
  const at = now.toISOString();
  const existing = file.profiles.find((p) => sameProfile(p, name, model));
  if (!existing) {
    const profile: SpeakerProfile = {
      name,
      model: { ...model },
      embedding: compactVoice(normalise(voice)),
      samples: 1,
      created: at,
      updated: at,
    };
    return { file: { ...file, profiles: [...file.profiles, profile] }, samples: 1, added: true };
  }
  const weight = Math.min(existing.samples, SPEAKER_PROFILE_MAX_SAMPLES);
  const negatives = (existing.negatives ?? []).filter((n) => !(cosine(n, voice) >= SAME_VOICE));
  const updated: SpeakerProfile = {
    ...existing,
    embedding: compactVoice(weightedMean(existing.embedding, weight, normalise(voice), 1)),
    samples: Math.min(existing.samples + 1, SPEAKER_PROFILE_MAX_SAMPLES),
    updated: at,
  };
  if (negatives.length > 0) updated.negatives = negatives;
  else delete updated.negatives;
  return {
    file: { ...file, profiles: file.profiles.map((p) => (p === existing ? updated : p)) },
    samples: updated.samples,
    added: false,
  };
}

/** The file with `voice` recorded as not being `name` (for that model); `found`: a profile of that name and model was there. */
export function rejectVoice(
  file: SpeakerProfilesFile,
  name: string,
  voice: readonly number[],
  model: VoiceModelId,
  now: Date,
): { file: SpeakerProfilesFile; found: boolean } {
  let found = false;
  const profiles = file.profiles.map((p) => {
    if (!sameProfile(p, name, model)) return p;
    found = true;
    const negatives = [...(p.negatives ?? []), compactVoice(normalise(voice))].slice(-SPEAKER_PROFILE_MAX_NEGATIVES);
    return { ...p, negatives, updated: now.toISOString() };
  });
  return { file: { ...file, profiles }, found };
}

/** The file without the profiles called `name`; `removed`: how many went. */
export function forgetVoice(file: SpeakerProfilesFile, name: string): { file: SpeakerProfilesFile; removed: number } {
  const profiles = file.profiles.filter((p) => p.name !== name);
  return { file: { ...file, profiles }, removed: file.profiles.length - profiles.length };
}

/** The names in the file, once each, in file order. */
export function profileNames(file: SpeakerProfilesFile): string[] {
  return [...new Set(file.profiles.map((p) => p.name))];
}
