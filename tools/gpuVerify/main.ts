// `npm run gpu:verify`: one script for a machine with a GPU (see options.ts for what it takes and
// needs). Every GPU provider that loads, then the CPU, each in processes of its own (measure.ts); the
// token ids compared with the CPU's (compare.ts); a table on stdout, JSON in --out (report.ts). When
// no GPU provider works it says so in one line, why for each, and exits 1: a GPU machine that quietly
// ran everything on the CPU must not pass. Runs from source under tsx, or as the bundle pack.sh makes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestModel } from '../makeTestModel/makeTestModel';
import { chooseDecoder, joinedInputs, sampleClips } from './audio';
import { compareWithCpu } from './compare';
import { GpuMemory } from './gpuMemory';
import { measureProvider, type ProviderResult } from './measure';
import { parseOptions, USAGE, UsageError, type VerifyOptions } from './options';
import { buildChecks, formatTable, gpuWorks, SCHEMA, toRecord, whyNot, type VerifyResults } from './report';

const CLIP_SEC = 30;
const CONCURRENT_FILES = 4;
/** Model files gpu:verify leaves out: it compares providers on the fp32 model. */
const INT8_FILES = new Set(['model.int8.onnx', 'model_quant.onnx']);

interface ModelChoice {
  dir: string;
  record: VerifyResults['model'];
}

function prepareModel(o: VerifyOptions, progress: (line: string) => void): ModelChoice {
  if (o.modelDir) {
    const files = fs.readdirSync(o.modelDir);
    if (!files.includes('model.onnx'))
      throw new UsageError(`${o.modelDir} has no fp32 model.onnx: gpu:verify compares providers on the fp32 model`);
    // A folder without the int8 file, so the CPU, too, runs the fp32 model (the daemon would pick int8).
    const view = path.join(o.root, '.cache', 'gpu-verify', 'model-fp32');
    fs.rmSync(view, { recursive: true, force: true });
    fs.mkdirSync(view, { recursive: true });
    for (const f of files) if (!INT8_FILES.has(f)) fs.symlinkSync(path.join(o.modelDir, f), path.join(view, f));
    const bytes = fs.statSync(path.join(o.modelDir, 'model.onnx')).size;
    return {
      dir: view,
      record: {
        dir: o.modelDir,
        synthetic: false,
        parameters: null,
        fp32Bytes: bytes,
        generatedThisRun: false,
        generationMs: null,
      },
    };
  }
  progress(`model: synthetic, profile ${o.profile}, seed ${o.seed} (generated into .cache/test-models on first use)`);
  const t0 = performance.now();
  const m = makeTestModel({
    layout: 'sherpa',
    profile: o.profile,
    seed: o.seed,
    int8: false,
    outDir: path.join(o.root, '.cache', 'test-models', `${o.profile}-sherpa-seed${o.seed}`),
    assetsDir: path.join(o.root, 'test', 'fixtures', 'sensevoice-small-assets'),
  });
  const ms = performance.now() - t0;
  const generated = m.written.some((f) => f.endsWith('.onnx'));
  progress(`model: ${generated ? `generated in ${(ms / 1000).toFixed(1)} s` : 'up to date'}: ${m.dir}`);
  return {
    dir: m.dir,
    record: {
      dir: m.dir,
      synthetic: true,
      parameters: m.full?.parameters ?? null,
      fp32Bytes: fs.statSync(m.model).size,
      generatedThisRun: generated,
      generationMs: Math.round(ms),
    },
  };
}

async function run(o: VerifyOptions, argv: readonly string[]): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + o.budgetSec * 1000;
  const progress = (line: string) =>
    process.stderr.write(`[gpu:verify ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const backends = ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
  const ortVersion = ort.env.versions.node ?? ort.env.versions.common ?? 'unknown';
  const bundledOf = (p: string) => backends.find((b) => b.name === p)?.bundled ?? null;

  const model = prepareModel(o, progress);
  const decoder = await chooseDecoder(o.decoder);
  progress(`audio: ${decoder.kind} (${decoder.why})`);
  const clips = sampleClips(path.join(o.root, 'test', 'fixtures', 'audio'), o.quick);
  const inputs = joinedInputs(clips, path.join(o.root, '.cache', 'gpu-verify', 'audio'), CLIP_SEC, CONCURRENT_FILES);
  const gpuMemory = await GpuMemory.detect();
  progress(
    `GPU: ${gpuMemory.info.status === 'ok' ? gpuMemory.info.gpus.map((g) => `${g.name} (driver ${g.driverVersion})`).join(', ') : (gpuMemory.unavailable ?? gpuMemory.info.status)}`,
  );
  const ctx = {
    modelDir: model.dir,
    threads: o.threads,
    decoder,
    clips,
    inputs,
    warmRuns: o.quick ? 1 : 3,
    gpuMemory,
    deadline,
    progress,
  };

  const results: ProviderResult[] = [];
  for (const p of o.providers) {
    const r = await measureProvider(p, bundledOf(p), ctx);
    progress(`${p}: ${r.ok ? 'works' : `does not work: ${whyNot(r, ortVersion)}`}`);
    results.push(r);
  }
  // The CPU last: the reference every GPU provider's token ids are compared with.
  const cpu = await measureProvider('cpu', bundledOf('cpu'), ctx);
  results.push(cpu);
  const comparison = cpu.ok
    ? results.filter((r) => r.gpu && r.ok).map((r) => compareWithCpu(r.provider, cpu.clips, r.clips))
    : [];
  const checks = buildChecks(results, comparison);
  const working = results.filter(gpuWorks);
  const gpuTried = results.filter((r) => r.gpu);

  let message: string;
  let exitCode = 0;
  if (working.length === 0) {
    exitCode = 1;
    const reasons = gpuTried.map((r) => `${r.provider}: ${whyNot(r, ortVersion)}`).join('; ');
    message = `gpu:verify: no GPU provider works here: ${reasons || 'none was tried'}`;
  } else {
    message = `gpu:verify: GPU provider${working.length > 1 ? 's' : ''} working: ${working.map((r) => r.provider).join(', ')}`;
  }
  if (!cpu.ok) {
    exitCode = 1;
    message += `; the CPU reference failed too: ${cpu.reason ?? cpu.error}`;
  }

  const record: VerifyResults = {
    schema: SCHEMA,
    createdAt: new Date().toISOString(),
    command: [...argv],
    ok: exitCode === 0,
    exitCode,
    message,
    gpuProviders: { tried: gpuTried.map((r) => r.provider), working: working.map((r) => r.provider) },
    machine: {
      platform: process.platform,
      arch: process.arch,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      node: process.version,
      onnxruntime: ortVersion,
      backends,
      nvidia: {
        status: gpuMemory.info.status,
        driverVersion: gpuMemory.info.driverVersion,
        gpus: gpuMemory.info.gpus.map((g) => ({ name: g.name, memoryTotalMiB: g.memoryTotalMiB })),
        error: gpuMemory.info.error ?? null,
      },
      vulkanDriverFiles: process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES ?? null,
    },
    settings: {
      profile: o.modelDir ? null : o.profile,
      quick: o.quick,
      threads: o.threads,
      seed: o.seed,
      decoder: o.decoder,
      budgetSec: o.budgetSec,
      warmRuns: ctx.warmRuns,
      clipSec: CLIP_SEC,
      concurrentFiles: CONCURRENT_FILES,
      e2eTargetMs: 150,
    },
    model: model.record,
    audio: {
      decoder: decoder.kind,
      ffmpeg: decoder.ffmpegPath,
      why: decoder.why,
      clips: clips.map((c) => ({ name: c.name, durationSec: c.durationSec })),
      e2eInput: { durationSec: CLIP_SEC, clips: (inputs[0] as (typeof inputs)[number]).clips },
    },
    gpuMemoryUnavailable: gpuMemory.unavailable,
    providers: results.map(toRecord),
    comparison,
    checks,
    wallMs: Math.round(performance.now() - t0),
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(record, null, 2) + '\n');
  process.stdout.write(formatTable(record));
  process.stdout.write(`JSON: ${o.out} (${(record.wallMs / 1000).toFixed(0)} s)\n`);
  if (exitCode === 0) process.stdout.write(`${message}\n`);
  else process.stderr.write(`${message}\n`);
  return exitCode;
}

async function main(argv: readonly string[]): Promise<number> {
  let o: VerifyOptions | null;
  try {
    o = parseOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`gpu:verify: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (!o) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await run(o, argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`gpu:verify: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gpu:verify: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
