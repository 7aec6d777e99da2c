// The shared daemon's figures (issue 12): one warm per-user daemon that windows and cli calls attach
// to. Three measurements on a daemon of its own runtime folder, started the way the extension starts
// it (connectShared, detached, on a Unix socket):
// - a cli call on the warm daemon against the daemon's own time on the same input (the cli adds
//   node's start, the connect and the handshake; no spawn, no model load);
// - a second window's first transcription against the first window's warm one (time to first
//   segment: the model is already loaded, so a new client pays nothing for it);
// - the daemon's peak RSS with 3 windows and 2 cli calls transcribing at once against one client
//   alone (one model in memory however many clients; each private daemon held its own ~630 MB).
import fs from 'node:fs';
import path from 'node:path';
import { connectShared } from '../client/sharedDaemon';
import type { DaemonConnection } from '../client/daemonConnection';
import { uniqueCopy, type LongAudio } from './audio';
import { daemonSettings, runCli, type BenchPaths, type OurSettings } from './ourSystems';
import { PeakSampler, resetPeak } from './procStats';

export interface SharedRecord {
  daemonPid: number;
  /** The medium input: the cli attached to the warm daemon, and a window on that daemon, alternating. */
  cliOnWarm: { cliMs: number[]; daemonMs: number[] };
  /** Time to first segment on the small input: the first window (warm) and a new window's first call. */
  firstSegment: { firstWindowMs: number[]; newWindowMs: number[] };
  memory: {
    /** The daemon's peak while one window transcribes the small input. */
    oneClientPeakBytes: number;
    /** The daemon's peak while 3 windows and 2 cli calls transcribe it at once. */
    fiveClientsPeakBytes: number;
    /** Each attached cli process's own peak (node and the connection; the model is in the daemon). */
    cliProcessPeakBytes: number[];
  };
}

interface Window {
  conn: DaemonConnection;
  transcribe(file: string): Promise<{ wallMs: number; firstSegmentMs: number | null }>;
}

async function openWindow(paths: BenchPaths, env: NodeJS.ProcessEnv, name: string, settings: OurSettings) {
  const conn = await connectShared({
    command: process.execPath,
    script: path.join(paths.dist, 'daemon.js'),
    env,
    clientName: name,
    settings: daemonSettings(settings),
  });
  const w: Window = {
    conn,
    async transcribe(file) {
      const t0 = performance.now();
      let first: number | null = null;
      const t = await conn.request(
        'transcribe/file',
        { path: file },
        { onSegment: () => (first ??= performance.now() - t0) },
      );
      if (t.cached) throw new Error(`${file}: answered from the cache; the benchmark must never hit it`);
      return { wallMs: performance.now() - t0, firstSegmentMs: first };
    },
  };
  return w;
}

export async function measureShared(
  paths: BenchPaths,
  settings: OurSettings,
  inputs: { small: LongAudio; medium: LongAudio },
  runs: { small: number; medium: number },
  timeoutFor: (durationSec: number) => number,
  progress: (line: string) => void,
): Promise<SharedRecord> {
  const runtimeDir = fs.mkdtempSync(path.join(paths.scratch, 'rt-'));
  fs.chmodSync(runtimeDir, 0o700);
  const env = {
    ...process.env,
    SENSEVOICE_RUNTIME_DIR: runtimeDir,
    SENSEVOICE_CACHE_DIR: path.join(runtimeDir, 'cache'),
  };
  const scratch = path.join(paths.scratch, 'shared');
  const copy = (file: string, tag: string) => uniqueCopy(file, scratch, tag);
  progress('shared daemon: first window starts it and loads the model');
  const first = await openWindow(paths, env, 'bench-window-1', settings);
  const pid = first.conn.initializeResult!.pid;
  const opened: Window[] = [first];
  try {
    await first.conn.request('model/load', { path: settings.modelDir, provider: 'cpu', threads: settings.threads });

    const firstSegment = { firstWindowMs: [] as number[], newWindowMs: [] as number[] };
    for (let rep = 0; rep < Math.max(2, runs.small); rep++) {
      progress(`shared daemon: time to first segment, window 1 then a new window (${rep + 1})`);
      const a = await first.transcribe(copy(inputs.small.file, `w1-${rep}`));
      const w = await openWindow(paths, env, `bench-window-new-${rep}`, settings);
      const b = await w.transcribe(copy(inputs.small.file, `wnew-${rep}`));
      await w.conn.dispose();
      if (a.firstSegmentMs !== null) firstSegment.firstWindowMs.push(a.firstSegmentMs);
      if (b.firstSegmentMs !== null) firstSegment.newWindowMs.push(b.firstSegmentMs);
    }

    const cliOnWarm = { cliMs: [] as number[], daemonMs: [] as number[] };
    const mediumTimeout = timeoutFor(inputs.medium.durationSec);
    for (let rep = 0; rep < runs.medium; rep++) {
      progress(`shared daemon: ${inputs.medium.durationSec.toFixed(0)} s input, a window then the cli (${rep + 1})`);
      cliOnWarm.daemonMs.push((await first.transcribe(copy(inputs.medium.file, `d-${rep}`))).wallMs);
      const c = await runCli(paths, settings, [copy(inputs.medium.file, `cli-${rep}`)], mediumTimeout, runtimeDir);
      cliOnWarm.cliMs.push(c.wallMs);
    }

    progress('shared daemon: peak memory, one window, then 3 windows and 2 cli calls at once');
    const peakOf = async (work: () => Promise<unknown>) => {
      resetPeak(pid);
      const sampler = new PeakSampler(pid).start();
      await work();
      const p = sampler.stop();
      return Math.max(p.hwmBytes, p.sampledPeakBytes);
    };
    const oneClientPeakBytes = await peakOf(() => first.transcribe(copy(inputs.small.file, 'mem-one')));
    for (const n of [2, 3]) opened.push(await openWindow(paths, env, `bench-window-${n}`, settings));
    const smallTimeout = timeoutFor(inputs.small.durationSec);
    const cliPeaks: number[] = [];
    const fiveClientsPeakBytes = await peakOf(() =>
      Promise.all([
        ...opened.map((w, i) => w.transcribe(copy(inputs.small.file, `mem-w${i}`))),
        ...[0, 1].map(async (i) => {
          const r = await runCli(paths, settings, [copy(inputs.small.file, `mem-cli${i}`)], smallTimeout, runtimeDir);
          cliPeaks.push(r.peakRssBytes);
        }),
      ]),
    );
    return {
      daemonPid: pid,
      cliOnWarm,
      firstSegment,
      memory: { oneClientPeakBytes, fiveClientsPeakBytes, cliProcessPeakBytes: cliPeaks },
    };
  } finally {
    await first.conn.request('daemon/stop', undefined).catch(() => undefined);
    await Promise.all(opened.map((w) => w.conn.dispose()));
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(runtimeDir, { recursive: true, force: true });
  }
}
