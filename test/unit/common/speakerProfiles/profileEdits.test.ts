// The speaker profiles file's edits: a first voice makes a profile, more samples average into it
// (capped, so a new one still counts), "Not This Person" adds capped negatives that then veto the
// match, and the file reads back what was written (strictly: a hand-made mistake is named).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SPEAKER_PROFILE_MAX_NEGATIVES,
  SPEAKER_PROFILE_MAX_SAMPLES,
  type SpeakerProfilesFile,
  type VoiceModelId,
} from '../../../../common/protocol';
import { cosine, normalise } from '../../../../common/voiceVectors';
import { forgetVoice, profileNames, rejectVoice, rememberVoice } from '../../../../common/speakerProfiles/profileEdits';
import { formatSpeakerProfilesFile, parseSpeakerProfilesFile } from '../../../../common/speakerProfiles/profilesFile';
import { matchProfiles } from '../../../../daemon/diarization/profileMatching';

const model: VoiceModelId = { sha256: 'c'.repeat(64), file: 'embedding.onnx', dim: 3 };
const other: VoiceModelId = { sha256: 'd'.repeat(64), file: 'embedding.onnx', dim: 3 };
const empty: SpeakerProfilesFile = { version: 1, profiles: [] };
const t0 = new Date('2026-03-01T10:00:00Z');
const t1 = new Date('2026-03-02T10:00:00Z');

test('remember: a new profile, then samples averaged into it; another model gets its own profile', () => {
  const a = rememberVoice(empty, 'Alice', [2, 0, 0], model, t0);
  assert.equal(a.added, true);
  assert.deepEqual(a.file.profiles[0].embedding, [1, 0, 0]);
  assert.equal(a.file.profiles[0].created, t0.toISOString());
  const b = rememberVoice(a.file, 'Alice', [0, 1, 0], model, t1);
  assert.equal(b.added, false);
  assert.equal(b.samples, 2);
  assert.equal(b.file.profiles.length, 1);
  const e = b.file.profiles[0].embedding;
  assert.ok(Math.abs(e[0] - e[1]) < 1e-6 && Math.abs(cosine(e, [1, 1, 0]) - 1) < 1e-6, 'the mean of the two');
  assert.equal(b.file.profiles[0].created, t0.toISOString());
  assert.equal(b.file.profiles[0].updated, t1.toISOString());
  const c = rememberVoice(b.file, 'Alice', [0, 0, 1], other, t1);
  assert.equal(c.added, true);
  assert.equal(c.file.profiles.length, 2);
  assert.deepEqual(profileNames(c.file), ['Alice']);
});

test('remember: past the cap a sample still moves the profile, by 1 / (cap + 1)', () => {
  let f = empty;
  for (let i = 0; i < SPEAKER_PROFILE_MAX_SAMPLES + 5; i++) f = rememberVoice(f, 'Bob', [1, 0, 0], model, t0).file;
  assert.equal(f.profiles[0].samples, SPEAKER_PROFILE_MAX_SAMPLES);
  const moved = rememberVoice(f, 'Bob', [0, 1, 0], model, t0).file.profiles[0].embedding;
  const expected = normalise([SPEAKER_PROFILE_MAX_SAMPLES, 1, 0]);
  assert.ok(Math.abs(cosine(moved, expected) - 1) < 1e-9);
});

test('"Not This Person": a capped list of negatives on that name and model only; they veto the match', () => {
  let f = rememberVoice(empty, 'Alice', [1, 0, 0], model, t0).file;
  f = rememberVoice(f, 'Alice', [1, 0, 0], other, t0).file;
  const r = rejectVoice(f, 'Alice', [1, 0.5, 0], model, t1);
  assert.equal(r.found, true);
  assert.equal(r.file.profiles[0].negatives?.length, 1);
  assert.equal(r.file.profiles[1].negatives, undefined, "another model's profile is another profile");
  assert.equal(rejectVoice(f, 'Zoe', [1, 0, 0], model, t1).found, false);
  const voice = { id: 'S1', voice: normalise([1, 0.5, 0]) };
  assert.equal(matchProfiles([voice], model, f.profiles, 0.5).size, 1, 'before: matched');
  assert.equal(matchProfiles([voice], model, r.file.profiles, 0.5).size, 0, 'after: vetoed');
  let many = r.file;
  for (let i = 0; i < SPEAKER_PROFILE_MAX_NEGATIVES + 3; i++)
    many = rejectVoice(many, 'Alice', [i, 1, 0], model, t1).file;
  const negatives = many.profiles[0].negatives ?? [];
  assert.equal(negatives.length, SPEAKER_PROFILE_MAX_NEGATIVES);
  assert.ok(cosine(negatives.at(-1) ?? [], [SPEAKER_PROFILE_MAX_NEGATIVES + 2, 1, 0]) > 0.9999, 'the newest kept');
  // Remembering that very voice as Alice after all takes it off the negatives.
  const back = rememberVoice(r.file, 'Alice', [1, 0.5, 0], model, t1).file.profiles[0];
  assert.equal(back.negatives, undefined);
});

test('forget: every profile of the name goes, others stay', () => {
  let f = rememberVoice(empty, 'Alice', [1, 0, 0], model, t0).file;
  f = rememberVoice(f, 'Alice', [1, 0, 0], other, t0).file;
  f = rememberVoice(f, 'Bob', [0, 1, 0], model, t0).file;
  const out = forgetVoice(f, 'Alice');
  assert.equal(out.removed, 2);
  assert.deepEqual(profileNames(out.file), ['Bob']);
});

test('the file: written readably (a vector per line), read back the same; mistakes are named', () => {
  let f = rememberVoice(empty, 'Alice', [0.3, -0.2, 0.9], model, t0).file;
  f = rejectVoice(f, 'Alice', [0, 1, 0], model, t1).file;
  const text = formatSpeakerProfilesFile(f);
  assert.match(text, /"embedding": \[-?0\.\d+, -?0\.\d+, 0\.\d+\]/);
  assert.match(text, /"negatives": \[\n\s+\[0, 1, 0\]\n\s+\]/);
  assert.deepEqual(parseSpeakerProfilesFile(text, 'f.json'), f);
  assert.throws(() => parseSpeakerProfilesFile('{"version": 1, "profiles": [', 'f.json'), /f\.json: is not valid JSON/);
  assert.throws(() => parseSpeakerProfilesFile('{"version": 2, "profiles": []}', 'f.json'), /version/);
  const broken = text.replace('"samples": 1', '"samples": 0');
  assert.throws(() => parseSpeakerProfilesFile(broken, 'f.json'), /profiles\[0\]\.samples/);
  const short = JSON.stringify({ version: 1, profiles: [{ ...f.profiles[0], embedding: [1, 0] }] });
  assert.throws(
    () => parseSpeakerProfilesFile(short, 'f.json'),
    /profiles\[0\]\.embedding: must be a list of 3 numbers/,
  );
});
