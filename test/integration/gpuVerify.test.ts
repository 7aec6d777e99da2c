// `npm run gpu:verify` as it runs on this machine, on the tiny synthetic model: where no GPU provider
// works (CI, this container: CUDA is not bundled, WebGPU finds no usable adapter) it must fail plainly
// (exit 1, one line naming each GPU provider and why) rather than pass on the CPU, and still write
// the JSON with the CPU's figures; where one works, it passes. Either way the JSON has the shape the
// README documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { VerifyResults } from '../../tools/gpuVerify/report';
import { ROOT, tempDir } from '../helpers/paths';

const PHASE_KEYS = ['totalMs', 'decodeMs', 'featuresMs', 'runMs', 'ctcMs'];

test('gpu:verify --profile tiny --quick: fails plainly with no GPU provider, JSON with the CPU figures and each reason', (t) => {
  const out = path.join(tempDir('gpu-verify'), 'gpu-verify.json');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'tools', 'gpuVerify', 'main.ts'), '--profile', 'tiny', '--quick', '--out', out],
    { cwd: ROOT, encoding: 'utf8', timeout: 240_000 },
  );
  t.diagnostic(`exit ${r.status}; stderr tail: ${r.stderr.slice(-600)}`);
  assert.ok(fs.existsSync(out), `the JSON is written either way: ${r.stderr}`);
  const j = JSON.parse(fs.readFileSync(out, 'utf8')) as VerifyResults;

  assert.equal(j.schema, 1);
  assert.equal(j.exitCode, r.status);
  assert.deepEqual(j.gpuProviders.tried, ['cuda', 'webgpu']);
  assert.equal(j.machine.onnxruntime, '1.30.0');
  assert.equal(j.settings.profile, 'tiny');
  assert.equal(j.settings.clipSec, 30);
  assert.equal(j.model.synthetic, true);
  assert.ok(['ffmpeg', 'native-wav'].includes(j.audio.decoder));
  assert.equal(j.audio.clips.length, 5, '--quick: the five sense_voice clips');
  assert.ok(j.wallMs > 0 && j.wallMs < 300_000, `finished in ${j.wallMs} ms`);

  // The CPU reference ran everything.
  const cpu = j.providers.find((p) => p.provider === 'cpu');
  assert.ok(cpu?.ok, `the CPU works: ${cpu?.error}`);
  assert.equal(cpu.gpu, false);
  assert.equal(cpu.quantization, 'fp32', 'the CPU runs the fp32 model too');
  assert.equal(cpu.clips.length, 5);
  for (const c of cpu.clips) assert.ok(c.ids.length > 4 && c.frames > 4, `${c.name} has token ids`);
  assert.equal(cpu.e2e?.runs.length, 2, '--quick: the first pass and one warm one');
  for (const p of cpu.e2e!.runs) assert.deepEqual(Object.keys(p).sort(), [...PHASE_KEYS].sort());
  assert.ok(cpu.e2e!.warmMs! > 0 && cpu.e2e!.rtf! > 0);
  assert.ok(cpu.warmup && cpu.warmup.coldFirstMs > 0 && cpu.warmup.warmFirstMs > 0, 'warm-up saving measured');
  assert.equal(cpu.concurrent?.files, 4);
  assert.equal(cpu.concurrent?.idsMatch, true, 'a batch changes no ids');
  assert.equal(cpu.gpuMemory, null, 'no GPU memory figures for the CPU');

  if (r.status === 1) {
    // No GPU provider works here: one plain line, each provider's reason, no silent pass on the CPU.
    const line = r.stderr.split('\n').find((l) => l.startsWith('gpu:verify: no GPU provider works here: '));
    assert.ok(line, `the failure line is printed: ${r.stderr.slice(-2000)}`);
    assert.equal(j.ok, false);
    assert.equal(j.message, line);
    assert.deepEqual(j.gpuProviders.working, []);
    for (const p of j.providers.filter((x) => x.gpu)) {
      assert.match(line, new RegExp(`${p.provider}: `));
      assert.ok(!p.ok || p.softwareAdapter, `${p.provider} is not counted as working`);
      if (!p.ok) assert.ok(p.failedAt && p.error && p.reason, `${p.provider} keeps its error and reason`);
    }
    const cuda = j.providers.find((p) => p.provider === 'cuda')!;
    if (cuda.bundled === false && cuda.cause === 'provider-not-installed')
      assert.match(line, /cuda: not bundled in onnxruntime-node 1\.30\.0/);
    assert.deepEqual(j.comparison, []);
    assert.equal(j.checks.find((c) => c.id === 'gpuWorks')?.ok, false);
  } else {
    // A machine where a GPU provider works: it passes, and its ids were compared with the CPU's.
    assert.equal(r.status, 0, r.stderr);
    assert.ok(j.ok && j.gpuProviders.working.length > 0);
    assert.match(r.stdout, /gpu:verify: GPU providers? working: /);
    for (const w of j.gpuProviders.working) assert.ok(j.comparison.some((c) => c.provider === w));
  }
});

test('gpu:verify rejects an unknown option with exit 2 and the usage', () => {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'tools', 'gpuVerify', 'main.ts'), '--providers', 'cuda,opengl'],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--providers: unknown 'opengl'/);
  assert.match(r.stderr, /Needs: node >= 20/);
});
