// Speaker profiles matched to a transcript's voices: the threshold, one speaker per profile (most
// similar first), profiles of another embedding model never compared, "Not This Person" voices
// vetoing a match, and renamed speakers left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpeakerProfile, Transcript, VoiceModelId } from '../../../../common/protocol';
import { normalise } from '../../../../common/voiceVectors';
import { matchProfiles, recogniseSpeakers } from '../../../../daemon/diarization/profileMatching';
import { isDefaultSpeakerName } from '../../../../common/formats/speakers';

const DIM = 4;
const model: VoiceModelId = { sha256: 'a'.repeat(64), file: 'embedding.onnx', dim: DIM };
const other: VoiceModelId = { sha256: 'b'.repeat(64), file: 'embedding.onnx', dim: DIM };

function profile(name: string, embedding: number[], extra: Partial<SpeakerProfile> = {}): SpeakerProfile {
  return {
    name,
    model,
    embedding: normalise(embedding),
    samples: 1,
    created: '2026-01-01T00:00:00.000Z',
    updated: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

const names = (m: Map<string, { profile: string }>) => Object.fromEntries([...m].map(([id, r]) => [id, r.profile]));

test('a voice gets the profile it is closest to, only at or above the threshold', () => {
  const voices = [
    { id: 'S1', voice: normalise([1, 0.1, 0, 0]) },
    { id: 'S2', voice: normalise([0, 1, 0.1, 0]) },
    { id: 'S3', voice: normalise([0, 0, 0, 1]) },
  ];
  const profiles = [profile('Alice', [1, 0, 0, 0]), profile('Bob', [0, 1, 0, 0])];
  const m = matchProfiles(voices, model, profiles, 0.9);
  assert.deepEqual(names(m), { S1: 'Alice', S2: 'Bob' });
  assert.ok((m.get('S1')?.similarity ?? 0) > 0.99);
  // S1 is about 0.995 like Alice: a threshold above that names nobody.
  assert.deepEqual(names(matchProfiles(voices, model, profiles, 0.999)), {});
  // The threshold itself is enough (>=).
  const exact = matchProfiles([{ id: 'S1', voice: normalise([1, 0, 0, 0]) }], model, profiles, 1);
  assert.deepEqual(names(exact), { S1: 'Alice' });
});

test('one speaker per profile: the most similar speaker takes it, the other stays unnamed', () => {
  const voices = [
    { id: 'S1', voice: normalise([1, 0.4, 0, 0]) },
    { id: 'S2', voice: normalise([1, 0.1, 0, 0]) },
  ];
  const m = matchProfiles(voices, model, [profile('Alice', [1, 0, 0, 0])], 0.5);
  assert.deepEqual(names(m), { S2: 'Alice' });
});

test('one profile per speaker: a voice like two profiles takes the nearer; the other profile can go to another voice', () => {
  const voices = [
    { id: 'S1', voice: normalise([1, 0.8, 0, 0]) },
    { id: 'S2', voice: normalise([0.5, 1, 0, 0]) },
  ];
  const m = matchProfiles(voices, model, [profile('Alice', [1, 0, 0, 0]), profile('Bob', [0, 1, 0, 0])], 0.5);
  // S2~Bob 0.894 is the best pair; S1~Alice 0.781 next (S1~Bob 0.625 loses: Bob is taken).
  assert.deepEqual(names(m), { S1: 'Alice', S2: 'Bob' });
});

test("another embedding model's profiles, or vectors of another length, are never compared", () => {
  const voices = [{ id: 'S1', voice: normalise([1, 0, 0, 0]) }];
  assert.deepEqual(names(matchProfiles(voices, model, [profile('Alice', [1, 0, 0, 0], { model: other })], 0)), {});
  const short = { ...profile('Alice', [1, 0, 0, 0]), embedding: [1, 0, 0] };
  assert.deepEqual(names(matchProfiles(voices, model, [short], 0)), {});
  assert.deepEqual(names(matchProfiles(voices, undefined, [profile('Alice', [1, 0, 0, 0])], 0)), {});
});

test('"Not This Person": a voice at least as near to a negative as to the profile is not matched', () => {
  const alice = profile('Alice', [1, 0, 0, 0], { negatives: [normalise([1, 1, 0, 0])] });
  const likeNegative = { id: 'S1', voice: normalise([1, 0.9, 0, 0]) };
  const likeAlice = { id: 'S2', voice: normalise([1, 0.2, 0, 0]) };
  assert.deepEqual(names(matchProfiles([likeNegative], model, [alice], 0.5)), {});
  assert.deepEqual(names(matchProfiles([likeAlice], model, [alice], 0.5)), { S2: 'Alice' });
  // With both, Alice goes to the voice the negative does not veto, even though both pass the threshold.
  assert.deepEqual(names(matchProfiles([likeNegative, likeAlice], model, [alice], 0.5)), { S2: 'Alice' });
  // The vetoed voice may still be someone else.
  const bob = profile('Bob', [1, 1, 0, 0]);
  assert.deepEqual(names(matchProfiles([likeNegative, likeAlice], model, [alice, bob], 0.5)), {
    S1: 'Bob',
    S2: 'Alice',
  });
});

function transcript(speakers: { id: string; name: string; voice?: number[] }[]): Transcript {
  return {
    file: 'x.wav',
    durationSec: 10,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    segments: [],
    timings: { decodeMs: 0, featuresMs: 0, inferenceMs: 0, totalMs: 0 },
    speakers: speakers.map((s) => ({ ...s, talkSec: 1 })),
    voiceModel: model,
  };
}

test('recogniseSpeakers: names unrenamed speakers; a renamed one keeps its name and its name takes the profile', () => {
  const t = transcript([
    { id: 'S1', name: 'Speaker 1', voice: normalise([1, 0, 0, 0]) },
    { id: 'S2', name: 'Speaker 2', voice: normalise([0, 1, 0, 0]) },
    { id: 'S3', name: 'Carol', voice: normalise([0, 0, 1, 0]) },
  ]);
  const profiles = [profile('Alice', [1, 0, 0, 0]), profile('Carol', [0, 1, 0, 0]), profile('Dan', [0, 0, 1, 0])];
  const out = recogniseSpeakers(t, profiles, 0.6);
  assert.deepEqual(
    out.speakers?.map((s) => [s.name, s.recognised?.profile]),
    [
      ['Alice', 'Alice'],
      ['Speaker 2', undefined], // Carol is S3 by the user's word, so S2 is not Carol
      ['Carol', undefined], // renamed: never matched (Dan would have been)
    ],
  );
  // Without profiles, a stale `recognised` goes and the names are what the transcript holds.
  const again = recogniseSpeakers({ ...t, speakers: out.speakers }, [], 0.6);
  assert.equal(again.speakers?.[0].recognised, undefined);
  assert.equal(again.speakers?.[0].name, 'Alice');
});

test('isDefaultSpeakerName: only "Speaker n" for S<n>', () => {
  assert.equal(isDefaultSpeakerName('S2', 'Speaker 2'), true);
  assert.equal(isDefaultSpeakerName('S2', 'Speaker 1'), false);
  assert.equal(isDefaultSpeakerName('S2', 'Alice'), false);
  assert.equal(isDefaultSpeakerName('X', 'Speaker X'), false);
});
