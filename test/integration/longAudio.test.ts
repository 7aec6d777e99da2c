// Long audio through the daemon: segments where the speech is and none longer than the cap, the
// first segment long before the end, batching that changes nothing, joining, the cache, cancel,
// and a daemon that keeps answering while it works.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError, type SegmentParams, type TranscriptSegment } from '../../common/protocol';
import path from 'node:path';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';
import { makeLongAudio, type LongAudio } from '../helpers/longAudio';
import { testModel } from '../helpers/testModels';
import { waitFor } from '../helpers/waitFor';
import { decodingFfmpeg } from '../helpers/processes';

let long: LongAudio;
let modelDir: string;
before(() => {
  long = makeLongAudio(10);
  modelDir = testModel('sherpa').dir;
});

const daemons: DaemonConnection[] = [];
async function daemon(settings: Record<string, unknown> = {}): Promise<DaemonConnection> {
  const d = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'long-audio',
    settings: { provider: 'cpu', threads: 1, modelPath: modelDir, ...settings },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: tempDir('cache') },
  });
  daemons.push(d);
  return d;
}
after(async () => {
  await Promise.all(daemons.map((d) => d.dispose()));
});

/** Requests with a token so segments stream back; collects them with their arrival times. */
async function transcribeStreaming(
  d: DaemonConnection,
  params: Record<string, unknown>,
  signal?: AbortSignal,
  file = long.file,
) {
  const arrived: { at: number; p: SegmentParams }[] = [];
  const t0 = Date.now();
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort());
  let token: string | undefined;
  d.endpoint.onNotification('transcribe/segment', (raw) => {
    const p = raw as SegmentParams;
    if (p.token === token || token === undefined) arrived.push({ at: Date.now() - t0, p });
  });
  const result = d.request('transcribe/file', { path: file, ...params } as never, {
    signal: controller.signal,
    onProgress: (p) => (token = p.token),
  });
  return { result, arrived, t0 };
}

function overlaps(s: TranscriptSegment, clip: { start: number; end: number }): boolean {
  return s.start < clip.end && s.end > clip.start;
}

test('10 minutes: segments cover the speech, none longer than the cap, first one long before the end', async (t) => {
  const d = await daemon({ batchSize: 4 });
  const { result, arrived } = await transcribeStreaming(d, {});
  const tr = await result;
  const totalMs = tr.timings.totalMs;
  assert.ok(Math.abs(tr.durationSec - long.durationSec) < 0.05, `${tr.durationSec} vs ${long.durationSec}`);
  assert.ok(
    tr.segments.length >= long.clips.length * 0.9,
    `${tr.segments.length} segments for ${long.clips.length} clips`,
  );
  for (const s of tr.segments) assert.ok(s.end - s.start <= 30.001, `segment ${s.start}-${s.end}`);
  const found = long.clips.filter((c) => tr.segments.some((s) => overlaps(s, c))).length;
  assert.equal(found, long.clips.length, 'every clip is covered by a segment');
  const inSilence = tr.segments.filter((s) => !long.clips.some((c) => overlaps(s, c)));
  assert.deepEqual(inSilence, [], 'no segment lies wholly in a silence');
  assert.equal(arrived.length, tr.segments.length, 'each segment was sent as a notification');
  assert.deepEqual(
    arrived.map((a) => a.p.index).sort((x, y) => x - y),
    tr.segments.map((_, i) => i),
  );
  // Streaming: the first clip ends a few seconds into ten minutes, so its segment must come long before
  // the end (a run that sent segments only at the end would give ~totalMs). Half leaves room for a
  // loaded machine, where the model's first batch waits for the CPU (seen: 29% with a benchmark running).
  assert.ok(arrived[0].at < totalMs / 2, `first segment after ${arrived[0].at} ms of ${totalMs} ms`);
  t.diagnostic(`10 min: ${tr.segments.length} segments, first after ${arrived[0].at} ms, total ${totalMs} ms`);
});

test('a long stretch of speech is cut at the cap; batched and unbatched runs give identical transcripts', async () => {
  // The 16.7 s LibriSpeech clip exceeds a 10 s cap.
  const batched = await (
    await daemon({ batchSize: 8, maxSegmentSec: 10 })
  ).request('transcribe/file', { path: long.file });
  const single = await (
    await daemon({ batchSize: 1, maxSegmentSec: 10 })
  ).request('transcribe/file', { path: long.file });
  for (const s of batched.segments) assert.ok(s.end - s.start <= 10.001);
  assert.ok(
    batched.segments.length >
      (await (await daemon({ maxSegmentSec: 30 })).request('transcribe/file', { path: long.file })).segments.length,
  );
  assert.deepEqual(batched.segments, single.segments);
});

test('a second request for the same file joins the running job; a repeat comes from the cache', async () => {
  const d = await daemon();
  const a = d.request('transcribe/file', { path: long.file });
  const b = d.request('transcribe/file', { path: long.file });
  const status = await waitFor(async () => {
    const s = await d.request('daemon/status', undefined);
    return s.jobsRunning > 0 ? s : undefined;
  }, 'a running job');
  assert.equal(status.jobsRunning + status.jobsQueued, 1, 'two requests, one job');
  const [ra, rb] = await Promise.all([a, b]);
  assert.deepEqual(ra.segments, rb.segments);
  const again = await d.request('transcribe/file', { path: long.file });
  assert.deepEqual(again.segments, ra.segments);
  assert.equal(again.cached, true);
  assert.equal(ra.cached, undefined);
  assert.ok(
    again.timings.totalMs < ra.timings.totalMs / 5,
    `cached repeat took ${again.timings.totalMs} ms vs ${ra.timings.totalMs} ms`,
  );
});

test('cachedOnly answers from the cache or with NotCached, and never runs the model', async () => {
  const d = await daemon();
  const clip = path.join(AUDIO, 'sense_voice/en.wav');
  const before = (await d.request('daemon/status', undefined)).segmentsRecognised;
  await assert.rejects(
    d.request('transcribe/file', { path: clip, cachedOnly: true }),
    (e: unknown) =>
      e instanceof SenseVoiceError &&
      e.code === ErrorCode.NotCached &&
      /No cached transcript of .*en\.wav/.test(e.message),
  );
  assert.equal(
    (await d.request('daemon/status', undefined)).segmentsRecognised,
    before,
    'a cache-only lookup ran the model',
  );
  const full = await d.request('transcribe/file', { path: clip });
  const hit = await d.request('transcribe/file', { path: clip, cachedOnly: true });
  assert.equal(hit.cached, true);
  assert.deepEqual(hit.segments, full.segments);
  // Other settings are another transcript: not in the cache.
  await assert.rejects(
    d.request('transcribe/file', { path: clip, cachedOnly: true, language: 'zh' }),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.NotCached,
  );
});

// The MP3 is decoded by ffmpeg, which cancel must kill; the 16 kHz WAV is read without one (pcmWav.ts).
for (const kind of ['mp3', 'wav'] as const)
  test(`cancel stops the job promptly (${kind}): ${kind === 'mp3' ? 'ffmpeg killed, ' : ''}no segment after the job's answer; the daemon answers meanwhile`, async () => {
    const d = await daemon({ batchSize: 1 });
    const pid = d.child.pid!;
    const controller = new AbortController();
    const file = kind === 'mp3' ? makeLongAudio(10, 'mp3').file : long.file;
    const { result, arrived, t0 } = await transcribeStreaming(d, {}, controller.signal, file);
    await waitFor(() => arrived.length >= 1, 'a first segment');
    const info = await d.request('system/info', undefined);
    assert.ok(info.node, 'answers while transcribing');
    assert.equal(
      decodingFfmpeg(pid).length,
      kind === 'mp3' ? 1 : 0,
      kind === 'mp3' ? 'one ffmpeg decoding' : 'no ffmpeg for a 16 kHz WAV',
    );
    const cancelledAt = Date.now();
    // The rate so far gives the baseline: how long the rest of the file would have taken.
    const doneSec = Math.max(...arrived.map((a) => a.p.segment.end));
    const restMs = ((cancelledAt - t0) * (long.durationSec - doneSec)) / doneSec;
    controller.abort();
    await assert.rejects(result, (e: SenseVoiceError) => e.code === ErrorCode.Cancelled);
    // The job's answer is its last word: whatever it sent before is in `arrived` by now.
    const atAnswer = arrived.length;
    await waitFor(
      async () => (await d.request('daemon/status', undefined)).jobsRunning === 0,
      'the job to end',
      60_000,
    );
    const stoppedMs = Date.now() - cancelledAt;
    assert.ok(
      stoppedMs < restMs / 4,
      `stopped ${stoppedMs} ms after cancel; the rest of the file would have taken about ${Math.round(restMs)} ms`,
    );
    await waitFor(() => decodingFfmpeg(pid).length === 0, 'ffmpeg to be gone');
    const s = await d.request('daemon/status', undefined);
    assert.equal(s.segmentsQueued, 0, 'no batches left');
    // Frames come in order over the one pipe: any segment sent before this answer has arrived.
    assert.ok((await d.request('system/info', undefined)).node);
    assert.equal(arrived.length, atAnswer, 'no segment after the job answered Cancelled');
    assert.ok(arrived.at(-1)!.p.segment.end < long.durationSec / 2, 'and the job did not run on to the end');
  });

test('with VAD off a file is one model pass, capped at 5 minutes: 5 min 1 s is refused with InvalidParams that says to turn VAD on', async () => {
  const d = await daemon();
  const justOver = path.join(tempDir('vad-off-cap'), 'five-min-one-s.wav');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    long.file,
    '-t',
    '301',
    '-c:a',
    'pcm_s16le',
    justOver,
  ]);
  for (const file of [justOver, long.file]) {
    await assert.rejects(d.request('transcribe/file', { path: file, vad: 'off' }), (e: unknown) => {
      assert.ok(e instanceof SenseVoiceError, String(e));
      assert.equal(e.code, ErrorCode.InvalidParams, e.message);
      assert.match(e.message, /limited to 5 minutes.*Turn VAD on for long files\./);
      return true;
    });
  }
  // The same file with VAD on is transcribed, and the daemon serves on.
  const t = await d.request('transcribe/file', { path: justOver, vad: 'on' });
  assert.ok(Math.abs(t.durationSec - 301) < 0.05, `${t.durationSec}`);
});
