// `transcript/rediarize` and the speaker count against the real daemon, on the synthetic ASR and
// diarization models and a three-voice recording first diarized as two speakers: another count re-runs the diarization alone (the
// daemon's inference batch and segment counts do not move: no ASR ran), a kept analysis is
// re-clustered without the models (the daemon's log says which), the user's names follow their
// speakers, the result is cached where `transcribe/file` with the new count finds it, and a new
// daemon (no kept analysis) runs the diarization models but still not the ASR, also for a plain
// `transcribe/file` with another `numSpeakers` (what the cli's second `--speakers` call sends).
// Coded errors: a bad count, no cached recognition, absent models; a cancel is Cancelled. The cli's
// second `transcribe --diarize --speakers N` with another N says on stderr that it reused the recognition.
// Re-clustering a kept analysis gives exactly what a whole new run with that count gives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError, type DiarizationOptions, type Transcript } from '../../common/protocol';
import { makeDiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';
import { analyseSpeakers, clusterSpeakers, diarize } from '../../daemon/diarization/diarize';
import { loadEmbeddingModel, loadSegmentationModel } from '../../daemon/diarization/diarizationModels';
import { decodeWhole } from '../../daemon/ffmpeg/decodeWhole';
import { makeMultiSpeakerAudio } from '../helpers/multiSpeakerAudio';
import { requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { waitFor } from '../helpers/waitFor';
import { cliDiarizeArgs, cliModelArgs } from '../helpers/cliArgs';

const cacheDir = tempDir('rediarize-cache');
const storeDir = tempDir('rediarize-store');
let diarization: DiarizationOptions;
let modelPath: string;
let wav: string;
let oneSpeakerWav: string;
const daemons: DaemonConnection[] = [];
const logs: string[] = [];

async function startDaemon(): Promise<DaemonConnection> {
  const d = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'rediarize',
    settings: { provider: 'cpu', threads: 1 },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: cacheDir, SENSEVOICE_MODEL_STORE: storeDir },
    onStderr: (line) => logs.push(line),
  });
  daemons.push(d);
  return d;
}

const isCode = (code: number) => (e: unknown) => e instanceof SenseVoiceError && e.code === code;
const words = (t: Transcript) => t.segments.map((s) => s.text).join(' ');
const recognised = async (d: DaemonConnection) => {
  const s = await d.request('daemon/status', undefined);
  return { batches: s.batches, segments: s.segmentsRecognised };
};

before(() => {
  const models = makeDiarizationModels();
  diarization = { segmentationModel: models.segmentation, embeddingModel: models.wespeaker, numSpeakers: 2 };
  modelPath = testModel('sherpa').dir;
  wav = makeMultiSpeakerAudio('threeSpeakers').file;
  oneSpeakerWav = makeMultiSpeakerAudio('oneSpeaker').file;
});
after(async () => {
  for (const d of daemons) await d.dispose();
});

test('another speaker count re-diarizes the cached recognition, keeps the names, and is cached', async () => {
  const daemon = await startDaemon();
  const request = { path: wav, modelPath, vad: 'on' as const, diarization };
  const two: Transcript = await daemon.request('transcribe/file', request);
  assert.equal(two.speakers?.length, 2);
  assert.equal(two.recognitionCached, undefined, 'the first run recognised the file');
  await daemon.request('transcript/editSpeakers', { ...request, edit: { kind: 'rename', id: 'S1', name: 'Alice' } });
  const asr = await recognised(daemon);
  assert.ok(asr.batches > 0);
  // The recognition is cached on its own, where a request without diarization finds it.
  const plain: Transcript = await daemon.request('transcribe/file', {
    path: wav,
    modelPath,
    vad: 'on',
    cachedOnly: true,
  });
  assert.equal(plain.speakers, undefined);
  assert.equal(words(plain), words(two));

  const progress: number[] = [];
  const three: Transcript = await daemon.request(
    'transcript/rediarize',
    { ...request, numSpeakers: 3 },
    { onProgress: (p) => progress.push(p.fraction ?? -1) },
  );
  assert.deepEqual(await recognised(daemon), asr, 'no ASR ran');
  assert.equal(three.recognitionCached, true);
  assert.equal(three.timings.inferenceMs, 0);
  assert.equal(three.speakers?.length, 3);
  assert.equal(words(three), words(two), 'the same recognition');
  assert.ok(three.segments.every((s) => three.speakers?.some((x) => x.id === s.speaker)));
  assert.ok(progress.at(-1) === 1, `progress ends at 1 (${progress.join(', ')})`);
  assert.ok(
    logs.some((l) => /again on its cached recognition \(kept analysis re-clustered\)/.test(l)),
    'the kept analysis was re-clustered, the models not run',
  );
  // Alice goes to the new speaker holding most of her talk; the split-off voice gets a default name.
  const names = three.speakers?.map((s) => s.name) ?? [];
  assert.equal(names.filter((n) => n === 'Alice').length, 1, names.join(', '));
  const alice = three.speakers?.find((s) => s.name === 'Alice');
  const aliceBefore = two.turns?.filter((t) => t.speaker === 'S1') ?? [];
  const shared = (id: string) =>
    (three.turns ?? [])
      .filter((t) => t.speaker === id)
      .reduce(
        (sum, t) =>
          sum + aliceBefore.reduce((s2, a) => s2 + Math.max(0, Math.min(a.end, t.end) - Math.max(a.start, t.start)), 0),
        0,
      );
  for (const s of three.speakers ?? []) assert.ok(shared(alice?.id ?? '') >= shared(s.id), 'Alice is where Alice was');

  // Cached where transcribe/file with the new count finds it: a restored view shows it, names included.
  const three2 = { ...diarization, numSpeakers: 3 };
  const restored: Transcript = await daemon.request('transcribe/file', {
    ...request,
    diarization: three2,
    cachedOnly: true,
  });
  assert.deepEqual(restored.speakers, three.speakers);
  assert.deepEqual(restored.segments, three.segments);

  // Back to two: that transcript is cached; Alice is still Alice.
  const back: Transcript = await daemon.request('transcript/rediarize', {
    ...request,
    diarization: three2,
    numSpeakers: 2,
  });
  assert.deepEqual(
    back.speakers?.map((s) => s.name),
    ['Alice', 'Speaker 2'],
  );
  assert.deepEqual(back.segments, two.segments);
  assert.deepEqual(await recognised(daemon), asr, 'still no ASR');

  // Coded errors, and the daemon serves on.
  await assert.rejects(
    daemon.request('transcript/rediarize', { ...request, numSpeakers: 'two' as never }),
    isCode(ErrorCode.InvalidParams),
  );
  await assert.rejects(
    daemon.request('transcript/rediarize', { path: wav, modelPath, vad: 'on', numSpeakers: 2 } as never),
    isCode(ErrorCode.InvalidParams),
  );
  await assert.rejects(
    daemon.request('transcript/rediarize', { ...request, path: oneSpeakerWav, numSpeakers: 2 }),
    isCode(ErrorCode.NotCached),
  );
  await assert.rejects(
    daemon.request('transcript/rediarize', { path: wav, modelPath, vad: 'on', diarization: {}, numSpeakers: 2 }),
    isCode(ErrorCode.DiarizationModelNotFound),
    'no stored models: the clear error, not a transcript without speakers',
  );
  await daemon.dispose();
  daemons.pop();

  // A new daemon has no analysis in memory: the diarization models run, the ASR still does not.
  const fresh = await startDaemon();
  const auto: Transcript = await fresh.request('transcript/rediarize', { ...request, numSpeakers: 'auto' });
  assert.equal(auto.recognitionCached, true);
  assert.ok((auto.speakers?.length ?? 0) >= 1);
  assert.ok(logs.some((l) => /again on its cached recognition \(models run\)/.test(l)));
  const four: Transcript = await fresh.request('transcribe/file', {
    ...request,
    diarization: { ...diarization, numSpeakers: 4 },
  });
  assert.equal(four.recognitionCached, true, 'transcribe/file with a new count reuses the recognition too');
  assert.equal(words(four), words(two));
  assert.deepEqual(await recognised(fresh), { batches: 0, segments: 0 }, 'this daemon never ran the ASR');
});

test('a re-diarization running the models is cancelled with Cancelled', async () => {
  const daemon = await startDaemon();
  const request = { path: wav, modelPath, vad: 'on' as const, diarization: { ...diarization, numSpeakers: 2 } };
  await daemon.request('transcribe/file', request); // cached by the test above or now
  await daemon.dispose();
  daemons.pop();
  // A new daemon runs the models (nothing kept in memory); cancel once its progress has started.
  const fresh = await startDaemon();
  const abort = new AbortController();
  let started = false;
  const running = fresh.request(
    'transcript/rediarize',
    { ...request, numSpeakers: 5 },
    {
      signal: abort.signal,
      onProgress: (p) => {
        if ((p.fraction ?? 0) > 0 && (p.fraction ?? 0) < 0.9) started = true;
      },
    },
  );
  running.catch(() => undefined);
  await waitFor(() => started, 'the diarization to start', 30_000).catch(() => undefined);
  abort.abort();
  await assert.rejects(running, isCode(ErrorCode.Cancelled));
  assert.ok(await fresh.request('daemon/status', undefined), 'still serving');
});

test('the cli: a second --speakers call reuses the cached recognition and says so on stderr', () => {
  const env = {
    ...process.env,
    SENSEVOICE_CACHE_DIR: tempDir('rediarize-cli-cache'),
    SENSEVOICE_MODEL_STORE: storeDir,
  };
  const cli = (speakers: number) =>
    spawnSync(
      process.execPath,
      [
        requireBuilt('cli.js'),
        'transcribe',
        wav,
        ...cliModelArgs(modelPath),
        ...cliDiarizeArgs(diarization.segmentationModel as string, diarization.embeddingModel as string, speakers),
        '--format',
        'json',
      ],
      { encoding: 'utf8', timeout: 300_000, env },
    );
  const first = cli(2);
  assert.equal(first.status, 0, first.stderr);
  assert.doesNotMatch(first.stderr, /reused the cached recognition/);
  const second = cli(3);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /reused the cached recognition; only the speaker diarization ran \(3 speakers\)/);
  const a = JSON.parse(first.stdout) as Transcript;
  const b = JSON.parse(second.stdout) as Transcript;
  assert.equal(b.segments.map((s) => s.text).join(' '), a.segments.map((s) => s.text).join(' '));
  assert.equal(new Set(b.segments.map((s) => s.speaker)).size, 3);
});

test('re-clustering a kept analysis gives exactly the turns of a new run with that count', async () => {
  const segmentation = await loadSegmentationModel(diarization.segmentationModel as string);
  const embedding = await loadEmbeddingModel(diarization.embeddingModel as string);
  const samples = await decodeWhole(wav);
  const analysis = await analyseSpeakers(samples, segmentation, embedding, {});
  const frozen = Float32Array.from(analysis.embeddings);
  const smoothing = { minDurationOn: 0.3, minDurationOff: 0.5 };
  for (const [numClusters, threshold] of [
    [2, 0.5],
    [3, 0.5],
    [1, 0.5],
    [-1, 0.5],
    [-1, 0.2],
  ]) {
    const options = { numClusters, threshold, ...smoothing };
    const again = clusterSpeakers(analysis, options);
    const fresh = await diarize(samples, segmentation, embedding, options);
    assert.deepEqual(again, fresh, `k=${numClusters} t=${threshold}`);
  }
  assert.deepEqual(analysis.embeddings, frozen, 'the kept analysis is left as it was');
});
