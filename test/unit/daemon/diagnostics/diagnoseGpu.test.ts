// The whole GPU check against faked machines: a fake nvidia-smi on PATH, fake CUDA library folders,
// onnxruntime's build faked (provider libraries present or not) and providers that work or fail with
// the errors users report. Each machine gets the right reasons, fixes, verdicts and status bar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { diagnoseGpu, type DiagnoseOptions } from '../../../../daemon/diagnostics/diagnoseGpu';
import { scanCudaLibraries } from '../../../../daemon/diagnostics/cudaLibraries';
import { findOnPath } from '../../../../daemon/ffmpeg/resolveFfmpeg';
import { sanitizeSettings } from '../../../../daemon/settings';
import { ErrorCode, SenseVoiceError, type GpuReport, type OnnxRuntimeFacts } from '../../../../common/protocol';
import { deviceStatus } from '../../../../extension/gpuCheck/deviceStatus';
import { tempDir } from '../../../helpers/paths';
import { testModel } from '../../../helpers/testModels';
import {
  CUDA12_FILES,
  fakeLibraryFolder,
  fakeNvidiaSmi,
  fakeRunJob,
  NVIDIA_SMI,
  ORT,
  without,
  type FakeProvider,
} from './fakeMachine';

const ffmpegPath = findOnPath('ffmpeg', process.env.PATH) ?? '/usr/bin/ffmpeg';
const CPU_ONLY_BUILD: OnnxRuntimeFacts = {
  version: '1.30.0',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
    { name: 'cuda', bundled: false },
    { name: 'tensorrt', bundled: false },
  ],
  binDir: '/opt/ort/bin',
  providerLibraries: [],
};
const CUDA_BUILD: OnnxRuntimeFacts = {
  ...CPU_ONLY_BUILD,
  providerLibraries: [
    'libonnxruntime_providers_cuda.so',
    'libonnxruntime_providers_shared.so',
    'libonnxruntime_providers_tensorrt.so',
  ],
};
const NO_WEBGPU = { error: ORT.webgpu, log: ['Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.'] };

interface Machine {
  smi: string | null;
  libs?: Record<string, string | null>;
  build?: OnnxRuntimeFacts;
  providers: Record<string, FakeProvider>;
  settings?: Record<string, unknown>;
  modelPath?: string;
  quick?: boolean;
  seen?: string[];
  returned?: { provider: string; createMs: number; runMs: number[] }[];
  signal?: AbortSignal;
}

function check(m: Machine): Promise<GpuReport> {
  const libDir = m.libs ? fakeLibraryFolder(m.libs) : tempDir('nolibs');
  const options: DiagnoseOptions = {
    settings: sanitizeSettings(m.settings ?? {}),
    modelPath: m.modelPath,
    quick: m.quick,
    platform: 'linux',
    env: { PATH: m.smi ? fakeNvidiaSmi(m.smi) : tempDir('nosmi') },
    resolveFfmpeg: async () => ({ path: ffmpegPath, source: 'path', version: 'test', skipped: [] }),
    // The real scan over the fake folder; the real machine's ldconfig and toolkits are left out.
    libraries: (bin) =>
      scanCudaLibraries({
        platform: 'linux',
        libraryPathEnv: libDir,
        ortBinDir: bin,
        toolkitDirs: [],
        ldconfigOutput: null,
      }),
    onnxRuntime: () => m.build ?? CPU_ONLY_BUILD,
    runJob: fakeRunJob(m.providers, m.seen, m.returned),
    benchmark: {
      clipSec: 2,
      warmRuns: 1,
      syntheticShape: { blocks: 1, dModel: 32, ffn: 64, vocab: 64, featureDim: 560 },
    },
    signal: m.signal,
  };
  return diagnoseGpu(options);
}

const item = (r: GpuReport, id: string) => r.checklist.find((c) => c.id === id)!;
const probe = (r: GpuReport, p: string) => r.providers.find((x) => x.provider === p)!;

test('a working RTX 4090 with CUDA 12 and cuDNN 9: CUDA is selected, named, timed, and the status bar says so', async () => {
  const returned: { provider: string; createMs: number; runMs: number[] }[] = [];
  const r = await check({
    smi: NVIDIA_SMI.workingCard,
    libs: CUDA12_FILES,
    build: CUDA_BUILD,
    providers: { cuda: 'works', cpu: 'works', tensorrt: { error: ORT.tensorrtMissing }, webgpu: NO_WEBGPU },
    returned,
  });
  assert.equal(r.selectedProvider, 'cuda');
  assert.deepEqual(r.summary, {
    status: 'pass',
    provider: 'cuda',
    device: 'NVIDIA GeForce RTX 4090',
    headline: r.summary.headline,
  });
  assert.match(r.summary.headline, /^The GPU works: inference runs on CUDA \(NVIDIA GeForce RTX 4090\)/);
  assert.equal(item(r, 'driver').status, 'pass');
  assert.equal(item(r, 'provider').status, 'pass');
  assert.deepEqual(r.cudaLibraries.missing, []);
  assert.deepEqual(
    r.benchmark?.runs.map((x) => [x.provider, x.ok]),
    [
      ['cuda', true],
      ['cpu', true],
    ],
    'TensorRT is never timed',
  );
  assert.equal(r.benchmark?.model, 'synthetic');
  const cuda = r.benchmark!.runs[0]!;
  // The benchmark's times are its CUDA session's own (to 0.1 ms): creation, first run, median of the rest.
  const timed = returned.filter((x) => x.provider === 'cuda' && x.runMs.length > 1);
  assert.equal(timed.length, 1, 'one timed CUDA benchmark job');
  const { createMs, runMs } = timed[0]!;
  const later = runMs.slice(1).sort((a, b) => a - b);
  const median =
    later.length % 2 ? later[(later.length - 1) / 2]! : (later[later.length / 2 - 1]! + later[later.length / 2]!) / 2;
  assert.ok(Math.abs(cuda.sessionMs! - createMs) <= 0.05, `sessionMs ${cuda.sessionMs} vs ${createMs}`);
  assert.ok(Math.abs(cuda.coldMs! - runMs[0]!) <= 0.05, `coldMs ${cuda.coldMs} vs ${runMs[0]}`);
  assert.ok(Math.abs(cuda.warmMs! - median) <= 0.05, `warmMs ${cuda.warmMs} vs ${median}`);
  assert.ok(Math.abs(cuda.rtf! - median / 1000 / 2) <= 0.0001, `rtf ${cuda.rtf} for a 2 s clip`);
  assert.equal(item(r, 'warmup').status, 'pass');
  assert.match(item(r, 'warmup').detail, /first run took \d+ ms and later runs \d+ ms/);
  assert.deepEqual(deviceStatus(r), { provider: 'cuda', device: 'NVIDIA GeForce RTX 4090' });
});

test('an int8-only model about to run on CUDA gets the warning, and the model is the one timed', async () => {
  const both = testModel('sherpa', { int8: true });
  const dir = tempDir('int8only');
  fs.copyFileSync(both.int8Model!, path.join(dir, 'model.int8.onnx'));
  fs.copyFileSync(both.tokens!, path.join(dir, 'tokens.txt'));
  const r = await check({
    smi: NVIDIA_SMI.workingCard,
    libs: CUDA12_FILES,
    build: CUDA_BUILD,
    providers: { cuda: 'works', cpu: 'works' },
    modelPath: dir,
  });
  assert.equal(r.model.source, 'params');
  assert.equal(r.model.layout, 'sherpa');
  assert.equal(r.model.gpuFile?.quantization, 'int8');
  assert.equal(r.model.warnings.length, 1);
  assert.match(r.model.warnings[0]!, /int8 model is about to run on CUDA.*fall back to the CPU/);
  assert.equal(r.benchmark?.model, 'model');
  assert.ok(
    r.benchmark?.runs.every((x) => x.ok && x.quantization === 'int8' && x.modelFile.endsWith('model.int8.onnx')),
  );
  // With the fp32 file beside it, GPUs get fp32 and there is nothing to warn about.
  const fine = await check({
    smi: NVIDIA_SMI.workingCard,
    libs: CUDA12_FILES,
    build: CUDA_BUILD,
    providers: { cuda: 'works', cpu: 'works' },
    modelPath: both.dir,
  });
  assert.deepEqual(fine.model.warnings, []);
  assert.deepEqual(
    fine.benchmark?.runs.map((x) => [x.provider, x.quantization]),
    [
      ['cuda', 'fp32'],
      ['cpu', 'int8'],
    ],
  );
});

test('cuDNN missing: the GPU is unused, the reason is cuDNN, the fix says how, the status bar hints', async () => {
  const r = await check({
    smi: NVIDIA_SMI.workingCard,
    libs: without(CUDA12_FILES, /cudnn/),
    build: CUDA_BUILD,
    providers: { cuda: { error: ORT.cudaMissing, log: [ORT.cudnnMissingLog] }, cpu: 'works', webgpu: NO_WEBGPU },
  });
  const cuda = probe(r, 'cuda');
  assert.equal(cuda.error, ORT.cudaMissing, "the library's own error, verbatim");
  assert.deepEqual(cuda.log, [ORT.cudnnMissingLog]);
  assert.equal(cuda.cause, 'cudnn-missing');
  assert.match(cuda.fix ?? '', /cuDNN 9/);
  assert.match(cuda.fix ?? '', /Also needed: libcudnn\.so\.9 \(not found\)/);
  assert.equal(r.selectedProvider, 'cpu');
  assert.equal(item(r, 'provider').status, 'fail');
  assert.match(item(r, 'provider').detail, /The NVIDIA GeForce RTX 4090 is not used/);
  assert.equal(r.summary.status, 'fail');
  assert.match(
    r.summary.headline,
    /^Inference runs on the CPU: the NVIDIA GeForce RTX 4090 is not used; CUDA: cuDNN 9 not found; WebGPU: no adapter\.$/,
  );
  assert.deepEqual(deviceStatus(r), {
    provider: 'cpu',
    hint: 'An NVIDIA GPU (NVIDIA GeForce RTX 4090) is present but inference runs on the CPU.',
  });
});

test('the bare error with no log: the library scan says which part is missing', async () => {
  const r = await check({
    smi: NVIDIA_SMI.workingCard,
    libs: without(CUDA12_FILES, /cublas/),
    build: CUDA_BUILD,
    providers: { cuda: { error: ORT.cudaMissing }, cpu: 'works' },
  });
  assert.equal(probe(r, 'cuda').cause, 'cuda-runtime-missing');
  assert.match(probe(r, 'cuda').fix ?? '', /libcublas\.so\.12, libcublasLt\.so\.12 \(not found\)/);
});

test('an old driver (470): the driver check fails with the update, CUDA says the driver is too old', async () => {
  const r = await check({
    smi: NVIDIA_SMI.oldDriver,
    libs: CUDA12_FILES,
    build: CUDA_BUILD,
    providers: { cuda: { error: ORT.driverTooOld }, cpu: 'works' },
  });
  assert.equal(item(r, 'driver').status, 'fail');
  assert.match(item(r, 'driver').detail, /470\.82\.01 \(Tesla T4\) is older than 525\.60\.13/);
  assert.match(item(r, 'driver').fix ?? '', /Update the NVIDIA driver to 525\.60\.13 or newer/);
  assert.equal(probe(r, 'cuda').cause, 'driver-too-old');
  assert.doesNotMatch(probe(r, 'cuda').fix ?? '', /Also needed/, 'the driver is not repeated as a follow-up');
  assert.match(r.summary.headline, /Tesla T4 is not used; CUDA: driver too old/);
});

test('"No devices were found": the driver check fails with the pass-through fix; CUDA sees no device', async () => {
  const r = await check({
    smi: NVIDIA_SMI.noDevices,
    libs: CUDA12_FILES,
    build: CUDA_BUILD,
    providers: { cuda: { error: ORT.noDevice }, cpu: 'works' },
  });
  assert.equal(r.nvidia.status, 'no-devices');
  assert.equal(item(r, 'driver').status, 'fail');
  assert.match(item(r, 'driver').fix ?? '', /--gpus all/);
  assert.equal(probe(r, 'cuda').cause, 'no-device');
  assert.match(probe(r, 'cuda').fix ?? '', /Also needed: a GPU the NVIDIA driver can see/);
  assert.equal(deviceStatus(r).hint, undefined, 'no GPU seen, no hint');
});

test('nvidia-smi crashing, and a provider that crashes its process', async () => {
  const r = await check({
    smi: NVIDIA_SMI.crash,
    libs: CUDA12_FILES,
    build: CUDA_BUILD,
    providers: { cuda: 'crash', cpu: 'works' },
  });
  assert.equal(r.nvidia.status, 'failed');
  assert.equal(item(r, 'driver').status, 'fail');
  assert.match(item(r, 'driver').fix ?? '', /Reinstall the NVIDIA driver/);
  assert.equal(probe(r, 'cuda').cause, 'crashed');
  assert.match(probe(r, 'cuda').reason ?? '', /crashed the process \(SIGSEGV\)/);
  const mismatch = await check({ smi: NVIDIA_SMI.mismatch, providers: { cpu: 'works' }, quick: true });
  assert.match(item(mismatch, 'driver').fix ?? '', /Reboot/);
});

test('this machine: no NVIDIA GPU, no CUDA download: CPU, and why, in one line', async () => {
  const r = await check({
    smi: null,
    providers: {
      cuda: { error: ORT.cudaMissing, log: [ORT.sharedMissingLog] },
      tensorrt: { error: ORT.tensorrtMissing, log: [ORT.sharedMissingLog] },
      webgpu: NO_WEBGPU,
      cpu: 'works',
    },
  });
  assert.deepEqual(
    r.providers.map((p) => [p.provider, p.ok, p.cause ?? null]),
    [
      ['cuda', false, 'provider-not-installed'],
      ['tensorrt', false, 'provider-not-installed'],
      ['webgpu', false, 'no-adapter'],
      ['cpu', true, null],
    ],
  );
  assert.equal(r.selectedProvider, 'cpu');
  assert.equal(r.summary.status, 'warn');
  assert.equal(
    r.summary.headline,
    'Inference runs on the CPU: no NVIDIA GPU found; CUDA: provider library not installed; WebGPU: no adapter.',
  );
  assert.equal(item(r, 'driver').status, 'warn');
  assert.equal(item(r, 'provider').status, 'warn');
  assert.match(item(r, 'provider').fix ?? '', /Vulkan/, 'without an NVIDIA GPU, the CUDA download is not the advice');
  assert.match(probe(r, 'cuda').fix ?? '', /Also needed: an NVIDIA GPU and its driver \(nvidia-smi was not found\)/);
  assert.deepEqual(deviceStatus(r), { provider: 'cpu' });
});

test('sensevoice.provider "cuda" that fails is a failed check: the CPU is used behind the user\'s back', async () => {
  const r = await check({
    smi: NVIDIA_SMI.workingCard,
    libs: CUDA12_FILES,
    build: CPU_ONLY_BUILD,
    providers: { cuda: { error: ORT.cudaMissing }, cpu: 'works' },
    settings: { provider: 'cuda' },
  });
  assert.equal(item(r, 'provider').status, 'fail');
  assert.match(item(r, 'provider').detail, /sensevoice.provider is "cuda", but CUDA fails/);
  assert.match(item(r, 'provider').fix ?? '', /ONNXRUNTIME_NODE_INSTALL=cuda12/);
  // "cpu" with a working GPU is allowed but worth a warning.
  const cpuSet = await check({
    smi: NVIDIA_SMI.workingCard,
    libs: CUDA12_FILES,
    build: CUDA_BUILD,
    providers: { cuda: 'works', cpu: 'works' },
    settings: { provider: 'cpu' },
  });
  assert.equal(cpuSet.selectedProvider, 'cpu');
  assert.equal(item(cpuSet, 'provider').status, 'warn');
  assert.match(item(cpuSet, 'provider').fix ?? '', /"auto"/);
});

test('a provider that runs but answers wrong is not trusted', async () => {
  const wrong = fakeRunJob({ cpu: 'works' });
  const seen: string[] = [];
  const r = await diagnoseGpu({
    settings: sanitizeSettings({}),
    platform: 'linux',
    env: { PATH: tempDir('nosmi') },
    resolveFfmpeg: async () => ({ path: ffmpegPath, source: 'path', version: 'test', skipped: [] }),
    libraries: async () => ({ searched: [], found: [], requirements: [], missing: [] }),
    onnxRuntime: () => CUDA_BUILD,
    runJob: async (job) => {
      seen.push(job.provider);
      const res = await wrong({ ...job, provider: 'cpu' });
      if (job.provider === 'webgpu' && res.outputs?.y) res.outputs.y.values = [0, 0, 0, 0];
      return res;
    },
    benchmark: {
      clipSec: 1,
      warmRuns: 0,
      syntheticShape: { blocks: 1, dModel: 16, ffn: 16, vocab: 16, featureDim: 560 },
    },
  });
  assert.equal(probe(r, 'webgpu').ok, false);
  assert.equal(probe(r, 'webgpu').cause, 'wrong-result');
  assert.equal(r.selectedProvider, 'cuda');
});

test('quick: detection only; no session is created and the checklist skips what needs one', async () => {
  const seen: string[] = [];
  const r = await check({ smi: NVIDIA_SMI.workingCard, providers: { cpu: 'works' }, quick: true, seen });
  assert.deepEqual(seen, []);
  assert.equal(r.quick, true);
  assert.deepEqual(r.providers, []);
  assert.equal(r.benchmark, null);
  assert.equal(r.selectedProvider, null);
  assert.deepEqual(
    r.checklist.map((c) => c.id),
    ['driver', 'predecode', 'vadCap', 'concurrency'],
  );
  assert.match(r.summary.headline, /1 NVIDIA GPU\(s\): NVIDIA GeForce RTX 4090/);
  assert.equal(
    deviceStatus(r, 'cpu').hint,
    'An NVIDIA GPU (NVIDIA GeForce RTX 4090) is present but inference runs on the CPU.',
  );
  assert.equal(deviceStatus(r, 'cuda').hint, undefined);
});

test('a broken model folder is reported with its code, and the synthetic model is timed instead', async () => {
  const r = await check({ smi: null, providers: { cpu: 'works' }, modelPath: tempDir('emptymodel') });
  assert.equal(r.model.error?.code, 'ModelNotFound');
  assert.equal(r.benchmark?.model, 'synthetic');
});

test('cancelled: the check stops with Cancelled', async () => {
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(
    check({ smi: null, providers: { cpu: 'works' }, signal: abort.signal }),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled,
  );
});
