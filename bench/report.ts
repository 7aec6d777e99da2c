// Turns the raw runs into bench/results.json (medians, targets, profile) and the printed table:
// one column per system, one row per metric, as the guide's GPU table is laid out.
import type { SharedRecord } from './sharedDaemon';
import { diarizationTarget, type DiarizationRecord } from './diarization';
import { liveTargets, type LiveRecord } from './live';
import type { LongAudio } from './audio';
import type { BenchOptions, Role } from './options';
import { ROLES } from './options';
import type { RunResult } from './ourSystems';

export type SystemName = 'cli' | 'daemon' | 'sherpa' | 'model';
export const SYSTEMS: readonly SystemName[] = ['cli', 'daemon', 'sherpa', 'model'];
const TITLES: Record<SystemName, string> = {
  cli: 'sensevoice cli',
  daemon: 'sensevoice daemon',
  sherpa: 'sherpa-onnx-node',
  model: 'session.run only',
};

export interface ColdStart {
  /** Spawn until the system can take work (model loaded and warmed up). */
  spawnToReadyMs: number;
  spawnToInitMs?: number;
  loadMs: number;
  warmupMs: number;
  /** VmHWM right after loading. */
  loadPeakBytes: number;
  idleRssBytes: number;
}

export interface ThroughputRecord {
  fileMinutes: number;
  fileSec: number;
  runs: {
    /** Each file's time when sent one after another. */
    sequentialMs: number[];
    /** Each file's CPU time (the daemon's, all threads) when sent one after another. */
    sequentialCpuMs: number[];
    sequentialPeakRssBytes: number;
    /** By number of files sent at once (concurrency set to that number). */
    concurrent: Record<
      string,
      { wallMs: number; cpuMs: number | null; peakRssBytes: number; firstSegmentMs: number | null }
    >;
  }[];
}

export interface ProfileRecord {
  /** The pure-model helper's profile run on the headline input. */
  pure: Record<string, unknown>;
  /** transcript.timings of the daemon's runs on it. */
  daemonTimings: (RunResult['timings'] | undefined)[];
  /** sherpa-onnx-node: time inside its VAD and inside recognition. */
  sherpaSplit: { vadMs: number; asrMs: number }[];
  daemonBatches: { batches: number; segments: number } | null;
}

export interface SystemSummary {
  runs: number;
  wallMs: number | null;
  /** The fastest run: the least disturbed by load from elsewhere. */
  minWallMs: number | null;
  rtf: number | null;
  firstSegmentMs: number | null;
  peakRssBytes: number | null;
  /** CPU time of the run (all threads), ms: less distorted by other load than wallMs. */
  cpuMs: number | null;
  segments: number | null;
  tokens: number | null;
}

export interface Target {
  id:
    | 'vsSherpa'
    | 'vsModel'
    | 'rssGrowth'
    | 'concurrency'
    | 'vadCost'
    | 'rssVsSherpa'
    | 'cliOnShared'
    | 'secondWindow'
    | 'sharedRss'
    | 'diarization'
    | 'liveLatency'
    | 'liveRss';
  description: string;
  /** The measured ratio. */
  value: number | null;
  /** The same ratio in CPU time (where it applies): a cross-check when the machine was busy. */
  cpuValue: number | null;
  limit: number;
  met: boolean | null;
  detail: string;
}

export function median(xs: readonly number[]): number | null {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function summarize(runs: RunResult[], durationSec: number): SystemSummary {
  const wall = median(runs.map((r) => r.wallMs));
  return {
    runs: runs.length,
    wallMs: wall,
    minWallMs: runs.length ? Math.min(...runs.map((r) => r.wallMs)) : null,
    rtf: wall === null ? null : wall / 1000 / durationSec,
    firstSegmentMs: median(runs.map((r) => r.firstSegmentMs ?? NaN)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    cpuMs: median(runs.map((r) => r.cpuMs ?? NaN)),
    segments: runs[0]?.segments ?? null,
    tokens: runs[0]?.tokens ?? null,
  };
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null || b === 0 ? null : a / b;
}

export interface BuildArgs {
  o: BenchOptions;
  argv: string[];
  machine: Record<string, unknown> & { cpus: number; cpuModel: string; loadAvgStart: number[]; loadAvgEnd: number[] };
  model: Record<string, unknown> & { precision: string; parameters: number | null; generatedThisRun: boolean };
  inputs: Record<Role, LongAudio>;
  throughputInput: LongAudio;
  cold: Record<SystemName, ColdStart[]>;
  runs: Record<Role, Record<SystemName, RunResult[]>>;
  throughput: ThroughputRecord | null;
  profile: ProfileRecord | null;
  /** The daemon's peak on a fresh process per input (small and large). */
  freshRss: Partial<Record<Role, { peakRssBytes: number; lifetimePeakBytes: number; wallMs: number }>>;
  /** The shared-daemon phase (null when skipped or failed). */
  shared: SharedRecord | null;
  /** The diarization phase (bench/diarization.ts; null when skipped or failed). */
  diarization: DiarizationRecord | null;
  /** The live phase (bench/live.ts; null when skipped or failed). */
  live: LiveRecord | null;
  errors: string[];
  daemonEndRssBytes: number | null;
  benchWallMs: number;
}

export type BenchResults = ReturnType<typeof buildResults>;

export function buildResults(a: BuildArgs) {
  const summary = {} as Record<Role, Record<SystemName, SystemSummary>>;
  for (const role of ROLES) {
    summary[role] = {} as Record<SystemName, SystemSummary>;
    for (const s of SYSTEMS) summary[role][s] = summarize(a.runs[role][s], a.inputs[role].durationSec);
  }
  const coldSummary = {} as Record<SystemName, Record<string, number | null> & { runs: number }>;
  for (const s of SYSTEMS) {
    const c = a.cold[s];
    coldSummary[s] = {
      runs: c.length,
      spawnToReadyMs: median(c.map((x) => x.spawnToReadyMs)),
      spawnToInitMs: median(c.map((x) => x.spawnToInitMs ?? NaN)),
      loadMs: median(c.map((x) => x.loadMs)),
      warmupMs: median(c.map((x) => x.warmupMs)),
      loadPeakBytes: median(c.map((x) => x.loadPeakBytes)),
      idleRssBytes: median(c.map((x) => x.idleRssBytes)),
    };
  }
  // The cli has no hook between start and work: its cold start is what it takes beyond the warm daemon.
  const cliOverhead = (summary.small.cli.wallMs ?? NaN) - (summary.small.daemon.wallMs ?? NaN);
  coldSummary.cli = {
    ...coldSummary.cli,
    runs: summary.small.cli.runs,
    spawnToReadyMs: Number.isFinite(cliOverhead) ? cliOverhead : null,
  };

  let throughput = null;
  if (a.throughput && a.throughput.runs.length) {
    const t = a.throughput;
    const seq = (n: number) => median(t.runs.map((r) => r.sequentialMs.slice(0, n).reduce((x, y) => x + y, 0)));
    const conc = (n: number) =>
      n === 1
        ? median(t.runs.map((r) => r.sequentialMs[0]))
        : median(t.runs.map((r) => r.concurrent[n]?.wallMs ?? NaN));
    const seqCpu = (n: number) => median(t.runs.map((r) => r.sequentialCpuMs.slice(0, n).reduce((x, y) => x + y, 0)));
    const concCpu = (n: number) =>
      n === 1
        ? median(t.runs.map((r) => r.sequentialCpuMs[0]))
        : median(t.runs.map((r) => r.concurrent[n]?.cpuMs ?? NaN));
    const files = [1, 2, 4].map((n) => ({
      files: n,
      sequentialMs: seq(n),
      atOnceMs: conc(n),
      ratio: ratio(conc(n), seq(n)),
      sequentialCpuMs: seqCpu(n),
      atOnceCpuMs: concCpu(n),
      cpuRatio: ratio(concCpu(n), seqCpu(n)),
      peakRssBytes:
        n === 1
          ? median(t.runs.map((r) => r.sequentialPeakRssBytes))
          : median(t.runs.map((r) => r.concurrent[n]?.peakRssBytes ?? NaN)),
    }));
    throughput = { fileMinutes: t.fileMinutes, fileSec: t.fileSec, files, raw: t.runs };
  }

  const d = summary.medium.daemon;
  const mLabel = `${a.o.minutes.medium} min`;
  const targets: Target[] = [];
  const vsSherpa = ratio(d.wallMs, summary.medium.sherpa.wallMs);
  targets.push({
    id: 'vsSherpa',
    description: `total time on the ${mLabel} input at most 0.9x sherpa-onnx-node's`,
    value: vsSherpa,
    cpuValue: ratio(d.cpuMs, summary.medium.sherpa.cpuMs),
    limit: 0.9,
    met: vsSherpa === null ? null : vsSherpa <= 0.9,
    detail: `daemon ${fmtS(d.wallMs)} vs sherpa ${fmtS(summary.medium.sherpa.wallMs)}; cli ${fmtS(summary.medium.cli.wallMs)} (${fmtX(ratio(summary.medium.cli.wallMs, summary.medium.sherpa.wallMs))})`,
  });
  const vsModel = ratio(d.wallMs, summary.medium.model.wallMs);
  targets.push({
    id: 'vsModel',
    description: `total time on the ${mLabel} input at most 1.1x the pure model time (session.run alone)`,
    value: vsModel,
    cpuValue: ratio(d.cpuMs, summary.medium.model.cpuMs),
    limit: 1.1,
    met: vsModel === null ? null : vsModel <= 1.1,
    detail: `daemon ${fmtS(d.wallMs)} vs session.run ${fmtS(summary.medium.model.wallMs)}`,
  });
  // Memory against file length: fresh daemons where measured (a long-lived daemon's heap also holds
  // what earlier runs left), else the long-lived daemon's per-run peaks.
  const fresh = a.freshRss.small && a.freshRss.large;
  const rssSmall = fresh ? a.freshRss.small!.peakRssBytes : summary.small.daemon.peakRssBytes;
  const rssLarge = fresh ? a.freshRss.large!.peakRssBytes : summary.large.daemon.peakRssBytes;
  const growth = ratio(rssLarge, rssSmall);
  targets.push({
    id: 'rssGrowth',
    description: `daemon peak RSS on ${a.o.minutes.large} min at most 1.2x that on ${a.o.minutes.small} min`,
    value: growth,
    cpuValue: null,
    limit: 1.2,
    met: growth === null ? null : growth <= 1.2,
    detail: `${fmtMB(rssLarge)} vs ${fmtMB(rssSmall)} (${fresh ? 'a fresh daemon for each' : 'the long-lived daemon'}); long-lived daemon ${fmtX(ratio(summary.large.daemon.peakRssBytes, summary.small.daemon.peakRssBytes))}`,
  });
  const four = throughput?.files.find((f) => f.files === 4);
  targets.push({
    id: 'concurrency',
    description: '4 files at once no slower in total than one after another',
    value: four?.ratio ?? null,
    cpuValue: four?.cpuRatio ?? null,
    limit: 1,
    met: four?.ratio == null ? null : four.ratio <= 1,
    detail: four ? `${fmtS(four.atOnceMs)} at once vs ${fmtS(four.sequentialMs)} one after another` : 'not measured',
  });

  // Issue 17: the VAD's CPU cost against sherpa-onnx's own silero VAD on the same audio (both timed
  // apart from recognition in the profile), and the daemon's peak memory against sherpa-onnx-node's.
  const prof = a.profile ? profileSummary(a.profile) : null;
  const perMin = (ms: number | null | undefined) => (ms == null || !prof?.audioSec ? null : ms / (prof.audioSec / 60));
  const vadRatio = ratio(prof?.ourVadMs, prof?.sherpa.vadMs);
  targets.push({
    id: 'vadCost',
    description: `our VAD on the ${mLabel} input at most 1.0x sherpa-onnx-node's silero VAD`,
    value: vadRatio,
    cpuValue: null,
    limit: 1,
    met: vadRatio === null ? null : vadRatio <= 1,
    detail: `${fmtMs(perMin(prof?.ourVadMs))} vs ${fmtMs(perMin(prof?.sherpa.vadMs))} per audio minute (${prof?.vadWindows ?? '—'} windows)`,
  });
  const rssVsSherpa = ratio(d.peakRssBytes, summary.medium.sherpa.peakRssBytes);
  targets.push({
    id: 'rssVsSherpa',
    description: `daemon peak RSS on the ${mLabel} input at most 1.0x sherpa-onnx-node's`,
    value: rssVsSherpa,
    cpuValue: null,
    limit: 1,
    met: rssVsSherpa === null ? null : rssVsSherpa <= 1,
    detail: `${fmtMB(d.peakRssBytes)} vs ${fmtMB(summary.medium.sherpa.peakRssBytes)}`,
  });
  targets.push(...sharedTargets(a.shared));
  targets.push(diarizationTarget(a.diarization));
  targets.push(...liveTargets(a.live));

  return {
    schema: 1 as const,
    createdAt: new Date().toISOString(),
    mode: a.o.quick ? ('quick' as const) : ('full' as const),
    command: `npm run bench${a.argv.length ? ` -- ${a.argv.join(' ')}` : ''}`,
    machine: a.machine,
    settings: {
      threads: a.o.threads,
      precision: a.o.precision,
      vad: 'on' as const,
      maxSegmentSec: 30,
      daemonDefaults: { batchSize: 4, concurrency: 2 },
      /** Our systems' batch size when --batch was given. */
      batchSize: a.o.batchSize ?? null,
      runs: a.o.runs,
      coldRuns: a.o.coldRuns,
      throughputRuns: a.o.throughputRuns,
      skipped: [...a.o.skip],
    },
    model: a.model,
    inputs: Object.fromEntries(
      ROLES.map((r) => [
        r,
        {
          minutes: a.o.minutes[r],
          durationSec: a.inputs[r].durationSec,
          clips: a.inputs[r].clips.length,
          file: a.inputs[r].file,
        },
      ]),
    ) as Record<Role, { minutes: number; durationSec: number; clips: number; file: string }>,
    coldStart: coldSummary,
    summary,
    throughput,
    freshDaemonRss: a.freshRss,
    shared: a.shared,
    diarization: a.diarization,
    live: a.live,
    targets,
    profile: a.profile ? profileSummary(a.profile) : null,
    runs: a.runs,
    coldRuns: a.cold,
    errors: a.errors,
    daemonEndRssBytes: a.daemonEndRssBytes,
    benchWallMs: a.benchWallMs,
  };
}

function profileSummary(p: ProfileRecord) {
  const n = (k: string) => (typeof p.pure[k] === 'number' ? (p.pure[k] as number) : null);
  const t = p.daemonTimings.filter((x): x is NonNullable<typeof x> => !!x);
  const frames = n('frames');
  const padded = n('paddedFrames');
  return {
    audioSec: n('durationSec'),
    segments: n('segments'),
    frames,
    /** ffmpeg to float samples, whole file. */
    ffmpegDecodeMs: n('decodeMs'),
    /** Our Silero VAD alone (session.run per 512-sample window), whole file. */
    ourVadMs: n('vadMs'),
    vadWindows: n('vadWindows'),
    /** Front end (fbank, LFR, CMVN) on every segment. */
    featuresMs: n('featuresMs'),
    /** session.run one segment at a time. */
    sessionBatch1Ms: n('sessionMs'),
    /** session.run on batches formed as the daemon's scheduler forms them (batch size 4)… */
    sessionBatchedMs: n('batchedMs'),
    /** …and on the same segments one at a time, each batch timed next to its own segments. */
    sessionPairedSinglesMs: n('pairedSinglesMs'),
    batches: n('batches'),
    /** Padded frames / real frames in those batches (1 = no padding). */
    paddingFactor: frames && padded ? padded / frames : null,
    /** Greedy CTC over every segment's logits. */
    ctcDecodeMs: n('ctcMs'),
    daemon: {
      /** Request to the end of decoding + VAD (the streaming phase), ms (median). */
      decodePhaseMs: median(t.map((x) => x.decodeMs)),
      featuresMs: median(t.map((x) => x.featuresMs)),
      inferenceMs: median(t.map((x) => x.inferenceMs)),
      totalMs: median(t.map((x) => x.totalMs)),
      batches: p.daemonBatches,
    },
    sherpa: { vadMs: median(p.sherpaSplit.map((x) => x.vadMs)), asrMs: median(p.sherpaSplit.map((x) => x.asrMs)) },
  };
}

function fmtS(ms: number | null | undefined): string {
  return ms == null ? '—' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
function fmtMs(ms: number | null | undefined): string {
  return ms == null ? '—' : `${Math.round(ms)} ms`;
}
function fmtMB(b: number | null | undefined): string {
  return b == null || !Number.isFinite(b) ? '—' : `${Math.round(b / 1e6)} MB`;
}
function fmtX(x: number | null | undefined): string {
  return x == null ? '—' : `${x.toFixed(2)}x`;
}

export function formatTable(r: BenchResults): string {
  const s = r.summary;
  const min = (role: Role) => `${r.inputs[role].minutes} min`;
  const rows: string[][] = [];
  const row = (label: string, f: (sys: SystemName) => string) => rows.push([label, ...SYSTEMS.map(f)]);
  const has = (sys: SystemName, role: Role) => s[role][sys].runs > 0;
  const wall = (role: Role) => (sys: SystemName) => (has(sys, role) ? fmtS(s[role][sys].wallMs) : '—');
  row(`${min('medium')}: total`, wall('medium'));
  row(`${min('medium')}: real-time factor`, (sys) =>
    has(sys, 'medium') && s.medium[sys].rtf != null ? s.medium[sys].rtf!.toFixed(3) : '—',
  );
  row(`${min('medium')}: CPU time`, (sys) => (has(sys, 'medium') ? fmtS(s.medium[sys].cpuMs) : '—'));
  row(`${min('small')}: total`, wall('small'));
  row(`${min('large')}: total`, wall('large'));
  row('cold start: spawn to ready', (sys) => {
    const c = r.coldStart[sys];
    if (sys === 'cli') return c.spawnToReadyMs == null ? '—' : `+${fmtMs(c.spawnToReadyMs)} over the daemon`;
    // The bare-session helper starts under tsx (compiling TypeScript): only its load + warm-up count.
    return c.runs && sys !== 'model' ? fmtMs(c.spawnToReadyMs) : '—';
  });
  row('  of which spawn to initialize', (sys) =>
    sys === 'daemon' && r.coldStart.daemon.runs ? fmtMs(r.coldStart.daemon.spawnToInitMs) : '—',
  );
  row('  of which load + warm-up', (sys) =>
    sys !== 'cli' && r.coldStart[sys].runs
      ? `${fmtMs(r.coldStart[sys].loadMs)} + ${fmtMs(r.coldStart[sys].warmupMs)}`
      : '—',
  );
  row(`first segment (${min('medium')})`, (sys) => (has(sys, 'medium') ? fmtMs(s.medium[sys].firstSegmentMs) : '—'));
  // The bare-session helper holds the whole decoded file and its features: its memory is the harness's.
  const rss = (sys: SystemName, role: Role) => has(sys, role) && sys !== 'model';
  for (const role of ROLES)
    row(`peak RSS, ${min(role)}`, (sys) => (rss(sys, role) ? fmtMB(s[role][sys].peakRssBytes) : '—'));
  row(`peak RSS ${min('large')} / ${min('small')}`, (sys) =>
    rss(sys, 'large') && rss(sys, 'small') ? fmtX(ratio(s.large[sys].peakRssBytes, s.small[sys].peakRssBytes)) : '—',
  );
  const f = r.freshDaemonRss;
  if (f.small && f.large) {
    row(`peak RSS, fresh daemon, ${min('small')} / ${min('large')}`, (sys) =>
      sys === 'daemon'
        ? `${fmtMB(f.small!.peakRssBytes)} / ${fmtMB(f.large!.peakRssBytes)} (${fmtX(ratio(f.large!.peakRssBytes, f.small!.peakRssBytes))})`
        : '—',
    );
  }
  if (r.throughput) {
    for (const f of r.throughput.files) {
      row(`${f.files} × ${r.throughput.fileMinutes} min ${f.files === 1 ? 'file' : 'files at once'}`, (sys) =>
        sys === 'daemon'
          ? f.files === 1
            ? fmtS(f.atOnceMs)
            : `${fmtS(f.atOnceMs)} (${fmtX(f.ratio)} of ${fmtS(f.sequentialMs)} in turn)`
          : '—',
      );
    }
  }
  const header = ['', ...SYSTEMS.map((x) => TITLES[x])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const out: string[] = [];
  const m = r.model;
  out.push('');
  out.push(
    `SenseVoiceSmall-shaped synthetic model (${m.precision}, ${m.parameters ? (m.parameters / 1e6).toFixed(1) : '?'} M parameters), ${r.settings.threads} threads, VAD on, ` +
      `daemon batch ${r.settings.batchSize ?? `${r.settings.daemonDefaults.batchSize} (default)`}, concurrency ${r.settings.daemonDefaults.concurrency}; ${r.mode} run; medians of ${r.settings.runs.small}/${r.settings.runs.medium}/${r.settings.runs.large} runs`,
  );
  out.push(
    `${r.machine.cpuModel} × ${r.machine.cpus}; load average ${r.machine.loadAvgStart.map((x) => x.toFixed(1)).join(' ')} at start, ${r.machine.loadAvgEnd.map((x) => x.toFixed(1)).join(' ')} at end`,
  );
  out.push('');
  out.push(line(header));
  out.push(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const x of rows) out.push(line(x));
  out.push('');
  out.push('Targets:');
  for (const t of r.targets) {
    const verdict =
      t.met === null
        ? 'not measured'
        : t.met
          ? 'met'
          : `MISSED by ${(((t.value! - t.limit) / t.limit) * 100).toFixed(0)}%`;
    const cpu = t.cpuValue === null ? '' : `; in CPU time ${fmtX(t.cpuValue)}`;
    out.push(
      `  ${t.met === null ? '?' : t.met ? 'ok' : '!!'} ${t.description}: ${fmtX(t.value)} (limit ${t.limit}x) ${verdict}; ${t.detail}${cpu}`,
    );
  }
  if (r.profile) {
    const p = r.profile;
    out.push('');
    out.push(`Profile (${min('medium')}, ${p.segments} segments, ${p.frames} frames):`);
    out.push(
      `  daemon: decode + VAD phase ${fmtS(p.daemon.decodePhaseMs)}, features ${fmtS(p.daemon.featuresMs)}, inference ${fmtS(p.daemon.inferenceMs)}, total ${fmtS(p.daemon.totalMs)}` +
        (p.daemon.batches
          ? `; ${p.daemon.batches.batches} batches for ${p.daemon.batches.segments} segments since start`
          : ''),
    );
    out.push(
      `  apart: ffmpeg ${fmtS(p.ffmpegDecodeMs)}, our VAD ${fmtS(p.ourVadMs)} (${p.vadWindows} windows), features ${fmtS(p.featuresMs)}, CTC decode ${fmtS(p.ctcDecodeMs)}`,
    );
    out.push(
      `  session.run in the scheduler's batches ${fmtS(p.sessionBatchedMs)} vs the same segments one at a time ${fmtS(p.sessionPairedSinglesMs)}, timed in pairs (${p.batches} batches, padding ${fmtX(p.paddingFactor)}: ${fmtX(ratio(p.sessionBatchedMs, p.sessionPairedSinglesMs))})`,
    );
    out.push(`  sherpa-onnx-node: VAD ${fmtS(p.sherpa.vadMs)}, recognition ${fmtS(p.sherpa.asrMs)}`);
  }
  if (r.errors.length) {
    out.push('');
    out.push('Errors:');
    for (const e of r.errors) out.push(`  ${e}`);
  }
  out.push('');
  out.push(
    `bench took ${fmtS(r.benchWallMs)}${r.model.generatedThisRun ? ' (model generated this run)' : ' (model cached)'}`,
  );
  return out.join('\n') + '\n';
}

/** Issue 12's figures: what attaching to the warm shared daemon costs a cli call, a new window and memory. */
function sharedTargets(sh: SharedRecord | null): Target[] {
  const cli = median(sh?.cliOnWarm.cliMs ?? []);
  const own = median(sh?.cliOnWarm.daemonMs ?? []);
  const cliRatio = ratio(cli, own);
  const w1 = median(sh?.firstSegment.firstWindowMs ?? []);
  const wn = median(sh?.firstSegment.newWindowMs ?? []);
  const windowRatio = ratio(wn, w1);
  const one = sh?.memory.oneClientPeakBytes;
  const five = sh?.memory.fiveClientsPeakBytes;
  const rssRatio = ratio(five, one);
  const cliPeak = median(sh?.memory.cliProcessPeakBytes ?? []);
  return [
    {
      id: 'cliOnShared',
      description: 'a cli call on the warm shared daemon at most 1.05x the daemon’s own time on the same input',
      value: cliRatio,
      cpuValue: null,
      limit: 1.05,
      met: cliRatio === null ? null : cliRatio <= 1.05,
      detail: sh ? `cli ${fmtS(cli)} vs a window on that daemon ${fmtS(own)}` : 'not measured',
    },
    {
      id: 'secondWindow',
      description: 'a new window’s first segment at most 1.1x the first window’s warm one (no model load)',
      value: windowRatio,
      cpuValue: null,
      limit: 1.1,
      met: windowRatio === null ? null : windowRatio <= 1.1,
      detail: sh ? `${fmtS(wn)} vs ${fmtS(w1)}` : 'not measured',
    },
    {
      id: 'sharedRss',
      description: 'shared daemon peak RSS with 3 windows + 2 cli calls at most 1.1x with one window',
      value: rssRatio,
      cpuValue: null,
      limit: 1.1,
      met: rssRatio === null ? null : rssRatio <= 1.1,
      detail: sh
        ? `${fmtMB(five ?? null)} vs ${fmtMB(one ?? null)}; each cli process ${fmtMB(cliPeak)} (no model in it)`
        : 'not measured',
    },
  ];
}
