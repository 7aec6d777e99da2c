// How long naming a transcript's speakers from speaker profiles takes (daemon/diarization/
// profileMatching.ts), on random unit voices of the WeSpeaker size: a workspace of a few dozen
// profiles, and the most a request may carry (MAX_SPEAKER_PROFILES, each with the most negatives)
// with a threshold that lets every pair through, so every negative is compared. Run alone:
// `npx tsx bench/profileMatching.ts` (it is not part of bench/run.ts: it never touches a model).
import { SPEAKER_PROFILE_MAX_NEGATIVES, type SpeakerProfile, type VoiceModelId } from '../common/protocol';
import { MAX_SPEAKER_PROFILES } from '../common/speakerProfiles/profilesFile';
import { normalise } from '../common/voiceVectors';
import { matchProfiles } from '../daemon/diarization/profileMatching';

const dim = 256;
const model: VoiceModelId = { sha256: 'bench', file: 'embedding.onnx', dim };
const voice = () => normalise(Array.from({ length: dim }, () => Math.random() - 0.5));

function profiles(count: number, negatives: number): SpeakerProfile[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `P${i}`,
    model,
    embedding: voice(),
    samples: 1,
    negatives: Array.from({ length: negatives }, voice),
    created: '',
    updated: '',
  }));
}

function time(label: string, list: SpeakerProfile[], threshold: number): void {
  const voices = Array.from({ length: 10 }, (_, i) => ({ id: `S${i + 1}`, voice: voice() }));
  matchProfiles(voices, model, list, threshold);
  const runs = 5;
  const t = performance.now();
  for (let k = 0; k < runs; k++) matchProfiles(voices, model, list, threshold);
  console.log(`${label}: ${((performance.now() - t) / runs).toFixed(1)} ms`);
}

time('10 voices, 30 profiles with 5 negatives each, threshold 0.6', profiles(30, 5), 0.6);
time(
  `10 voices, ${MAX_SPEAKER_PROFILES} profiles with ${SPEAKER_PROFILE_MAX_NEGATIVES} negatives each, every pair compared`,
  profiles(MAX_SPEAKER_PROFILES, SPEAKER_PROFILE_MAX_NEGATIVES),
  -1,
);
