// This project under test: a long-lived daemon driven through DaemonConnection (what the extension
// does), and the cli spawned per run (cold start included, what a script does).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../client/daemonConnection';
import type { DaemonSettings, DaemonStatus, Transcript, TranscriptTimings } from '../common/protocol';
import { PeakSampler, readCpuMs, readMemory, resetPeak } from './procStats';

export interface BenchPaths {
  root: string;
  dist: string;
  /** Scratch folder for caches and per-run audio copies. */
  scratch: string;
}

export interface OurSettings {
  threads: number;
  modelDir: string;
  /** Daemon defaults unless set. */
  batchSize?: number;
  concurrency?: number;
  maxSegmentSec?: number;
}

export interface DaemonStart {
  /** spawn -> `initialize` answered, ms. */
  spawnToInitMs: number;
  /** `initialize` answered -> `model/load` answered (worker started, session created, warm-up run), ms. */
  initToLoadedMs: number;
  /** Both: what a user waits before the first request can start. */
  spawnToReadyMs: number;
  /** From model/load: session creation and the warm-up inference. */
  loadMs: number;
  warmupMs: number;
  quantization: string;
  modelFile: string;
  /** VmHWM right after loading: the load's own peak. */
  loadPeakBytes: number;
  /** VmRSS once loaded and idle. */
  idleRssBytes: number;
}

export interface RunResult {
  wallMs: number;
  /** Request -> first `transcribe/segment` (null where the system cannot tell). */
  firstSegmentMs: number | null;
  segments: number;
  tokens: number;
  /** Peak memory during the run (bytes): VmHWM of the process(es), reset at the run's start where long-lived. */
  peakRssBytes: number;
  /** CPU time the run cost, ms (every thread, and the ffmpeg it ran); null where unreadable. */
  cpuMs: number | null;
  /** Segment boundaries, seconds (our daemon's, reused for the pure-model run). */
  spans?: { start: number; end: number }[];
  timings?: TranscriptTimings;
}

export function daemonSettings(s: OurSettings): DaemonSettings {
  return {
    provider: 'cpu',
    threads: s.threads,
    modelPath: s.modelDir,
    vad: 'on',
    ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
    ...(s.concurrency !== undefined ? { concurrency: s.concurrency } : {}),
    ...(s.maxSegmentSec !== undefined ? { maxSegmentSec: s.maxSegmentSec } : {}),
  };
}

export class BenchDaemon {
  private constructor(
    readonly conn: DaemonConnection,
    readonly start: DaemonStart,
    private settings: OurSettings,
  ) {}

  get pid(): number {
    return this.conn.child.pid!;
  }

  /** Spawns a daemon with a cache folder of its own and loads the model; times each step. */
  static async launch(paths: BenchPaths, settings: OurSettings, log: (line: string) => void): Promise<BenchDaemon> {
    const cacheDir = fs.mkdtempSync(path.join(paths.scratch, 'cache-'));
    const t0 = performance.now();
    const conn = await DaemonConnection.start({
      command: process.execPath,
      args: [path.join(paths.dist, 'daemon.js')],
      clientName: 'bench',
      settings: daemonSettings(settings),
      env: { ...process.env, SENSEVOICE_CACHE_DIR: cacheDir },
      onStderr: (line) => log(`[daemon] ${line}`),
    });
    const t1 = performance.now();
    const info = await conn.request('model/load', {
      path: settings.modelDir,
      provider: 'cpu',
      threads: settings.threads,
    });
    const t2 = performance.now();
    const mem = readMemory(conn.child.pid!);
    return new BenchDaemon(
      conn,
      {
        spawnToInitMs: t1 - t0,
        initToLoadedMs: t2 - t1,
        spawnToReadyMs: t2 - t0,
        loadMs: info.loadMs,
        warmupMs: info.warmupMs,
        quantization: info.quantization,
        modelFile: info.modelFile,
        loadPeakBytes: mem?.hwmBytes ?? NaN,
        idleRssBytes: mem?.rssBytes ?? NaN,
      },
      settings,
    );
  }

  /** Changes settings the daemon reads per request (concurrency, batch size) without a restart. */
  configure(change: Partial<OurSettings>): void {
    this.settings = { ...this.settings, ...change };
    this.conn.notify('config/didChange', { settings: daemonSettings(this.settings) });
  }

  status(): Promise<DaemonStatus> {
    return this.conn.request('daemon/status', undefined);
  }

  /** Transcribes one file (VAD on); the peak is this run's own (VmHWM reset at its start). */
  async transcribe(file: string): Promise<RunResult & { transcript: Transcript }> {
    return (await this.transcribeMany([file])).runs[0];
  }

  /** Sends every file at once and waits for all; per-file results plus the batch's wall time and peak. */
  async transcribeMany(files: string[]): Promise<{
    wallMs: number;
    peakRssBytes: number;
    cpuMs: number | null;
    runs: (RunResult & { transcript: Transcript })[];
  }> {
    resetPeak(this.pid);
    const sampler = new PeakSampler(this.pid).start();
    const cpu0 = readCpuMs(this.pid);
    const t0 = performance.now();
    const runs = await Promise.all(
      files.map(async (file) => {
        let first: number | null = null;
        const transcript = await this.conn.request(
          'transcribe/file',
          { path: file },
          { onSegment: () => (first ??= performance.now() - t0) },
        );
        const wallMs = performance.now() - t0;
        if (transcript.cached)
          throw new Error(`${file}: the transcript came from the cache; the benchmark must never hit it`);
        return { transcript, wallMs, firstSegmentMs: first };
      }),
    );
    const wallMs = performance.now() - t0;
    const cpu1 = readCpuMs(this.pid);
    const cpuMs = cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null;
    const peak = sampler.stop();
    const peakRssBytes = Math.max(peak.hwmBytes, peak.sampledPeakBytes);
    return {
      wallMs,
      peakRssBytes,
      cpuMs,
      runs: runs.map((r) => ({
        wallMs: r.wallMs,
        firstSegmentMs: r.firstSegmentMs,
        segments: r.transcript.segments.length,
        tokens: r.transcript.segments.reduce((n, s) => n + s.tokens.length, 0),
        peakRssBytes,
        cpuMs: files.length === 1 ? cpuMs : null,
        spans: r.transcript.segments.map((s) => ({ start: s.start, end: s.end })),
        timings: r.transcript.timings,
        transcript: r.transcript,
      })),
    };
  }

  async dispose(): Promise<void> {
    await this.conn.dispose();
  }
}

/**
 * `sensevoice transcribe FILE... --format json --stdio` in a fresh process per run: node start, daemon
 * spawn, model load and warm-up are all inside the wall time (a private daemon: what a cli call costs
 * where no shared daemon is warm). Peak: the cli and its daemon together. With `sharedRuntimeDir`
 * the cli attaches to the shared daemon of that runtime folder instead (no --stdio): its wall time
 * is then node start, connect and the transcription, and its peak the cli process's alone.
 */
export async function runCli(
  paths: BenchPaths,
  settings: OurSettings,
  files: string[],
  timeoutMs: number,
  sharedRuntimeDir?: string,
): Promise<RunResult> {
  const cacheDir = fs.mkdtempSync(path.join(paths.scratch, 'cache-'));
  const args = [
    path.join(paths.dist, 'cli.js'),
    'transcribe',
    ...files,
    '--model',
    settings.modelDir,
    '--provider',
    'cpu',
    '--threads',
    String(settings.threads),
    '--vad',
    'on',
    '--format',
    'json',
    ...(sharedRuntimeDir ? [] : ['--stdio']),
    ...(settings.concurrency !== undefined ? ['--concurrency', String(settings.concurrency)] : []),
    ...(settings.batchSize !== undefined ? ['--batch', String(settings.batchSize)] : []),
  ];
  const cpu0 = readCpuMs('self');
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      SENSEVOICE_CACHE_DIR: cacheDir,
      ...(sharedRuntimeDir ? { SENSEVOICE_RUNTIME_DIR: sharedRuntimeDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sampler = new PeakSampler(child.pid!, { tree: true, intervalMs: 100 }).start();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const wallMs = performance.now() - t0;
  // The cli and its daemon have been reaped by now: their CPU is in this process's children's time.
  const cpu1 = readCpuMs('self');
  const peak = sampler.stop();
  fs.rmSync(cacheDir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`cli exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const results = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { segments: { tokens: unknown[] }[] });
  return {
    wallMs,
    firstSegmentMs: null,
    segments: results.reduce((n, r) => n + r.segments.length, 0),
    tokens: results.reduce((n, r) => n + r.segments.reduce((m, s) => m + s.tokens.length, 0), 0),
    peakRssBytes: Math.max(peak.hwmBytes, peak.sampledPeakBytes),
    cpuMs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
  };
}
