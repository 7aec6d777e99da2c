// Live memory (issue 14): the daemon's RSS over a long live session must not grow. An hour of
// recording is simulated by a source played faster than real time: the daemon is given an ffmpeg
// wrapper (bench-only, written into the scratch folder) that, when asked to capture the device
// FAST_DEVICE, reads the 60-minute fixture recording (test/helpers/longAudio: the clips with silences
// between them) at --speed times real time (ffmpeg -readrate) instead; every other call goes to the
// real ffmpeg. Everything after the capture's ffmpeg is the product's live path unchanged: samples
// to the encoder (the Ogg/Opus recording), the meter, the VAD on the stream, each segment recognised
// as it ends.
//
// Sampled every 500 ms of wall time: the daemon's VmRSS (its inference worker is a thread of it) with
// the seconds recorded so far. Reported: start (the first sample after the first 5% of the session,
// when the allocators have their working set), peak, end, and the slope of a least-squares line
// through the samples from 5% on, in MB per hour of audio; also how far recognition trailed capture
// (a pipeline that does not keep up holds the waiting audio, 64 KB a second of it, which looks like
// growth: on a machine loaded 17 deep, 15x was too fast, recognition trailed by 37 minutes and RSS
// grew by exactly that audio; the figure then says so and the target is not judged: lower --speed).
// Target: the last tenth's median RSS at most 1.1x the median of the tenth after warm-up.
// The session ends by the client leaving (the file is kept, nothing is transcribed again): the
// final transcription at stop is a file transcription, which the main benchmark measures.
import fs from 'node:fs';
import path from 'node:path';
import { findOnPath } from '../daemon/ffmpeg/resolveFfmpeg';
import { waitFor } from '../test/helpers/waitFor';
import { longAudio } from './audio';
import { LiveBenchDaemon } from './liveDaemon';
import type { BenchPaths, OurSettings } from './ourSystems';
import { readMemory } from './procStats';

export const FAST_DEVICE = 'sensevoice-bench-fast-source';
export const LIVE_RSS_TARGET = 1.1;

export interface LiveMemoryRecord {
  minutes: number;
  speed: number;
  /** Wall time of the session, start to the capture's end. */
  wallSec: number;
  samples: { capturedSec: number; rssBytes: number }[];
  startRssBytes: number;
  peakRssBytes: number;
  endRssBytes: number;
  /** Least-squares slope of RSS against recorded time, from 5% of the session on. */
  slopeMBPerHour: number;
  /** Median RSS of the last tenth / median of the tenth after 5%. */
  growth: number;
  segments: number;
  /** Largest gap, seconds of audio, between what was captured and the end of the newest segment text. */
  maxTrailSec: number;
  /** Whether recognition kept up with the source (maxTrailSec within MAX_TRAIL_SEC): else growth is backlog. */
  keptUp: boolean;
}

/** More audio than this waiting for its text means the source ran faster than the pipeline. */
export const MAX_TRAIL_SEC = 60;

/** A /bin/sh wrapper around `realFfmpeg` that turns a capture of FAST_DEVICE into a fast read of `file`. */
export function writeFastSourceFfmpeg(dir: string, realFfmpeg: string, file: string, speed: number): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = `#!/bin/sh
# Bench only (bench/liveMemory.ts): a capture of ${FAST_DEVICE} reads a file at ${speed}x real time.
case " $* " in
  *" -i ${FAST_DEVICE} "*) ;;
  *) exec ${q(realFfmpeg)} "$@" ;;
esac
# Keep what follows "-i DEVICE" (the output side); the device input is replaced.
state=0
first=1
for a in "$@"; do
  if [ $first = 1 ]; then set --; first=0; fi
  if [ $state = 2 ]; then set -- "$@" "$a"
  elif [ "$a" = "-i" ]; then state=1
  elif [ $state = 1 ]; then state=2
  fi
done
exec ${q(realFfmpeg)} -hide_banner -nostats -loglevel error -readrate ${speed} -i ${q(file)} "$@"
`;
  const wrapper = path.join(dir, 'ffmpeg-fast-source');
  fs.writeFileSync(wrapper, script, { mode: 0o755 });
  return wrapper;
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)]! : NaN;
}

function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export async function measureLiveMemory(
  paths: BenchPaths,
  settings: OurSettings,
  o: { minutes: number; speed: number; log: (line: string) => void; progress: (line: string) => void },
): Promise<LiveMemoryRecord> {
  const real = findOnPath('ffmpeg', process.env.PATH);
  if (!real) throw new Error('live memory: no ffmpeg on PATH');
  const input = longAudio(o.minutes);
  const wrapper = writeFastSourceFfmpeg(paths.scratch, real, input.file, o.speed);
  const d = await LiveBenchDaemon.launch(paths, settings, { ffmpegPath: wrapper, log: o.log });
  const out = path.join(paths.scratch, `live-memory-${process.pid}.ogg`);
  try {
    // The wrapper's "device" passes the daemon's format check as PulseAudio's would.
    await d.conn.request('live/start', { device: FAST_DEVICE, inputFormat: 'pulse', out });
    const t0 = performance.now();
    const samples: LiveMemoryRecord['samples'] = [];
    let maxTrailSec = 0;
    let lastReport = 0;
    const timer = setInterval(() => {
      const m = readMemory(d.pid);
      if (!m) return;
      const capturedSec = d.capturedSec;
      samples.push({ capturedSec, rssBytes: m.rssBytes });
      const newest = d.segments.reduce((e, x) => Math.max(e, x.p.segment.end), 0);
      if (capturedSec > 30) maxTrailSec = Math.max(maxTrailSec, capturedSec - newest);
      if (capturedSec - lastReport >= 300) {
        lastReport = capturedSec;
        o.progress(
          `live memory: ${(capturedSec / 60).toFixed(0)} of ${o.minutes} min, RSS ${(m.rssBytes / 1048576).toFixed(0)} MB`,
        );
      }
    }, 500);
    // The file's end ends the capture as a device going away would: live/ended, then stop.
    await waitFor(() => d.ended, 'the end of the fast-played source', (o.minutes * 60_000) / o.speed + 600_000);
    const wallSec = (performance.now() - t0) / 1000;
    clearInterval(timer);

    const total = samples.at(-1)?.capturedSec ?? 0;
    const steady = samples.filter((x) => x.capturedSec >= total * 0.05);
    const tenth = (from: number) =>
      median(
        steady
          .filter((x) => x.capturedSec >= total * from && x.capturedSec < total * (from + 0.1))
          .map((x) => x.rssBytes),
      );
    const mb = 1048576;
    return {
      minutes: o.minutes,
      speed: o.speed,
      wallSec,
      samples,
      startRssBytes: steady[0]?.rssBytes ?? NaN,
      peakRssBytes: Math.max(...samples.map((x) => x.rssBytes)),
      endRssBytes: samples.at(-1)?.rssBytes ?? NaN,
      slopeMBPerHour: slope(steady.map((x) => ({ x: x.capturedSec / 3600, y: x.rssBytes / mb }))),
      growth: tenth(0.9) / tenth(0.05),
      segments: d.segments.length,
      maxTrailSec,
      keptUp: maxTrailSec <= MAX_TRAIL_SEC,
    };
  } finally {
    await d.dispose();
    fs.rmSync(out, { force: true });
  }
}
