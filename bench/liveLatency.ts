// Live latency (issue 14): from the end of an utterance of 5 s of speech to its text at the client,
// through the real capture path. A private PulseAudio server (test/helpers/pulseAudio) with a 16 kHz
// null sink; the daemon records the sink's monitor as a user's recording would be (Ogg/Opus, VAD on,
// the model given: the full-size synthetic SenseVoiceSmall in `npm run bench`); each utterance is
// played into the sink with paplay, one at a time, with silence between them.
//
// The end of an utterance is the moment paplay returns: it waits for the sound server to have played
// the stream out (drained), so its last sample has reached the sink and, within one 100 ms capture
// fragment, the monitor. Its text is there when the last `live/segment` of it reaches this process
// (the client; the extension's rendering after that is not counted). The latency therefore includes
// the fragment, the VAD's wait for enough silence to close the segment, the queue and the
// recognition of the whole segment.
//
// Utterances: 5.00 s cut from the fixture clips from their first sound on (the clips long enough;
// the 16.7 s one gives three), so each ends in speech, the VAD's hardest case.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO } from '../test/helpers/paths';
import { MONITOR, startPulseServer } from '../test/helpers/pulseAudio';
import { waitFor } from '../test/helpers/waitFor';
import { findOnPath } from '../daemon/ffmpeg/resolveFfmpeg';
import { medianOf } from './diarization';
import { LiveBenchDaemon } from './liveDaemon';
import type { BenchPaths, OurSettings } from './ourSystems';

export const UTTERANCE_SEC = 5;
export const LATENCY_TARGET_MS = 1000;

/** Clip and where the 5 s start in it (after its leading silence). */
const SOURCES: [string, number][] = [
  ['librispeech/1221-135766-0001.wav', 0],
  ['sense_voice/en.wav', 0],
  ['librispeech/1089-134686-0001.wav', 0],
  ['sense_voice/ja.wav', 0],
  ['librispeech/1221-135766-0001.wav', 5.5],
  ['sense_voice/zh.wav', 0],
  ['librispeech/1221-135766-0001.wav', 10.5],
  ['librispeech/1221-135766-0001.wav', 3],
  ['librispeech/1089-134686-0001.wav', 1],
];

export interface LiveLatencyRecord {
  threads: number;
  utteranceSec: number;
  utterances: {
    clip: string;
    /** paplay returned -> the utterance's last live/segment arrived, ms. */
    latencyMs: number;
    segments: number;
    /** Seconds of recording at the arrival minus the segment's end (the capture clock's view). */
    captureLagSec: number;
  }[];
  medianMs: number;
  maxMs: number;
}

/** The utterances as 16 kHz mono WAV files, exactly UTTERANCE_SEC long (made once into `dir`). */
export function makeUtterances(dir: string, count: number): { clip: string; file: string }[] {
  fs.mkdirSync(dir, { recursive: true });
  const ffmpeg = findOnPath('ffmpeg', process.env.PATH) ?? 'ffmpeg';
  return SOURCES.slice(0, count).map(([clip, from], i) => {
    const file = path.join(dir, `utterance-${i}.wav`);
    if (!fs.existsSync(file)) {
      const af = `silenceremove=start_periods=1:start_threshold=-45dB,atrim=start=${from}:duration=${UTTERANCE_SEC}`;
      execFileSync(ffmpeg, [
        ...['-hide_banner', '-loglevel', 'error', '-y', '-i', path.join(AUDIO, clip), '-af', af],
        ...['-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', file],
      ]);
      const sec = (fs.statSync(file).size - 44) / 32_000;
      if (Math.abs(sec - UTTERANCE_SEC) > 0.01) throw new Error(`${clip} from ${from} s gives only ${sec} s`);
    }
    return { clip: `${clip}@${from}`, file };
  });
}

export async function measureLiveLatency(
  paths: BenchPaths,
  settings: OurSettings,
  o: { utterances: number; log: (line: string) => void; progress: (line: string) => void },
): Promise<LiveLatencyRecord> {
  const ffmpeg = findOnPath('ffmpeg', process.env.PATH);
  if (!ffmpeg) throw new Error('live latency: no ffmpeg on PATH (the one with PulseAudio input is needed)');
  const utterances = makeUtterances(path.join(paths.scratch, 'utterances'), o.utterances);
  const pa = await startPulseServer();
  let d: LiveBenchDaemon | null = null;
  try {
    d = await LiveBenchDaemon.launch(paths, settings, { ffmpegPath: ffmpeg, env: pa.env, log: o.log });
    const live = d;
    const s = await live.conn.request('live/start', {
      device: MONITOR,
      out: path.join(paths.scratch, `live-latency-${process.pid}.ogg`),
    });
    await waitFor(() => live.capturedSec >= 1, 'a second of capture', 30_000);
    const rows: LiveLatencyRecord['utterances'] = [];
    for (const [i, u] of utterances.entries()) {
      const before = live.segments.length;
      await pa.play(u.file);
      const end = performance.now();
      const endCaptured = live.capturedSec;
      // Its last segment reaches at least a second before where capture was at its end (the level
      // reports lag capture by up to a quarter second, the VAD's end pad is a fraction of one).
      await waitFor(
        () => live.segments.slice(before).some((x) => x.p.segment.end >= endCaptured - 1),
        `the text of utterance ${i + 1}`,
        60_000,
      );
      const mine = live.segments.slice(before);
      const last = mine.reduce((a, b) => (b.at > a.at ? b : a));
      const levelAtArrival = live.levels.filter((l) => l.at <= last.at).at(-1)?.p.capturedSec ?? NaN;
      rows.push({
        clip: u.clip,
        latencyMs: last.at - end,
        segments: mine.length,
        captureLagSec: levelAtArrival - last.p.segment.end,
      });
      o.progress(`live latency ${i + 1}/${utterances.length}: ${(last.at - end).toFixed(0)} ms (${u.clip})`);
      // Two seconds of silence before the next one, so no segment spans two utterances.
      await waitFor(() => live.capturedSec >= endCaptured + 2, 'silence after the utterance', 30_000);
    }
    const r = await live.conn.request('live/stop', { id: s.id });
    fs.rmSync(r.path, { force: true });
    const ms = rows.map((x) => x.latencyMs);
    return {
      threads: settings.threads,
      utteranceSec: UTTERANCE_SEC,
      utterances: rows,
      medianMs: medianOf(ms),
      maxMs: Math.max(...ms),
    };
  } finally {
    await d?.dispose();
    await pa.stop();
  }
}
