// Remember This Voice, Not This Person and Forget Voice with fake prompts and a real profiles file in a
// temp folder: opt-in asked once, a speaker still "Speaker n" is named first, a second remember adds a
// sample, "Not This Person" records a negative and takes the name off the speaker in the view, and a
// file the user broke by hand (or changed meanwhile) is never overwritten blindly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Transcript, VoiceModelId } from '../../../../common/protocol';
import { parseSpeakerProfilesFile } from '../../../../common/speakerProfiles/profilesFile';
import { TranscriptSession } from '../../../../extension/transcript/transcriptSession';
import { readProfilesFile, updateProfilesFile } from '../../../../extension/speakers/profilesFileIo';
import {
  forgetVoiceFlow,
  notThisPersonFlow,
  rememberVoiceFlow,
  type VoiceProfileStore,
  type VoiceProfileUi,
} from '../../../../extension/speakers/voiceProfileFlows';
import { tempDir } from '../../../helpers/paths';

const model: VoiceModelId = { sha256: 'e'.repeat(64), file: 'embedding.onnx', dim: 3 };

function session(speakers: Transcript['speakers']): TranscriptSession {
  const s = new TranscriptSession({ fileName: 'call.wav', filePath: '/rec/call.wav', emoji: true });
  s.begin();
  s.finish({
    file: '/rec/call.wav',
    durationSec: 10,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 },
    segments: [],
    speakers,
    voiceModel: model,
    turns: [],
  });
  return s;
}

interface Fakes {
  ui: VoiceProfileUi;
  store: VoiceProfileStore;
  file: string;
  enabled: boolean;
  infos: string[];
  warnings: string[];
  asked: string[];
}

function fakes(answers: { enable?: boolean; name?: string; picks?: string[]; forget?: boolean } = {}): Fakes {
  const file = path.join(tempDir('voice-profiles'), '.vscode', 'sensevoice-speakers.json');
  const f: Fakes = {
    file,
    enabled: false,
    infos: [],
    warnings: [],
    asked: [],
    ui: {
      confirmEnable: async () => {
        f.asked.push('enable');
        return answers.enable ?? true;
      },
      askName: async (current, validate) => {
        f.asked.push(`name ${current}`);
        assert.ok(validate(current), 'the default name is not a name to remember');
        assert.equal(validate('Alice'), undefined);
        return answers.name;
      },
      pickSpeaker: async (_t, _p, choices) => {
        const id = answers.picks?.shift();
        if (id)
          assert.ok(
            choices.some((c) => c.id === id),
            `${id} is offered`,
          );
        return id;
      },
      pickProfile: async (names) => {
        const name = answers.picks?.shift();
        if (name) assert.ok(names.includes(name));
        return name;
      },
      confirmForget: async () => answers.forget ?? true,
      info: (m) => f.infos.push(m),
      warn: (m) => f.warnings.push(m),
    },
    store: {
      file: () => file,
      enabled: () => f.enabled,
      enable: async () => {
        f.enabled = true;
      },
      read: () => readProfilesFile(file),
      update: async (change) => (await updateProfilesFile(file, change)).result,
    },
  };
  return f;
}

const speakers = () => [
  { id: 'S1', name: 'Alice', talkSec: 5, voice: [1, 0, 0] },
  { id: 'S2', name: 'Speaker 2', talkSec: 4, voice: [0, 1, 0] },
];

test('remember: asks to turn profiles on once, saves the voice under the name; again: one more sample', async () => {
  const f = fakes();
  const s = session(speakers());
  const renames: string[] = [];
  const rename = async (_s: TranscriptSession, id: string, name: string) => void renames.push(`${id}=${name}`);
  assert.equal(await rememberVoiceFlow(s, 'S1', f.ui, f.store, rename), 'saved');
  assert.deepEqual(f.asked, ['enable']);
  assert.deepEqual(renames, [], 'Alice already has a name');
  const saved = parseSpeakerProfilesFile(fs.readFileSync(f.file, 'utf8'), f.file);
  assert.deepEqual(
    saved.profiles.map((p) => [p.name, p.embedding, p.samples, p.model.sha256]),
    [['Alice', [1, 0, 0], 1, model.sha256]],
  );
  assert.equal(await rememberVoiceFlow(s, 'S1', f.ui, f.store, rename), 'saved');
  assert.deepEqual(f.asked, ['enable'], 'asked once');
  assert.equal((await readProfilesFile(f.file)).profiles[0].samples, 2);
  assert.match(f.infos[1], /2 in all/);
});

test('remember: declining the opt-in saves nothing; a default name is asked for and given to the speaker', async () => {
  const no = fakes({ enable: false });
  assert.equal(await rememberVoiceFlow(session(speakers()), 'S1', no.ui, no.store, async () => {}), 'cancelled');
  assert.equal(fs.existsSync(no.file), false);

  const f = fakes({ name: 'Bob', picks: ['S2'] });
  f.enabled = true;
  const renames: string[] = [];
  const out = await rememberVoiceFlow(session(speakers()), undefined, f.ui, f.store, async (_s, id, name) => {
    renames.push(`${id}=${name}`);
  });
  assert.equal(out, 'saved');
  assert.deepEqual(f.asked, ['name Speaker 2']);
  assert.deepEqual(renames, ['S2=Bob']);
  assert.deepEqual(
    (await readProfilesFile(f.file)).profiles.map((p) => p.name),
    ['Bob'],
  );
});

test('remember: a transcript without voices, or a broken file, says so and writes nothing', async () => {
  const f = fakes();
  f.enabled = true;
  const plain = session(speakers().map(({ voice: _v, ...s }) => s));
  assert.equal(await rememberVoiceFlow(plain, 'S1', f.ui, f.store, async () => {}), 'cancelled');
  assert.match(f.warnings[0], /no speaker voices to remember/);

  fs.mkdirSync(path.dirname(f.file), { recursive: true });
  fs.writeFileSync(f.file, '{"version": 1, "profiles": [ oops');
  assert.equal(await rememberVoiceFlow(session(speakers()), 'S1', f.ui, f.store, async () => {}), 'cancelled');
  assert.match(f.warnings[1], /is not valid JSON.*delete the file/);
  assert.equal(fs.readFileSync(f.file, 'utf8'), '{"version": 1, "profiles": [ oops', 'the user’s text is untouched');
});

test('read-modify-write: an edit made while the change was computed is kept, the change made on it', async () => {
  const f = fakes();
  await updateProfilesFile(f.file, (cur) => ({ file: cur, result: 0 })); // an empty file
  let calls = 0;
  await updateProfilesFile(f.file, (cur) => {
    calls++;
    if (calls === 1) {
      // Someone saves the file between our read and our write.
      fs.writeFileSync(f.file, JSON.stringify({ version: 1, profiles: [] }) + '\n ');
    }
    return { file: { ...cur, profiles: [] }, result: calls };
  });
  assert.equal(calls, 2, 'the change ran again on the new content');
});

test('Not This Person: a negative on the profile, the name off the speaker in the view', async () => {
  const f = fakes();
  f.enabled = true;
  await rememberVoiceFlow(session(speakers()), 'S1', f.ui, f.store, async () => {});
  const s = session([
    { id: 'S1', name: 'Alice', talkSec: 5, voice: [0.9, 0.4, 0], recognised: { profile: 'Alice', similarity: 0.91 } },
    { id: 'S2', name: 'Speaker 2', talkSec: 4, voice: [0, 1, 0] },
  ]);
  assert.equal(await notThisPersonFlow(s, 'S1', f.ui, f.store), 'saved');
  const p = (await readProfilesFile(f.file)).profiles[0];
  assert.equal(p.negatives?.length, 1);
  assert.equal(s.transcript?.speakers?.[0].name, 'Speaker 1');
  assert.equal(s.transcript?.speakers?.[0].recognised, undefined);
  // Nothing recognised: nothing to correct.
  assert.equal(await notThisPersonFlow(s, undefined, f.ui, f.store), 'cancelled');
  assert.match(f.warnings.at(-1) ?? '', /no speaker of this transcript was named/);
});

test('Forget Voice: the picked name goes after confirming; declining keeps it', async () => {
  const f = fakes({ picks: ['Alice', 'Alice'], forget: false });
  f.enabled = true;
  await rememberVoiceFlow(session(speakers()), 'S1', f.ui, f.store, async () => {});
  assert.equal(await forgetVoiceFlow(f.ui, f.store), 'cancelled');
  assert.equal((await readProfilesFile(f.file)).profiles.length, 1);
  const g = { ...f, ui: { ...f.ui, confirmForget: async () => true } };
  assert.equal(await forgetVoiceFlow(g.ui, g.store), 'saved');
  assert.equal((await readProfilesFile(f.file)).profiles.length, 0);
});
