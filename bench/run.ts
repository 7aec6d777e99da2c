// `npm run bench [-- --quick]`: this project (cli per run, long-lived daemon) against sherpa-onnx-node
// (its Silero VAD + offline recognizer) and the bare ONNX session (session.run only, on our daemon's
// segments), on a full-size synthetic SenseVoiceSmall, side by side in one run with the same thread
// count. Runs are interleaved (each repetition goes round every system) so load from elsewhere on the
// machine falls on all of them alike. Prints a table and writes bench/results.json (see README).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestModel, REPO_ROOT } from '../tools/makeTestModel/makeTestModel';
import { ffmpegStaticPath, resolveFfmpeg } from '../daemon/ffmpeg/resolveFfmpeg';
import { longAudio, uniqueCopy, type LongAudio } from './audio';
import { BenchChild } from './childProcess';
import { BenchDaemon, runCli, type BenchPaths, type OurSettings, type RunResult } from './ourSystems';
import { BenchUsageError, parseCommand, ROLES, USAGE, type Role } from './options';
import { readMemory } from './procStats';
import { measureShared, type SharedRecord } from './sharedDaemon';
import { measureDiarization, type DiarizationRecord } from './diarization';
import { liveOptions, measureLive, type LiveRecord } from './live';
import {
  buildResults,
  formatTable,
  type BenchResults,
  type ColdStart,
  type ProfileRecord,
  type SystemName,
  type ThroughputRecord,
} from './report';

const DIST = path.join(REPO_ROOT, 'dist');

function modelView(dir: string, precision: 'int8' | 'fp32', scratchRoot: string): string {
  // A folder holding only the chosen file, so the daemon (which prefers int8 on the CPU when both
  // are there) and sherpa run the very same bytes.
  const view = path.join(scratchRoot, 'models', `${path.basename(dir)}-${precision}`);
  fs.mkdirSync(view, { recursive: true });
  const name = precision === 'int8' ? 'model.int8.onnx' : 'model.onnx';
  for (const f of fs.readdirSync(view))
    if (f !== name && f !== 'tokens.txt') fs.rmSync(path.join(view, f), { force: true });
  for (const f of [name, 'tokens.txt']) {
    const target = path.join(view, f);
    const src = path.join(dir, f);
    const same = fs.existsSync(target) && fs.statSync(target).ino === fs.statSync(src).ino;
    if (same) continue;
    fs.rmSync(target, { force: true });
    try {
      fs.linkSync(src, target);
    } catch {
      fs.symlinkSync(src, target);
    }
  }
  return view;
}

function timeoutFor(durationSec: number): number {
  return 120_000 + durationSec * 3_000;
}

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv, REPO_ROOT);
  if (command.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command.kind === 'table') {
    // Re-print the table of an earlier run.
    process.stdout.write(formatTable(JSON.parse(fs.readFileSync(command.file, 'utf8')) as BenchResults));
    return 0;
  }
  const o = command.options;
  const benchStart = performance.now();
  const loadStart = os.loadavg();
  const progress = (line: string) =>
    process.stderr.write(`[bench ${((performance.now() - benchStart) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const log = (line: string) => {
    if (o.verbose) process.stderr.write(`  ${line}\n`);
  };
  for (const f of ['daemon.js', 'cli.js', 'inferenceWorker.js', 'silero_vad_v5.onnx']) {
    if (!fs.existsSync(path.join(DIST, f)))
      throw new Error(`dist/${f} is missing: run "npm run build" first (npm run bench does).`);
  }
  const scratchRoot = path.join(REPO_ROOT, '.cache', 'bench');
  const scratch = path.join(scratchRoot, `run-${process.pid}`);
  fs.mkdirSync(scratch, { recursive: true });
  const paths: BenchPaths = { root: REPO_ROOT, dist: DIST, scratch };

  // The model: generated once (streamed, ~10-30 s), then reused from the cache.
  progress(`model: full profile, seed ${o.seed}, ${o.precision} (generated into .cache/test-models on first use)`);
  const g0 = performance.now();
  const model = makeTestModel({ layout: 'sherpa', profile: 'full', seed: o.seed, int8: true });
  const generationMs = performance.now() - g0;
  const generated = model.written.some((f) => f.endsWith('.onnx'));
  progress(`model: ${generated ? `generated in ${(generationMs / 1000).toFixed(1)} s` : 'cached'}: ${model.dir}`);
  const modelDir = modelView(model.dir, o.precision, scratchRoot);
  const modelFile = path.join(modelDir, o.precision === 'int8' ? 'model.int8.onnx' : 'model.onnx');

  const inputs = {} as Record<Role, LongAudio>;
  for (const role of ROLES) inputs[role] = longAudio(o.minutes[role]);
  const throughputInput = longAudio(o.throughputMinutes);
  // The ffmpeg the daemon would pick (no setting): every system decodes with the same binary.
  const ffmpeg = (await resolveFfmpeg({ staticPath: ffmpegStaticPath, pathEnv: process.env.PATH })).path;
  const settings: OurSettings = {
    threads: o.threads,
    modelDir,
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
  };
  const enabled = (s: SystemName) => !o.skip.has(s);

  // Cold start: fresh processes, timed from spawn until they can take work; the last of each lives on.
  const cold: Record<SystemName, ColdStart[]> = { cli: [], daemon: [], sherpa: [], model: [] };
  let daemon: BenchDaemon | null = null;
  let sherpa: BenchChild | null = null;
  let pure: BenchChild | null = null;
  for (let rep = 0; rep < o.coldRuns; rep++) {
    const last = rep === o.coldRuns - 1;
    progress(`cold start ${rep + 1}/${o.coldRuns}`);
    if (enabled('daemon')) {
      const d = await BenchDaemon.launch(paths, settings, log);
      cold.daemon.push({
        spawnToReadyMs: d.start.spawnToReadyMs,
        spawnToInitMs: d.start.spawnToInitMs,
        loadMs: d.start.loadMs,
        warmupMs: d.start.warmupMs,
        loadPeakBytes: d.start.loadPeakBytes,
        idleRssBytes: d.start.idleRssBytes,
      });
      if (last) daemon = d;
      else await d.dispose();
    }
    if (enabled('sherpa')) {
      const t0 = performance.now();
      const { child } = await BenchChild.start(path.join(REPO_ROOT, 'bench', 'sherpaWorker.cjs'), [], log);
      const r = await child.request<{ type: string; id: number; loadMs: number; vadLoadMs: number; warmupMs: number }>(
        {
          type: 'load',
          model: modelFile,
          tokens: path.join(modelDir, 'tokens.txt'),
          vadModel: path.join(DIST, 'silero_vad_v5.onnx'),
          threads: o.threads,
          maxSpeechSec: 30,
        },
        300_000,
      );
      const mem = child.memory();
      cold.sherpa.push({
        spawnToReadyMs: performance.now() - t0,
        loadMs: r.loadMs + r.vadLoadMs,
        warmupMs: r.warmupMs,
        loadPeakBytes: mem?.hwmBytes ?? NaN,
        idleRssBytes: mem?.rssBytes ?? NaN,
      });
      if (last) sherpa = child;
      else await child.dispose();
    }
    if (enabled('model')) {
      const t0 = performance.now();
      const { child } = await BenchChild.start(
        path.join(REPO_ROOT, 'bench', 'pureModelWorker.ts'),
        ['--import', 'tsx'],
        log,
      );
      const r = await child.request<{ type: string; id: number; loadMs: number; warmupMs: number }>(
        { type: 'load', dir: modelDir, threads: o.threads },
        300_000,
      );
      const mem = child.memory();
      // Spawn includes tsx compiling the helper, which is not the model's cost: report load + warm-up.
      cold.model.push({
        spawnToReadyMs: performance.now() - t0,
        loadMs: r.loadMs,
        warmupMs: r.warmupMs,
        loadPeakBytes: mem?.hwmBytes ?? NaN,
        idleRssBytes: mem?.rssBytes ?? NaN,
      });
      if (last) pure = child;
      else await child.dispose();
    }
  }
  // Main runs: each repetition goes round the systems; every run reads its own copy of the audio.
  const runs: Record<Role, Record<SystemName, RunResult[]>> = {} as never;
  const sherpaSplit: Record<Role, { vadMs: number; asrMs: number }[]> = { small: [], medium: [], large: [] };
  const daemonTimings: Record<Role, RunResult['timings'][]> = { small: [], medium: [], large: [] };
  const spansByRole: Partial<Record<Role, { start: number; end: number }[]>> = {};
  const errors: string[] = [];
  const attempt = async (label: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const message = `${label}: ${err instanceof Error ? err.message : String(err)}`;
      errors.push(message);
      progress(`FAILED ${message}`);
    }
  };
  for (const role of ROLES) {
    const input = inputs[role];
    const timeout = timeoutFor(input.durationSec);
    runs[role] = { cli: [], daemon: [], sherpa: [], model: [] };
    for (let rep = 0; rep < o.runs[role]; rep++) {
      const tag = `${role}-${rep}`;
      let spans: { start: number; end: number }[] | undefined;
      if (daemon) {
        const d = daemon;
        await attempt(`daemon ${tag}`, async () => {
          const copy = uniqueCopy(input.file, scratch, `daemon-${tag}`);
          progress(`${role} (${o.minutes[role]} min) run ${rep + 1}/${o.runs[role]}: daemon`);
          const r = await d.transcribe(copy);
          fs.rmSync(copy, { force: true });
          runs[role].daemon.push(r);
          daemonTimings[role].push(r.timings);
          spans = r.spans;
        });
      }
      if (sherpa) {
        const s = sherpa;
        await attempt(`sherpa ${tag}`, async () => {
          const copy = uniqueCopy(input.file, scratch, `sherpa-${tag}`);
          progress(`${role} (${o.minutes[role]} min) run ${rep + 1}/${o.runs[role]}: sherpa-onnx-node`);
          const r = await s.measured<{
            type: string;
            id: number;
            wallMs: number;
            firstSegmentMs: number | null;
            segments: number;
            tokens: number;
            vadMs: number;
            asrMs: number;
            spans: { start: number; end: number }[];
          }>({ type: 'run', file: copy, ffmpeg }, timeout);
          fs.rmSync(copy, { force: true });
          runs[role].sherpa.push({
            wallMs: r.wallMs,
            firstSegmentMs: r.firstSegmentMs,
            segments: r.segments,
            tokens: r.tokens,
            peakRssBytes: r.peakRssBytes,
            cpuMs: r.cpuMs,
          });
          sherpaSplit[role].push({ vadMs: r.vadMs, asrMs: r.asrMs });
          spans ??= r.spans;
        });
      }
      if (spans) spansByRole[role] = spans;
      if (pure && spans) {
        const p = pure;
        const theSpans = spans;
        await attempt(`model ${tag}`, async () => {
          const copy = uniqueCopy(input.file, scratch, `model-${tag}`);
          progress(`${role} (${o.minutes[role]} min) run ${rep + 1}/${o.runs[role]}: session.run only`);
          const r = await p.measured<{
            type: string;
            id: number;
            sessionMs: number;
            sessionCpuMs: number;
            segments: number;
            tokens: number;
          }>({ type: 'run', file: copy, ffmpeg, spans: theSpans }, timeout);
          fs.rmSync(copy, { force: true });
          // Only session.run is timed; the helper's decoding and features before it are not this system's.
          runs[role].model.push({
            wallMs: r.sessionMs,
            firstSegmentMs: null,
            segments: r.segments,
            tokens: r.tokens,
            peakRssBytes: r.peakRssBytes,
            cpuMs: r.sessionCpuMs,
          });
        });
      }
      // The cli's cold start makes the longest input's runs long: in quick mode it runs on the others only.
      if (enabled('cli') && !(o.quick && role === 'large')) {
        await attempt(`cli ${tag}`, async () => {
          const copy = uniqueCopy(input.file, scratch, `cli-${tag}`);
          progress(`${role} (${o.minutes[role]} min) run ${rep + 1}/${o.runs[role]}: cli`);
          runs[role].cli.push(await runCli(paths, settings, [copy], timeout));
          fs.rmSync(copy, { force: true });
        });
      }
    }
  }

  // Memory against file length on fresh daemons (a long-lived one also carries what earlier runs
  // left in its heap): one daemon per input, its VmHWM reset once the model is loaded.
  const freshRss: Partial<Record<Role, { peakRssBytes: number; lifetimePeakBytes: number; wallMs: number }>> = {};
  if (enabled('daemon')) {
    for (const role of ['small', 'large'] as const) {
      await attempt(`fresh-daemon memory ${role}`, async () => {
        progress(`memory on a fresh daemon: ${role} (${o.minutes[role]} min)`);
        const d = await BenchDaemon.launch(paths, settings, log);
        try {
          const copy = uniqueCopy(inputs[role].file, scratch, `fresh-${role}`);
          const r = await d.transcribe(copy);
          fs.rmSync(copy, { force: true });
          freshRss[role] = {
            peakRssBytes: r.peakRssBytes,
            lifetimePeakBytes: Math.max(r.peakRssBytes, d.start.loadPeakBytes),
            wallMs: r.wallMs,
          };
        } finally {
          await d.dispose();
        }
      });
    }
  }

  // Throughput: the same files one after another, then 2 and 4 at once with concurrency 2 and 4.
  let throughput: ThroughputRecord | null = null;
  if (daemon) {
    const d = daemon;
    await attempt('throughput', async () => {
      const rec: ThroughputRecord = {
        fileMinutes: o.throughputMinutes,
        fileSec: throughputInput.durationSec,
        runs: [],
      };
      for (let rep = 0; rep < o.throughputRuns; rep++) {
        const files = (n: number, what: string) =>
          Array.from({ length: n }, (_, i) => uniqueCopy(throughputInput.file, scratch, `tp-${what}-${rep}-${i}`));
        progress(`throughput run ${rep + 1}/${o.throughputRuns}: 4 files one after another`);
        const seq = files(4, 'seq');
        const each: number[] = [];
        const eachCpu: number[] = [];
        let seqPeak = 0;
        for (const f of seq) {
          const r = await d.transcribeMany([f]);
          each.push(r.wallMs);
          eachCpu.push(r.cpuMs ?? NaN);
          seqPeak = Math.max(seqPeak, r.peakRssBytes);
        }
        const concurrent: Record<
          string,
          { wallMs: number; cpuMs: number | null; peakRssBytes: number; firstSegmentMs: number | null }
        > = {};
        for (const n of [2, 4]) {
          progress(`throughput run ${rep + 1}/${o.throughputRuns}: ${n} files at once (concurrency ${n})`);
          d.configure({ concurrency: n });
          const fs2 = files(n, `c${n}`);
          const r = await d.transcribeMany(fs2);
          concurrent[n] = {
            wallMs: r.wallMs,
            cpuMs: r.cpuMs,
            peakRssBytes: r.peakRssBytes,
            firstSegmentMs: Math.min(...r.runs.map((x) => x.firstSegmentMs ?? Infinity)),
          };
          for (const f of fs2) fs.rmSync(f, { force: true });
        }
        d.configure({ concurrency: undefined });
        for (const f of seq) fs.rmSync(f, { force: true });
        rec.runs.push({ sequentialMs: each, sequentialCpuMs: eachCpu, sequentialPeakRssBytes: seqPeak, concurrent });
      }
      throughput = rec;
    });
  }

  // The shared daemon: a cli call and a new window on a warm daemon, and five clients' memory.
  let shared: SharedRecord | null = null;
  if (!o.skip.has('shared')) {
    await attempt('shared daemon', async () => {
      shared = await measureShared(
        paths,
        settings,
        { small: inputs.small, medium: inputs.medium },
        { small: o.runs.small, medium: o.runs.medium },
        timeoutFor,
        progress,
      );
    });
  }

  // Diarization (issue 13): ours against sherpa-onnx-node on 10 minutes, and a 3-hour file's peak RSS.
  let diarization: DiarizationRecord | null = null;
  if (!o.skip.has('diarization')) {
    await attempt('diarization', async () => {
      diarization = measureDiarization(
        { threads: o.threads, runs: o.quick ? 3 : 5, longMinutes: o.quick ? 0 : 180, sherpaLong: false },
        progress,
      );
    });
  }

  // Live recording (issue 14): a 5 s utterance's text latency, and RSS over a long fast-played session.
  let live: LiveRecord | null = null;
  if (!o.skip.has('live')) {
    await attempt('live', async () => {
      const r = await measureLive(paths, settings, liveOptions(o.quick), progress, log);
      for (const n of r.notMeasured) errors.push(`live ${n}`);
      live = r;
    });
  }

  // Profile: where the time goes on the headline input.
  let profile: ProfileRecord | null = null;
  const mediumSpans = spansByRole.medium;
  if (pure && mediumSpans) {
    const p = pure;
    await attempt('profile', async () => {
      progress('profile: VAD alone, features, CTC decode, batches as the scheduler forms them');
      const copy = uniqueCopy(inputs.medium.file, scratch, 'profile');
      const r = await p.request<Record<string, unknown> & { type: string; id: number }>(
        {
          type: 'run',
          file: copy,
          ffmpeg,
          spans: mediumSpans,
          batchSize: 4,
          vadModel: path.join(DIST, 'silero_vad_v5.onnx'),
          maxSegmentSec: 30,
        },
        timeoutFor(inputs.medium.durationSec) * 2,
      );
      fs.rmSync(copy, { force: true });
      const status = daemon ? await daemon.status() : null;
      profile = {
        pure: r,
        daemonTimings: daemonTimings.medium,
        sherpaSplit: sherpaSplit.medium,
        daemonBatches: status ? { batches: status.batches, segments: status.segmentsRecognised } : null,
      };
    });
  }

  const endMem = daemon ? readMemory(daemon.pid) : null;
  await Promise.all([daemon?.dispose(), sherpa?.dispose(), pure?.dispose()]);
  fs.rmSync(scratch, { recursive: true, force: true });

  const results = buildResults({
    o,
    argv,
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      platform: `${process.platform}-${process.arch}`,
      node: process.version,
      onnxruntime: packageVersion('onnxruntime-node'),
      sherpaOnnx: packageVersion('sherpa-onnx-node'),
      ffmpeg: ffmpegVersion(ffmpeg),
      loadAvgStart: loadStart,
      loadAvgEnd: os.loadavg(),
    },
    model: {
      dir: model.dir,
      file: modelFile,
      precision: o.precision,
      parameters: model.full?.parameters ?? null,
      fp32Bytes: model.full?.fp32Bytes ?? null,
      int8Bytes: model.full?.int8Bytes ?? null,
      generatedThisRun: generated,
      generationMs: generated ? generationMs : null,
      writeMs: { fp32: model.full?.fp32Ms ?? null, int8: model.full?.int8Ms ?? null },
      generationPeakRssBytes: model.full?.peakRssBytes ?? null,
    },
    inputs,
    throughputInput,
    cold,
    runs,
    throughput,
    profile,
    freshRss,
    shared,
    diarization,
    live,
    errors,
    daemonEndRssBytes: endMem?.rssBytes ?? null,
    benchWallMs: performance.now() - benchStart,
  });
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(formatTable(results));
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), o.out) || o.out}\n`);
  return errors.length === 0 ? 0 : 1;
}

function packageVersion(name: string): string | null {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return null;
  }
}

function ffmpegVersion(ffmpeg: string): string | null {
  try {
    return execFileSync(ffmpeg, ['-version'], { encoding: 'utf8' }).split('\n')[0] ?? null;
  } catch {
    return null;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof BenchUsageError) process.stderr.write(`bench: ${err.message}\n\n${USAGE}\n`);
    else process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
