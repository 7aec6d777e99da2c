// Speaker diarization against the peer: sherpa-onnx-node's OfflineSpeakerDiarization and ours
// (daemon/diarization) on the synthetic models (tools/makeDiarizationModels) and recordings of 1-3
// real voices (test/helpers/multiSpeakerAudio). Ours decodes with ffmpeg, sherpa reads the WAV;
// turns must agree on >= 99% of the time (labels up to a permutation), boundaries within 20 ms.
// Then the edge cases: one speaker, silence, 0.5 s, one sample past a window, bad models, cancel.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeWhole } from '../../daemon/ffmpeg/decodeWhole';
import {
  loadEmbeddingModel,
  loadSegmentationModel,
  type EmbeddingMeta,
  type LoadedModel,
  type SegmentationMeta,
} from '../../daemon/diarization/diarizationModels';
import { diarize, type DiarizationResult } from '../../daemon/diarization/diarize';
import { ErrorCode, SenseVoiceError } from '../../common/protocol/errors';
import { makeDiarizationModels, type DiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';
import { makeTestModel } from '../../tools/makeTestModel/makeTestModel';
import { compareDiarizations } from '../helpers/diarizationAgreement';
import { makeMultiSpeakerAudio, writeWav16k, SCENARIOS } from '../helpers/multiSpeakerAudio';
import { CACHE } from '../helpers/paths';
import {
  runSherpaDiarization,
  type SherpaDiarizationJob,
  type SherpaDiarizationResult,
} from '../helpers/sherpaDiarization';

const MIN_ON = 0.3;
const MIN_OFF = 0.5;

interface Case {
  name: string;
  wav: string;
  durationSec: number;
  embedding: 'embedding' | 'wespeaker';
  numClusters: number;
  threshold: number;
  /** Speakers both must find, where the recording and settings make it certain. */
  speakers?: number;
}

let models: DiarizationModels;
let segmentation: LoadedModel<SegmentationMeta>;
const embeddings = new Map<string, LoadedModel<EmbeddingMeta>>();
const cases: Case[] = [];
const sherpa = new Map<string, SherpaDiarizationResult>();

const decode = (file: string): Promise<Float32Array> => decodeWhole(file);

async function ours(c: Case, signal?: AbortSignal): Promise<{ result: DiarizationResult; ms: number }> {
  const samples = await decode(c.wav);
  const t0 = performance.now();
  const result = await diarize(samples, segmentation, embeddings.get(c.embedding) as LoadedModel<EmbeddingMeta>, {
    numClusters: c.numClusters,
    threshold: c.threshold,
    minDurationOn: MIN_ON,
    minDurationOff: MIN_OFF,
    ...(signal ? { signal } : {}),
  });
  return { result, ms: performance.now() - t0 };
}

function scenario(name: keyof typeof SCENARIOS, rest: Omit<Case, 'name' | 'wav' | 'durationSec'>): Case {
  const a = makeMultiSpeakerAudio(name);
  return {
    name: `${name} ${rest.embedding} ${rest.numClusters > 0 ? `k=${rest.numClusters}` : `t=${rest.threshold}`}`,
    wav: a.file,
    durationSec: a.durationSec,
    ...rest,
  };
}

before(async () => {
  models = makeDiarizationModels();
  segmentation = await loadSegmentationModel(models.segmentation);
  embeddings.set('embedding', await loadEmbeddingModel(models.embedding));
  embeddings.set('wespeaker', await loadEmbeddingModel(models.wespeaker));
  const dir = path.join(CACHE, 'fixtures', 'speakers');
  const two = await decode(makeMultiSpeakerAudio('twoSpeakers').file);
  const edge = (name: string, samples: Float32Array) => ({
    wav: writeWav16k(path.join(dir, `${name}.wav`), samples),
    durationSec: samples.length / 16000,
  });
  cases.push(
    scenario('twoSpeakers', { embedding: 'wespeaker', numClusters: 2, threshold: 0.5, speakers: 2 }),
    scenario('twoSpeakers', { embedding: 'wespeaker', numClusters: -1, threshold: 0.6, speakers: 2 }),
    scenario('threeSpeakers', { embedding: 'wespeaker', numClusters: 3, threshold: 0.5, speakers: 3 }),
    scenario('threeSpeakers', { embedding: 'wespeaker', numClusters: -1, threshold: 0.6, speakers: 3 }),
    scenario('overlap', { embedding: 'wespeaker', numClusters: 2, threshold: 0.5, speakers: 2 }),
    scenario('twoSpeakers', { embedding: 'embedding', numClusters: 2, threshold: 0.5, speakers: 2 }),
    scenario('threeSpeakers', { embedding: 'embedding', numClusters: -1, threshold: 0.1 }),
    scenario('oneMinute', { embedding: 'wespeaker', numClusters: -1, threshold: 0.6 }),
    scenario('oneSpeaker', { embedding: 'wespeaker', numClusters: -1, threshold: 0.6, speakers: 1 }),
    {
      name: 'silence 12 s',
      ...edge('silence-12s', new Float32Array(12 * 16000)),
      embedding: 'wespeaker',
      numClusters: -1,
      threshold: 0.6,
      speakers: 0,
    },
    {
      name: 'silence 3 s',
      ...edge('silence-3s', new Float32Array(3 * 16000)),
      embedding: 'wespeaker',
      numClusters: 2,
      threshold: 0.6,
      speakers: 0,
    },
    {
      name: '0.5 s of speech',
      ...edge('half-second', two.slice(2 * 16000, 2 * 16000 + 8000)),
      embedding: 'wespeaker',
      numClusters: -1,
      threshold: 0.6,
    },
    {
      name: 'window + 1 sample',
      ...edge('window-plus-one', two.slice(0, 160001)),
      embedding: 'wespeaker',
      numClusters: -1,
      threshold: 0.6,
    },
    {
      name: 'window exactly',
      ...edge('window-exact', two.slice(0, 160000)),
      embedding: 'wespeaker',
      numClusters: -1,
      threshold: 0.6,
    },
  );
  const jobs: SherpaDiarizationJob[] = cases.map((c) => ({
    segmentation: models.segmentation,
    embedding: c.embedding === 'wespeaker' ? models.wespeaker : models.embedding,
    wav: c.wav,
    numClusters: c.numClusters,
    threshold: c.threshold,
    minDurationOn: MIN_ON,
    minDurationOff: MIN_OFF,
  }));
  runSherpaDiarization(jobs).forEach((r, i) => sherpa.set(cases[i].name, r));
});

test('turns match sherpa-onnx on >= 99% of the time, boundaries within 20 ms', async (t) => {
  for (const c of cases) {
    const theirs = sherpa.get(c.name) as SherpaDiarizationResult;
    const { result, ms } = await ours(c);
    const a = compareDiarizations(result.turns, theirs.turns, c.durationSec);
    const speakers = new Set(theirs.turns.map((x) => x.speaker)).size;
    t.diagnostic(
      `${c.name}: ${theirs.turns.length} turns, ${speakers} speakers; agreement ${(a.agreement * 100).toFixed(3)}%, ` +
        `max boundary diff ${(a.maxBoundaryDiff * 1000).toFixed(3)} ms; ours ${ms.toFixed(0)} ms, sherpa ${theirs.ms.toFixed(0)} ms`,
    );
    assert.ok(a.agreement >= 0.99, `${c.name}: agreement ${a.agreement}`);
    assert.ok(a.maxBoundaryDiff <= 0.02, `${c.name}: boundary diff ${a.maxBoundaryDiff}`);
    assert.equal(result.turns.length, theirs.turns.length, `${c.name}: turn count`);
    if (c.speakers !== undefined) {
      assert.equal(speakers, c.speakers, `${c.name}: sherpa's speakers`);
      assert.equal(result.numSpeakers, c.speakers, `${c.name}: our speakers`);
    }
  }
});

test('the recordings are not degenerate: the models find speech where the clips are', async () => {
  const a = makeMultiSpeakerAudio('twoSpeakers');
  const c = cases.find((x) => x.name === 'twoSpeakers wespeaker t=0.6') as Case;
  const { result } = await ours(c);
  let covered = 0;
  let total = 0;
  for (const p of a.placements) {
    total += p.end - p.start;
    for (const turn of result.turns) covered += Math.max(0, Math.min(p.end, turn.end) - Math.max(p.start, turn.start));
  }
  assert.ok(covered / total > 0.5, `speech covered ${covered / total}`);
  // Each reader's clips go (mostly) to one speaker, and the two readers to different ones.
  const speakerOf = (start: number, end: number) => {
    const time = new Map<number, number>();
    for (const turn of result.turns)
      time.set(
        turn.speaker,
        (time.get(turn.speaker) ?? 0) + Math.max(0, Math.min(end, turn.end) - Math.max(start, turn.start)),
      );
    return [...time].sort((x, y) => y[1] - x[1])[0]?.[0];
  };
  const byReader = new Map<string, Set<number | undefined>>();
  for (const p of a.placements)
    (byReader.get(p.speaker) ?? byReader.set(p.speaker, new Set()).get(p.speaker))?.add(speakerOf(p.start, p.end));
  assert.equal(byReader.get('1089')?.size, 1);
  assert.equal(byReader.get('1221')?.size, 1);
  assert.notDeepEqual([...(byReader.get('1089') ?? [])], [...(byReader.get('1221') ?? [])]);
});

test('progress per window, and an abort stops it with Cancelled', async () => {
  const c = cases[0];
  const samples = await decode(c.wav);
  const seen: [number, number][] = [];
  await diarize(samples, segmentation, embeddings.get('wespeaker') as LoadedModel<EmbeddingMeta>, {
    numClusters: 2,
    threshold: 0.5,
    minDurationOn: MIN_ON,
    minDurationOff: MIN_OFF,
    onProgress: (done, total) => void seen.push([done, total]),
  });
  assert.ok(seen.length > 1);
  assert.deepEqual(seen.at(-1), [seen.length, seen.length]);
  const ac = new AbortController();
  await assert.rejects(
    diarize(samples, segmentation, embeddings.get('wespeaker') as LoadedModel<EmbeddingMeta>, {
      numClusters: 2,
      threshold: 0.5,
      minDurationOn: MIN_ON,
      minDurationOff: MIN_OFF,
      signal: ac.signal,
      onProgress: (done) => {
        if (done === 2) ac.abort();
      },
    }),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled,
  );
});

test('corrupt and wrong-contract models: DiarizationModelInvalid naming the file and what is wrong', async () => {
  const dir = path.join(CACHE, 'fixtures', 'bad-diarization-models');
  fs.mkdirSync(dir, { recursive: true });
  const garbage = path.join(dir, 'garbage.onnx');
  fs.writeFileSync(garbage, Buffer.from('this is not an onnx model at all, just some text'));
  const truncated = path.join(dir, 'truncated.onnx');
  fs.writeFileSync(truncated, fs.readFileSync(models.segmentation).subarray(0, 2000));
  const senseVoice = makeTestModel({ layout: 'sherpa' }).model;
  const expectInvalid = async (load: Promise<unknown>, file: string, what: RegExp) =>
    assert.rejects(load, (e: unknown) => {
      assert.ok(e instanceof SenseVoiceError, String(e));
      assert.equal(e.code, ErrorCode.DiarizationModelInvalid);
      assert.ok(e.message.includes(file), e.message);
      assert.match(e.message, what);
      return true;
    });
  await expectInvalid(loadSegmentationModel(garbage), garbage, /ONNX/);
  await expectInvalid(loadSegmentationModel(truncated), truncated, /ONNX|metadata/);
  await expectInvalid(loadEmbeddingModel(garbage), garbage, /ONNX/);
  // A SenseVoice model is an ONNX file without either contract.
  await expectInvalid(loadSegmentationModel(senseVoice), senseVoice, /lacks "sample_rate"|lacks "window_size"/);
  await expectInvalid(loadEmbeddingModel(senseVoice), senseVoice, /lacks "framework"/);
  // The two roles swapped.
  await expectInvalid(loadSegmentationModel(models.wespeaker), models.wespeaker, /lacks "window_size"/);
  await expectInvalid(loadEmbeddingModel(models.segmentation), models.segmentation, /lacks "framework"/);
  await assert.rejects(
    loadSegmentationModel(path.join(dir, 'missing.onnx')),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.ModelNotFound,
  );
});
