// Renaming and merging speakers from the view, with fake prompts and a fake daemon connection: the
// session (and so the view, copies, exports and notes) shows the new names at once; the edit goes to
// the daemon's cache with the options transcripts are made with, or into the saved JSON file the view
// came from (after asking once); a save that fails or is declined leaves the edit shown and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type Transcript } from '../../../../common/protocol';
import type { HostMessage } from '../../../../common/pages/transcriptMessages';
import { formatJson, formatMarkdown, parseTranscriptJson } from '../../../../common/formats';
import { TranscriptSession } from '../../../../extension/transcript/transcriptSession';
import {
  mergeSpeakersFlow,
  renameSpeakerFlow,
  type SpeakerEditSaving,
  type SpeakerEditUi,
} from '../../../../extension/transcript/speakerEditing';
import { tempDir } from '../../../helpers/paths';

function diarized(file = '/rec/call.wav'): Transcript {
  const seg = (start: number, text: string, speaker: string, overlap?: string[]) => ({
    start,
    end: start + 4,
    language: 'en',
    emotion: 'NEUTRAL',
    event: 'Speech',
    text,
    tokens: [],
    speaker,
    ...(overlap ? { overlap } : {}),
  });
  return {
    file,
    durationSec: 12,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 },
    speakers: [
      { id: 'S1', name: 'Speaker 1', talkSec: 8 },
      { id: 'S2', name: 'Speaker 2', talkSec: 4 },
    ],
    segments: [seg(0, 'hello', 'S1', ['S2']), seg(4, 'hi', 'S2'), seg(8, 'bye', 'S1')],
    turns: [
      { start: 0, end: 4, speaker: 'S1' },
      { start: 3, end: 8, speaker: 'S2' },
      { start: 8, end: 12, speaker: 'S1' },
    ],
  };
}

interface Fakes {
  ui: SpeakerEditUi;
  saving: SpeakerEditSaving;
  requests: { method: string; params: unknown }[];
  warnings: string[];
  written: Map<string, string>;
  asked: string[];
}

function fakes(answers: { name?: string; picks?: string[]; rewrite?: boolean; daemonError?: Error }): Fakes {
  const f: Fakes = {
    requests: [],
    warnings: [],
    written: new Map(),
    asked: [],
    ui: {
      askName: async (current, validate) => {
        f.asked.push(current);
        assert.equal(validate('  '), 'A name has 1 to 80 characters.');
        assert.equal(validate('Alice'), undefined);
        return answers.name;
      },
      pickSpeaker: async (_title, _ph, choices) => {
        const id = answers.picks?.shift();
        if (id !== undefined)
          assert.ok(
            choices.some((c) => c.id === id),
            `${id} is offered`,
          );
        return id;
      },
      confirmRewrite: async (file) => {
        f.asked.push(`rewrite ${file}`);
        return answers.rewrite ?? false;
      },
      warn: (m) => f.warnings.push(m),
    },
    saving: {
      sup: {
        request: (async (method: string, params: unknown) => {
          f.requests.push({ method, params });
          if (answers.daemonError) throw answers.daemonError;
          return { speakers: [] };
        }) as never,
      },
      params: () => ({ diarization: { numSpeakers: 0 } }),
      writeFile: async (file, text) => {
        f.written.set(file, text);
      },
    },
  };
  return f;
}

function liveSession() {
  const s = new TranscriptSession({ fileName: 'call.wav', filePath: '/rec/call.wav', emoji: true });
  const sent: HostMessage[] = [];
  s.setListener((m) => sent.push(m));
  s.begin();
  s.finish(diarized());
  return { s, sent };
}

test('rename: shown at once everywhere, saved in the daemon cache with the transcription options', async () => {
  const { s, sent } = liveSession();
  const f = fakes({ name: '  Alice ' });
  assert.equal(await renameSpeakerFlow(s, 'S1', f.ui, f.saving), 'saved');
  assert.deepEqual(f.asked, ['Speaker 1']);
  const last = sent.at(-1);
  assert.equal(last?.type, 'snapshot');
  assert.deepEqual(last?.type === 'snapshot' && last.state.speakers.map((x) => x.name), ['Alice', 'Speaker 2']);
  assert.match(formatMarkdown(s.transcript!), /\*\*Alice\*\* \[0:00\]: hello/);
  assert.match(formatJson(s.transcript!), /"name": "Alice"/);
  assert.deepEqual(f.requests, [
    {
      method: 'transcript/editSpeakers',
      params: {
        diarization: { numSpeakers: 0 },
        path: '/rec/call.wav',
        edit: { kind: 'rename', id: 'S1', name: 'Alice' },
      },
    },
  ]);
  assert.deepEqual(f.warnings, []);
});

test('rename: backing out, the same name or an unknown speaker change nothing and send nothing', async () => {
  const { s } = liveSession();
  for (const [id, name] of [
    ['S1', undefined],
    ['S1', 'Speaker 1'],
    ['S9', 'Zed'],
  ] as const) {
    const f = fakes({ name });
    assert.equal(await renameSpeakerFlow(s, id, f.ui, f.saving), 'cancelled');
    assert.deepEqual(f.requests, []);
  }
  assert.deepEqual(
    s.transcript?.speakers?.map((x) => x.name),
    ['Speaker 1', 'Speaker 2'],
  );
});

test('rename: a transcript no longer cached keeps the new name in the view and says a reload loses it', async () => {
  const { s } = liveSession();
  const f = fakes({ name: 'Alice', daemonError: new SenseVoiceError(ErrorCode.NotCached, 'No cached transcript.') });
  assert.equal(await renameSpeakerFlow(s, 'S1', f.ui, f.saving), 'shown');
  assert.equal(s.transcript?.speakers?.[0].name, 'Alice');
  assert.equal(f.warnings.length, 1);
  assert.match(f.warnings[0], /reloaded window will not have them: No cached transcript/);
});

test('merge: two picks, then segments, overlap and turns are one speaker; saved in the cache', async () => {
  const { s } = liveSession();
  const f = fakes({ picks: ['S2', 'S1'] });
  assert.equal(await mergeSpeakersFlow(s, undefined, f.ui, f.saving), 'saved');
  assert.deepEqual(
    s.transcript?.speakers?.map((x) => [x.id, x.talkSec]),
    [['S1', 12]],
  );
  assert.ok(s.snapshot().segments.every((x) => x.speaker === 'S1' && x.overlap === undefined));
  assert.deepEqual((f.requests[0].params as { edit: unknown }).edit, { kind: 'merge', from: 'S2', into: 'S1' });
  // The first speaker given by the page: only the second is asked.
  const again = liveSession();
  const g = fakes({ picks: ['S2'] });
  assert.equal(await mergeSpeakersFlow(again.s, 'S1', g.ui, g.saving), 'saved');
  assert.deepEqual(
    again.s.transcript?.speakers?.map((x) => x.id),
    ['S2'],
  );
  // Backing out of a pick, or one speaker only: nothing happens.
  const h = fakes({ picks: [] });
  assert.equal(await mergeSpeakersFlow(liveSession().s, undefined, h.ui, h.saving), 'cancelled');
  assert.equal(await mergeSpeakersFlow(again.s, undefined, h.ui, h.saving), 'cancelled');
  assert.match(h.warnings[0], /fewer than two speakers/);
  assert.deepEqual(h.requests, []);
});

test('a view opened from a saved JSON: the file is written again once the user agrees, and reads back', async () => {
  const dir = tempDir('speaker-json');
  const json = path.join(dir, 'call.transcript.json');
  const original = formatJson(diarized(path.join(dir, 'call.wav')));
  fs.writeFileSync(json, original);
  const open = () => {
    const s = new TranscriptSession({ fileName: 'call.wav', filePath: path.join(dir, 'call.wav'), emoji: true });
    s.finish(parseTranscriptJson(fs.readFileSync(json, 'utf8')), 'file', json);
    return s;
  };
  // Declined: shown, the file untouched, the daemon not asked.
  const no = fakes({ name: 'Alice', rewrite: false });
  assert.equal(await renameSpeakerFlow(open(), 'S1', no.ui, no.saving), 'shown');
  assert.equal(no.written.size, 0);
  assert.deepEqual(no.requests, []);
  // Agreed: written; asked once per file.
  const yes = fakes({ name: 'Alice', rewrite: true });
  yes.saving.writeFile = async (file, text) => fs.writeFileSync(file, text);
  const s = open();
  assert.equal(await renameSpeakerFlow(s, 'S1', yes.ui, yes.saving), 'saved');
  const back = parseTranscriptJson(fs.readFileSync(json, 'utf8'));
  assert.deepEqual(
    back.speakers?.map((x) => x.name),
    ['Alice', 'Speaker 2'],
  );
  assert.deepEqual(back.segments, parseTranscriptJson(original).segments);
  const yes2 = fakes({ name: 'Bob', rewrite: true });
  yes2.saving.writeFile = async (file, text) => fs.writeFileSync(file, text);
  assert.equal(await renameSpeakerFlow(s, 'S2', yes2.ui, yes2.saving), 'saved');
  assert.deepEqual(yes2.asked, ['Speaker 2'], 'not asked again about the same file');
  assert.deepEqual(
    parseTranscriptJson(fs.readFileSync(json, 'utf8')).speakers?.map((x) => x.name),
    ['Alice', 'Bob'],
  );
});
