// Speaker profiles end to end through the daemon, on the synthetic diarization models (the WeSpeaker
// contract: the synthetic 3D-Speaker one hears every voice alike) and two-speaker
// recordings made from real clips: the voice of reader 1089 is remembered from one file (its speaker's
// voice, as the transcript carries it), and in another file where the two readers come in the other
// order, the speaker who is 1089 gets the name. Profiles of another model are ignored, a "Not This
// Person" voice vetoes the match, the profiles also name a cached transcript and an edit's answer,
// and never change what is cached. A file shorter than one segmentation window has voices too, and
// the cli names speakers from a profiles file (--speaker-profiles FILE).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import {
  ErrorCode,
  SenseVoiceError,
  type DiarizationOptions,
  type SpeakerProfile,
  type Transcript,
} from '../../common/protocol';
import { cosine } from '../../common/voiceVectors';
import { formatSpeakerProfilesFile } from '../../common/speakerProfiles/profilesFile';
import { makeDiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';
import { WESPEAKER_OUTPUT_DIM } from '../../tools/makeDiarizationModels/embeddingGraph';
import { buildMultiSpeakerAudio, makeMultiSpeakerAudio, type MultiSpeakerAudio } from '../helpers/multiSpeakerAudio';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { cliDiarizeArgs, cliModelArgs } from '../helpers/cliArgs';

let daemon: DaemonConnection;
let diarization: DiarizationOptions;
let modelPath: string;
let first: MultiSpeakerAudio;
let second: MultiSpeakerAudio;

const A = 'librispeech/1089-134686-0001.wav';
const B1 = 'librispeech/1221-135766-0001.wav';
const B2 = 'librispeech/1221-135766-0002.wav';

before(async () => {
  const models = makeDiarizationModels();
  diarization = { segmentationModel: models.segmentation, embeddingModel: models.wespeaker, numSpeakers: 2 };
  modelPath = testModel('sherpa').dir;
  first = makeMultiSpeakerAudio('twoSpeakers'); // 1089 speaks first
  second = buildMultiSpeakerAudio('twoSpeakersOtherOrder', [
    [B2, 0.5],
    [A, 1.0],
    [B1, 0.8],
    [A, 0.7],
  ]); // 1221 speaks first, and other sentences are where they were
  daemon = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'speaker-profiles',
    settings: { provider: 'cpu', threads: 1 },
    env: {
      ...process.env,
      SENSEVOICE_CACHE_DIR: tempDir('speaker-profiles-cache'),
      SENSEVOICE_MODEL_STORE: tempDir('speaker-profiles-store'),
    },
  });
});
after(async () => {
  await daemon?.dispose();
});

/** The transcript's speaker id who is mostly the corpus speaker `who` (by time in that speaker's placements). */
function speakerOf(t: Transcript, audio: MultiSpeakerAudio, who: string): string {
  const time = new Map<string, number>();
  for (const p of audio.placements.filter((x) => x.speaker === who))
    for (const turn of t.turns ?? []) {
      const o = Math.min(p.end, turn.end) - Math.max(p.start, turn.start);
      if (o > 0) time.set(turn.speaker, (time.get(turn.speaker) ?? 0) + o);
    }
  const best = [...time].sort((a, b) => b[1] - a[1])[0];
  assert.ok(best, `no turn overlaps speaker ${who}`);
  return best[0];
}

function profileOf(t: Transcript, id: string, name: string): SpeakerProfile {
  const voice = t.speakers?.find((s) => s.id === id)?.voice;
  assert.ok(voice && t.voiceModel, `speaker ${id} has a voice and the transcript its model`);
  const now = new Date().toISOString();
  return { name, model: t.voiceModel, embedding: voice, samples: 1, created: now, updated: now };
}

const transcribe = (file: string, d: DiarizationOptions = diarization, extra: object = {}): Promise<Transcript> =>
  daemon.request('transcribe/file', { path: file, modelPath, vad: 'on', diarization: d, ...extra });

test('a voice remembered from one file names the same reader in another, whatever the order', async () => {
  const t1 = await transcribe(first.file);
  assert.equal(t1.speakers?.length, 2);
  assert.equal(t1.voiceModel?.dim, WESPEAKER_OUTPUT_DIM, 'as many values as the model gives');
  assert.match(t1.voiceModel?.sha256 ?? '', /^[0-9a-f]{64}$/);
  for (const s of t1.speakers ?? [])
    assert.ok(Math.abs(cosine(s.voice ?? [], s.voice ?? []) - 1) < 1e-4, 'unit voices');
  const alice = profileOf(t1, speakerOf(t1, first, '1089'), 'Alice');
  assert.equal(speakerOf(t1, first, '1089'), 'S1', '1089 speaks first in the first file');

  const t2 = await transcribe(second.file, { ...diarization, profiles: [alice] });
  const idA = speakerOf(t2, second, '1089');
  const idB = speakerOf(t2, second, '1221');
  assert.equal(idA, 'S2', '1089 speaks second in the second file');
  const byId = new Map(t2.speakers?.map((s) => [s.id, s]));
  assert.equal(byId.get(idA)?.name, 'Alice');
  assert.equal(byId.get(idA)?.recognised?.profile, 'Alice');
  assert.equal(byId.get(idB)?.name, `Speaker ${idB.slice(1)}`, 'the other reader is not Alice');
  assert.equal(byId.get(idB)?.recognised, undefined);
  const same = byId.get(idA)?.recognised?.similarity ?? 0;
  const otherSimilarity = cosine(byId.get(idB)?.voice ?? [], alice.embedding);
  console.log(
    `similarity to the remembered voice: same reader ${same.toFixed(3)}, other ${otherSimilarity.toFixed(3)}`,
  );
  assert.ok(same > otherSimilarity, 'the same reader is nearer the profile than the other');

  // Both remembered: each reader gets their own name.
  const bob = profileOf(t1, speakerOf(t1, first, '1221'), 'Bob');
  const both = await transcribe(second.file, { ...diarization, profiles: [bob, alice] });
  assert.deepEqual(Object.fromEntries(both.speakers?.map((s) => [s.id, s.name]) ?? []), {
    [idA]: 'Alice',
    [idB]: 'Bob',
  });
  assert.equal(both.cached, true, 'the profiles did not change the cache entry');

  // Another embedding model's profile is never compared, however close its numbers.
  const foreign = { ...alice, model: { ...alice.model, sha256: '0'.repeat(64) } };
  const t3 = await transcribe(second.file, { ...diarization, profiles: [foreign] });
  assert.ok(t3.speakers?.every((s) => s.recognised === undefined && s.name.startsWith('Speaker ')));

  // "Not This Person" on the recognised speaker: its voice as a negative keeps it from being Alice.
  const negative = { ...alice, negatives: [byId.get(idA)?.voice ?? []] };
  const t4 = await transcribe(second.file, { ...diarization, profiles: [negative] });
  assert.ok(t4.speakers?.every((s) => s.name !== 'Alice'));

  // A threshold above the match names nobody.
  const t5 = await transcribe(second.file, {
    ...diarization,
    profiles: [alice],
    profileThreshold: Math.min(1, same + 0.001),
  });
  assert.ok(t5.speakers?.every((s) => s.name !== 'Alice'));
});

test('a cached transcript and an edit answer are named by the profiles; a renamed speaker keeps its name', async () => {
  const t1 = await transcribe(first.file);
  const alice = profileOf(t1, speakerOf(t1, first, '1089'), 'Alice');
  const d = { ...diarization, profiles: [alice] };
  const request = { path: second.file, modelPath, vad: 'on' as const, diarization: d };
  const restored: Transcript = await daemon.request('transcribe/file', { ...request, cachedOnly: true });
  const idA = speakerOf(restored, second, '1089');
  const idB = idA === 'S1' ? 'S2' : 'S1';
  assert.equal(restored.speakers?.find((s) => s.id === idA)?.name, 'Alice');

  const edited = await daemon.request('transcript/editSpeakers', {
    ...request,
    edit: { kind: 'rename', id: idB, name: 'Carol' },
  });
  assert.deepEqual(Object.fromEntries(edited.speakers.map((s) => [s.id, s.name])), { [idA]: 'Alice', [idB]: 'Carol' });
  // The user names the recognised speaker otherwise: that name stays, the profile names nobody else.
  const renamed = await daemon.request('transcript/editSpeakers', {
    ...request,
    edit: { kind: 'rename', id: idA, name: 'Alicia' },
  });
  assert.deepEqual(Object.fromEntries(renamed.speakers.map((s) => [s.id, s.name])), {
    [idA]: 'Alicia',
    [idB]: 'Carol',
  });
  // Without profiles the cache holds only what the user named.
  const plain: Transcript = await daemon.request('transcribe/file', { ...request, diarization, cachedOnly: true });
  assert.deepEqual(plain.speakers?.map((s) => s.name).sort(), ['Alicia', 'Carol']);
});

test('a malformed profile is InvalidParams naming the field', async () => {
  const bad = { name: 'X', model: { sha256: 'a', file: 'e.onnx', dim: 3 }, embedding: [1, 2], samples: 1 };
  await assert.rejects(
    transcribe(first.file, { ...diarization, profiles: [bad as never] }),
    (e: unknown) =>
      e instanceof SenseVoiceError &&
      e.code === ErrorCode.InvalidParams &&
      /profiles"?\[0\]\.embedding/.test(e.message),
  );
});

test('a recording shorter than one window still gives its speaker a voice', async () => {
  const t = await transcribe(path.join(AUDIO, A), { ...diarization, numSpeakers: 0 });
  assert.ok((t.speakers?.length ?? 0) >= 1);
  assert.ok(t.speakers?.every((s) => s.voice?.length === WESPEAKER_OUTPUT_DIM));
});

test('cli: --speaker-profiles FILE names the speakers; a broken file or a lone --profile-threshold is a usage error', async () => {
  const t1 = await transcribe(first.file);
  const alice = profileOf(t1, speakerOf(t1, first, '1089'), 'Alice');
  const file = path.join(tempDir('cli-profiles'), 'sensevoice-speakers.json');
  fs.writeFileSync(file, formatSpeakerProfilesFile({ version: 1, profiles: [alice] }));
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [requireBuilt('cli.js'), ...args], {
      encoding: 'utf8',
      timeout: 300_000,
      env: {
        ...process.env,
        SENSEVOICE_MODEL_STORE: tempDir('cli-profiles-store'),
        SENSEVOICE_CACHE_DIR: tempDir('cli-profiles-cache'),
      },
    });
  const base = [
    'transcribe',
    second.file,
    ...cliModelArgs(modelPath),
    ...cliDiarizeArgs(diarization.segmentationModel as string, diarization.embeddingModel as string, 2),
  ];
  const out = cli([...base, '--speaker-profiles', file, '--format', 'json']);
  assert.equal(out.status, 0, out.stderr);
  const json = JSON.parse(out.stdout) as Transcript;
  const idA = speakerOf(json, second, '1089');
  assert.deepEqual(
    json.speakers?.map((s) => [s.id, s.name]),
    [
      ['S1', idA === 'S1' ? 'Alice' : 'Speaker 1'],
      ['S2', idA === 'S2' ? 'Alice' : 'Speaker 2'],
    ],
  );
  assert.equal(
    json.speakers?.some((s) => 'voice' in s),
    false,
    'voices are not exported',
  );
  assert.match(cli([...base, '--speaker-profiles', file, '--format', 'md']).stdout, /^\*\*Alice\*\* \[/m);

  fs.writeFileSync(file, '{"version": 1, "profiles": [{"name": "Alice"}]}');
  const broken = cli([...base, '--speaker-profiles', file]);
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /profiles\[0\]\.model/);
  const lone = cli([...base, '--profile-threshold', '0.5']);
  assert.equal(lone.status, 2);
  assert.match(lone.stderr, /--profile-threshold needs --speaker-profiles/);
});
