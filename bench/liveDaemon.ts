// A daemon for the live benchmarks (bench/liveLatency.ts, bench/liveMemory.ts), driven as the
// extension drives it: spawned over stdio, the model loaded and warmed up first, then one live
// recording whose notifications are kept with the wall time they arrived at (performance.now(), the
// clock the benchmarks time the input with).
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../client/daemonConnection';
import type { LiveEndedParams, LiveLevelParams, LiveSegmentParams } from '../common/protocol';
import { daemonSettings, type BenchPaths, type OurSettings } from './ourSystems';

export interface Arrived<T> {
  p: T;
  /** performance.now() when the notification reached this process. */
  at: number;
}

export class LiveBenchDaemon {
  readonly levels: Arrived<LiveLevelParams>[] = [];
  readonly segments: Arrived<LiveSegmentParams>[] = [];
  ended: LiveEndedParams | null = null;

  private constructor(readonly conn: DaemonConnection) {
    conn.endpoint.onNotification('live/level', (raw) =>
      this.levels.push({ p: raw as LiveLevelParams, at: performance.now() }),
    );
    conn.endpoint.onNotification('live/segment', (raw) =>
      this.segments.push({ p: raw as LiveSegmentParams, at: performance.now() }),
    );
    conn.endpoint.onNotification('live/ended', (raw) => (this.ended = raw as LiveEndedParams));
  }

  /** Spawns the daemon with `ffmpegPath` (the one that records) and loads the model. */
  static async launch(
    paths: BenchPaths,
    settings: OurSettings,
    o: { ffmpegPath: string; env?: NodeJS.ProcessEnv; log: (line: string) => void },
  ): Promise<LiveBenchDaemon> {
    const cacheDir = fs.mkdtempSync(path.join(paths.scratch, 'live-cache-'));
    const conn = await DaemonConnection.start({
      command: process.execPath,
      args: [path.join(paths.dist, 'daemon.js')],
      clientName: 'bench-live',
      settings: { ...daemonSettings(settings), ffmpegPath: o.ffmpegPath },
      env: { ...(o.env ?? process.env), SENSEVOICE_CACHE_DIR: cacheDir },
      onStderr: (line) => o.log(`[daemon] ${line}`),
    });
    await conn.request('model/load', { path: settings.modelDir, provider: 'cpu', threads: settings.threads });
    return new LiveBenchDaemon(conn);
  }

  get pid(): number {
    return this.conn.child.pid!;
  }

  /** Seconds recorded by the newest level report (0 before the first). */
  get capturedSec(): number {
    return this.levels.at(-1)?.p.capturedSec ?? 0;
  }

  dispose(): Promise<void> {
    return this.conn.dispose();
  }
}
