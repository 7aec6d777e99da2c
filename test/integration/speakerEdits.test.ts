// `transcript/editSpeakers` against the real daemon: a two-speaker file is transcribed with speakers
// (synthetic ASR and diarization models), a speaker renamed and two merged; a `cachedOnly` request
// (what a view restoring after a window reload sends) then returns the edited transcript, also from a
// new daemon that reads the cache from disk. No cached transcript is NotCached, a bad edit
// InvalidParams, and the daemon keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError, type DiarizationOptions, type Transcript } from '../../common/protocol';
import { makeDiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';
import { makeMultiSpeakerAudio } from '../helpers/multiSpeakerAudio';
import { requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';

const cacheDir = tempDir('speaker-edit-cache');
let diarization: DiarizationOptions;
let modelPath: string;
let wav: string;
const daemons: DaemonConnection[] = [];

async function startDaemon(): Promise<DaemonConnection> {
  const d = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'speaker-edits',
    settings: { provider: 'cpu', threads: 1 },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: cacheDir, SENSEVOICE_MODEL_STORE: tempDir('speaker-edit-store') },
  });
  daemons.push(d);
  return d;
}

const isCode = (code: number) => (e: unknown) => e instanceof SenseVoiceError && e.code === code;

before(() => {
  const models = makeDiarizationModels();
  diarization = { segmentationModel: models.segmentation, embeddingModel: models.wespeaker, numSpeakers: 2 };
  modelPath = testModel('sherpa').dir;
  wav = makeMultiSpeakerAudio('twoSpeakers').file;
});
after(async () => {
  for (const d of daemons) await d.dispose();
});

test('rename and merge are saved in the cache; a restore (also by a new daemon) shows them', async () => {
  const daemon = await startDaemon();
  const request = { path: wav, modelPath, vad: 'on' as const, diarization };
  const t: Transcript = await daemon.request('transcribe/file', request);
  assert.deepEqual(
    t.speakers?.map((s) => s.id),
    ['S1', 'S2'],
  );

  const renamed = await daemon.request('transcript/editSpeakers', {
    ...request,
    edit: { kind: 'rename', id: 'S1', name: 'Alice' },
  });
  assert.deepEqual(
    renamed.speakers.map((s) => s.name),
    ['Alice', 'Speaker 2'],
  );
  const restored: Transcript = await daemon.request('transcribe/file', { ...request, cachedOnly: true });
  assert.equal(restored.cached, true);
  assert.deepEqual(
    restored.speakers?.map((s) => s.name),
    ['Alice', 'Speaker 2'],
  );
  assert.deepEqual(restored.segments, t.segments, 'only the name changed');

  // A bad edit is refused and changes nothing; the daemon serves on.
  await assert.rejects(
    daemon.request('transcript/editSpeakers', { ...request, edit: { kind: 'rename', id: 'S9', name: 'X' } }),
    isCode(ErrorCode.InvalidParams),
  );
  await assert.rejects(
    daemon.request('transcript/editSpeakers', { ...request, edit: { kind: 'split' } as never }),
    isCode(ErrorCode.InvalidParams),
  );
  // Options other than those the transcript was made with find no entry.
  await assert.rejects(
    daemon.request('transcript/editSpeakers', {
      ...request,
      language: 'zh',
      edit: { kind: 'rename', id: 'S1', name: 'Bob' },
    }),
    isCode(ErrorCode.NotCached),
  );
  // Without the diarization option there are no speakers to edit.
  await assert.rejects(
    daemon.request('transcript/editSpeakers', {
      path: wav,
      modelPath,
      vad: 'on',
      edit: { kind: 'rename', id: 'S1', name: 'Bob' },
    }),
    isCode(ErrorCode.InvalidParams),
  );

  const merged = await daemon.request('transcript/editSpeakers', {
    ...request,
    edit: { kind: 'merge', from: 'S2', into: 'S1' },
  });
  assert.deepEqual(
    merged.speakers.map(({ voice: _v, ...s }) => s),
    [{ id: 'S1', name: 'Alice', talkSec: merged.speakers[0].talkSec }],
  );
  assert.equal(merged.speakers[0].voice?.length, t.speakers?.[0].voice?.length, 'one voice, from both');
  assert.ok(merged.speakers[0].talkSec >= Math.max(...(t.speakers ?? []).map((s) => s.talkSec)));
  await daemon.dispose();
  daemons.pop();

  // A new daemon reads the edited entry from disk.
  const fresh = await startDaemon();
  const again: Transcript = await fresh.request('transcribe/file', { ...request, cachedOnly: true });
  assert.deepEqual(
    again.speakers?.map((s) => [s.id, s.name]),
    [['S1', 'Alice']],
  );
  assert.ok(again.segments.every((s) => s.speaker === 'S1' && s.overlap === undefined));
  assert.ok((again.turns ?? []).every((x) => x.speaker === 'S1'));
  const info = await fresh.request('daemon/status', undefined);
  assert.ok(info, 'still serving');
});
