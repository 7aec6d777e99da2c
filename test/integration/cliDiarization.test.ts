// `sensevoice transcribe --diarize` end to end: the cli's JSON `turns` against sherpa-onnx-node's
// OfflineSpeakerDiarization on the synthetic models (tools/makeDiarizationModels) and recordings of
// 1-3 real voices (labels up to a permutation, >= 99% of the time, boundaries within 20 ms); every
// segment has a speaker; the edge cases (one speaker, silence, 0.5 s, one sample past a window);
// missing, corrupt and wrong-contract models as coded errors, after which the daemon still serves.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError, type ProgressParams, type Transcript } from '../../common/protocol';
import { makeDiarizationModels, type DiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';
import { compareDiarizations } from '../helpers/diarizationAgreement';
import { makeEdgeAudio, type EdgeAudio } from '../helpers/diarizationEdgeAudio';
import { makeMultiSpeakerAudio } from '../helpers/multiSpeakerAudio';
import { CACHE, requireBuilt, tempDir } from '../helpers/paths';
import { runSherpaDiarization, type SherpaDiarizationResult, type Turn } from '../helpers/sherpaDiarization';
import { testModel } from '../helpers/testModels';
import { cliDiarizeArgs, cliModelArgs } from '../helpers/cliArgs';

interface Run {
  name: string;
  wav: string;
  durationSec: number;
}

interface Group {
  embedding: 'embedding' | 'wespeaker';
  speakers: number;
  threshold: number;
  runs: Run[];
}

let models: DiarizationModels;
let edge: Record<'silence' | 'halfSecond' | 'windowPlusOne', EdgeAudio>;
let groups: Group[];
const sherpa = new Map<string, SherpaDiarizationResult>();
const ours = new Map<string, Transcript>();

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [requireBuilt('cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    env: {
      ...process.env,
      SENSEVOICE_MODEL_STORE: tempDir('empty-store'),
      SENSEVOICE_CACHE_DIR: tempDir('diarize-cache'),
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const asrArgs = () => cliModelArgs(testModel('sherpa').dir);
const modelFile = (g: Group) => (g.embedding === 'wespeaker' ? models.wespeaker : models.embedding);
const numeric = (turns: Transcript['turns']): Turn[] =>
  (turns ?? []).map((t) => ({ start: t.start, end: t.end, speaker: Number(t.speaker.slice(1)) }));

const run = (name: string, wav: string, durationSec: number): Run => ({ name, wav, durationSec });
const scenario = (name: 'twoSpeakers' | 'threeSpeakers' | 'overlap' | 'oneSpeaker') => {
  const a = makeMultiSpeakerAudio(name);
  return run(name, a.file, a.durationSec);
};

before(async () => {
  models = makeDiarizationModels();
  edge = await makeEdgeAudio();
  groups = [
    {
      embedding: 'wespeaker',
      speakers: 0,
      threshold: 0.6,
      runs: [
        scenario('twoSpeakers'),
        scenario('threeSpeakers'),
        scenario('oneSpeaker'),
        run('silence', edge.silence.wav, edge.silence.durationSec),
        run('0.5 s', edge.halfSecond.wav, edge.halfSecond.durationSec),
        run('window + 1 sample', edge.windowPlusOne.wav, edge.windowPlusOne.durationSec),
      ],
    },
    { embedding: 'embedding', speakers: 2, threshold: 0.5, runs: [scenario('twoSpeakers'), scenario('overlap')] },
    { embedding: 'wespeaker', speakers: 3, threshold: 0.5, runs: [scenario('threeSpeakers')] },
  ];
  const key = (g: Group, r: Run) => `${r.name} ${g.embedding} k=${g.speakers} t=${g.threshold}`;
  const jobs = groups.flatMap((g) =>
    g.runs.map((r) => ({
      segmentation: models.segmentation,
      embedding: modelFile(g),
      wav: r.wav,
      numClusters: g.speakers > 0 ? g.speakers : -1,
      threshold: g.threshold,
      minDurationOn: 0.3,
      minDurationOff: 0.5,
    })),
  );
  const results = runSherpaDiarization(jobs);
  let i = 0;
  for (const g of groups) {
    for (const r of g.runs) sherpa.set(key(g, r), results[i++]);
    // One cli call per group: every file of it, one JSON line each, in the order given.
    const out = cli([
      'transcribe',
      ...g.runs.map((r) => r.wav),
      ...asrArgs(),
      ...cliDiarizeArgs(models.segmentation, modelFile(g), g.speakers),
      '--cluster-threshold',
      String(g.threshold),
      '--format',
      'json',
    ]);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trim().split('\n');
    assert.equal(lines.length, g.runs.length, out.stdout);
    g.runs.forEach((r, j) => ours.set(key(g, r), JSON.parse(lines[j]) as Transcript));
  }
});

test('cli JSON turns match sherpa-onnx on >= 99% of the time, boundaries within 20 ms', (t) => {
  for (const [name, theirs] of sherpa) {
    const mine = ours.get(name) as Transcript;
    const durationSec = groups.flatMap((g) => g.runs).find((r) => name.startsWith(`${r.name} `))?.durationSec ?? 0;
    const a = compareDiarizations(numeric(mine.turns), theirs.turns, durationSec);
    t.diagnostic(
      `${name}: ${theirs.turns.length} turns, agreement ${(a.agreement * 100).toFixed(3)}%, max boundary diff ${(a.maxBoundaryDiff * 1000).toFixed(1)} ms`,
    );
    assert.ok(Array.isArray(mine.turns), `${name}: turns`);
    assert.equal(mine.turns?.length, theirs.turns.length, `${name}: turn count`);
    assert.ok(a.agreement >= 0.99, `${name}: agreement ${a.agreement}`);
    assert.ok(a.maxBoundaryDiff <= 0.02, `${name}: boundary diff ${a.maxBoundaryDiff}`);
    assert.equal(mine.speakers?.length, new Set(theirs.turns.map((x) => x.speaker)).size, `${name}: speakers`);
  }
});

test('every segment carries a speaker of the speakers list; ids by first appearance', () => {
  for (const [name, t] of ours) {
    if ((t.turns ?? []).length === 0) continue;
    const ids = (t.speakers ?? []).map((s) => s.id);
    assert.deepEqual(
      ids,
      ids.map((_, i) => `S${i + 1}`),
      name,
    );
    assert.ok(t.segments.length > 0, `${name}: segments`);
    for (const s of t.segments) assert.ok(s.speaker !== undefined && ids.includes(s.speaker), `${name}: ${s.speaker}`);
    // The first turn's speaker is S1; talk times add up the turns.
    assert.equal(t.turns?.[0].speaker, 'S1', name);
    for (const sp of t.speakers ?? []) {
      const sum = (t.turns ?? []).filter((x) => x.speaker === sp.id).reduce((n, x) => n + x.end - x.start, 0);
      assert.ok(Math.abs(sum - sp.talkSec) < 0.002, `${name}: ${sp.id} talk ${sp.talkSec} vs ${sum}`);
    }
  }
});

test('edge cases: one speaker is one speaker; silence has none and no error; 0.5 s and window + 1 run', () => {
  const get = (prefix: string) => ours.get(`${prefix} wespeaker k=0 t=0.6`) as Transcript;
  assert.equal(get('oneSpeaker').speakers?.length, 1);
  const silence = get('silence');
  assert.deepEqual(silence.speakers, []);
  assert.deepEqual(silence.turns, []);
  assert.equal(silence.speakersUnavailable, undefined);
  for (const name of ['0.5 s', 'window + 1 sample']) {
    const t = get(name);
    assert.ok(Array.isArray(t.turns) && Array.isArray(t.speakers), name);
  }
  assert.ok((get('window + 1 sample').speakers?.length ?? 0) >= 1);
});

test('--speaker-names names S1, S2 in md and vtt; the options need --diarize', () => {
  const wav = makeMultiSpeakerAudio('twoSpeakers').file;
  const args = [
    'transcribe',
    wav,
    ...asrArgs(),
    ...cliDiarizeArgs(models.segmentation, models.embedding, 2),
    '--speaker-names',
    'Alice,Bob',
  ];
  const md = cli([...args, '--format', 'md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^- \*\*Participants:\*\* Alice \([^)]+\), Bob \([^)]+\)$/m);
  assert.match(md.stdout, /^\*\*Alice\*\* \[\d+:\d\d\]: /m);
  assert.match(md.stdout, /^\*\*Bob\*\* \[\d+:\d\d\]: /m);
  const vtt = cli([...args, '--format', 'vtt']);
  assert.match(vtt.stdout, /^<v Alice>/m);
  assert.match(vtt.stdout, /^<v Bob>/m);
  const usage = cli(['transcribe', wav, '--speakers', '2']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--speakers needs --diarize/);
});

test('--diarize with nothing in the store: DiarizationModelNotFound saying where the models go', () => {
  const store = tempDir('store-without-diarization');
  const r = cli(['transcribe', makeMultiSpeakerAudio('oneSpeaker').file, ...asrArgs(), '--diarize'], {
    SENSEVOICE_MODEL_STORE: store,
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /DiarizationModelNotFound/);
  assert.ok(r.stderr.includes(path.join(store, 'diarization', 'segmentation.onnx')), r.stderr);
});

test('the daemon: absent store models give a transcript without speakers and a reason; bad models a coded error naming the file, then it serves on', async () => {
  const store = tempDir('diarization-store');
  const daemon = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'test',
    settings: { provider: 'cpu', threads: 1, modelPath: testModel('sherpa').dir },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: tempDir('diarize-daemon-cache'), SENSEVOICE_MODEL_STORE: store },
  });
  try {
    const wav = makeMultiSpeakerAudio('twoSpeakers').file;
    const plain = await daemon.request('transcribe/file', { path: wav, diarization: {} });
    assert.match(plain.speakersUnavailable ?? '', /^transcript without speakers: .*segmentation\.onnx/);
    assert.equal(plain.speakers, undefined);
    assert.ok(plain.segments.length > 0 && plain.segments.every((s) => s.speaker === undefined));

    const dir = path.join(CACHE, 'fixtures', 'bad-diarization-models');
    fs.mkdirSync(dir, { recursive: true });
    const corrupt = path.join(dir, 'corrupt-segmentation.onnx');
    fs.writeFileSync(corrupt, fs.readFileSync(models.segmentation).subarray(0, 1500));
    const expectInvalid = async (segmentationModel: string, embeddingModel: string, file: string) =>
      assert.rejects(
        daemon.request('transcribe/file', { path: wav, diarization: { segmentationModel, embeddingModel } }),
        (e: unknown) => {
          assert.ok(e instanceof SenseVoiceError, String(e));
          assert.equal(e.code, ErrorCode.DiarizationModelInvalid, e.message);
          assert.ok(e.message.includes(file), e.message);
          return true;
        },
      );
    await expectInvalid(corrupt, models.embedding, corrupt);
    // Wrong contract: the roles swapped.
    await expectInvalid(models.wespeaker, models.segmentation, models.wespeaker);
    await assert.rejects(
      daemon.request('transcribe/file', {
        path: wav,
        diarization: { segmentationModel: path.join(dir, 'missing.onnx'), embeddingModel: models.embedding },
      }),
      (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.DiarizationModelNotFound,
    );

    // The stored models, copied where the store keeps them: the same daemon diarizes now, with progress.
    fs.mkdirSync(path.join(store, 'diarization'), { recursive: true });
    fs.copyFileSync(models.segmentation, path.join(store, 'diarization', 'segmentation.onnx'));
    fs.copyFileSync(models.embedding, path.join(store, 'diarization', 'embedding.onnx'));
    const progress: ProgressParams[] = [];
    const t = await daemon.request(
      'transcribe/file',
      { path: wav, diarization: { numSpeakers: 2 } },
      { onProgress: (p) => progress.push(p) },
    );
    assert.equal(t.speakers?.length, 2);
    assert.equal(t.speakersUnavailable, undefined);
    assert.ok(t.segments.every((s) => s.speaker !== undefined));
    assert.ok(progress.some((p) => p.message === 'diarizing'));
    assert.equal(progress.at(-1)?.fraction, 1);
    // The cache key holds the diarization: another speaker count is another transcript.
    const again = await daemon.request('transcribe/file', { path: wav, diarization: { numSpeakers: 2 } });
    assert.equal(again.cached, true);
    const three = await daemon.request('transcribe/file', { path: wav, diarization: { numSpeakers: 3 } });
    assert.notEqual(three.cached, true);
    assert.ok(Array.isArray(three.speakers));
  } finally {
    await daemon.dispose();
  }
});

test('a diarized job is cancellable while it diarizes', async () => {
  const daemon = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'test',
    settings: { provider: 'cpu', threads: 1, modelPath: testModel('sherpa').dir },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: tempDir('diarize-cancel-cache') },
  });
  try {
    const ac = new AbortController();
    const job = daemon.request(
      'transcribe/file',
      {
        path: makeMultiSpeakerAudio('threeSpeakers').file,
        diarization: { segmentationModel: models.segmentation, embeddingModel: models.wespeaker },
      },
      { signal: ac.signal, onProgress: (p) => p.message === 'diarizing' && ac.abort() },
    );
    await assert.rejects(job, (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled);
    const t = await daemon.request('transcribe/file', {
      path: makeMultiSpeakerAudio('oneSpeaker').file,
      diarization: { segmentationModel: models.segmentation, embeddingModel: models.wespeaker, threshold: 0.6 },
    });
    assert.equal(t.speakers?.length, 1);
  } finally {
    await daemon.dispose();
  }
});
