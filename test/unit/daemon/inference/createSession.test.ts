// Provider choice with the environment faked: session creation fails with the error strings
// onnxruntime-node 1.30 really prints, and the loader falls back to the CPU with a stated reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import * as ort from 'onnxruntime-node';
import { createSession } from '../../../../daemon/inference/createSession';
import { explainProviderError, providerCandidates } from '../../../../daemon/inference/providers';
import { SenseVoiceModel } from '../../../../daemon/inference/senseVoiceModel';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { testModel } from '../../../helpers/testModels';

const REAL_ERRORS: Record<string, string> = {
  cuda: 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
  tensorrt: 'OrtSessionOptionsAppendExecutionProvider_TensorRT: Failed to load shared library',
  webgpu:
    '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(...) adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters',
  dml: 'no available backend found. ERR: [dml] backend not found.',
  coreml: 'no available backend found. ERR: [coreml] backend not found.',
};

/** What the fake sessions spent, timed from outside the code under test. */
interface Spent {
  createMs: number;
  runMs: number;
}

/** A create() where the named providers "work" (really on the CPU) and the rest fail as on this machine. */
function fakeCreate(working: string[], seen: { provider: string; file: string }[] = [], spent?: Spent) {
  return async (file: string, options: InferenceSession.SessionOptions): Promise<InferenceSession> => {
    const provider = String(options.executionProviders?.[0]);
    seen.push({ provider, file });
    if (!working.includes(provider)) throw new Error(REAL_ERRORS[provider] ?? `unexpected provider ${provider}`);
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(file, { ...options, executionProviders: ['cpu'] });
    if (spent) {
      spent.createMs += performance.now() - t0;
      const run = session.run.bind(session);
      (session as { run: unknown }).run = async (...args: Parameters<typeof run>) => {
        const r0 = performance.now();
        try {
          return await run(...args);
        } finally {
          spent.runMs += performance.now() - r0;
        }
      };
    }
    return session;
  };
}

test('candidates per platform: auto tries the GPU providers first, CPU last', () => {
  assert.deepEqual(providerCandidates('auto', 'linux'), ['cuda', 'webgpu', 'cpu']);
  assert.deepEqual(providerCandidates('auto', 'win32'), ['dml', 'cpu']);
  assert.deepEqual(providerCandidates('auto', 'darwin'), ['coreml', 'cpu']);
  assert.deepEqual(providerCandidates('cpu', 'linux'), ['cpu']);
  assert.deepEqual(providerCandidates('cuda', 'linux'), ['cuda', 'cpu']);
});

test('each real error string maps to a plain reason and a fix', () => {
  assert.match(explainProviderError('cuda', REAL_ERRORS.cuda).reason, /not installed.*download/);
  assert.match(explainProviderError('cuda', REAL_ERRORS.cuda).fix, /ONNXRUNTIME_NODE_INSTALL=cuda12/);
  assert.match(explainProviderError('webgpu', REAL_ERRORS.webgpu).reason, /No WebGPU adapter/);
  assert.match(explainProviderError('dml', REAL_ERRORS.dml).reason, /no dml provider/);
  assert.match(
    explainProviderError('cuda', 'libcudnn.so.9: cannot open shared object file; Failed to load shared library').reason,
    /cuDNN/,
  );
  assert.match(
    explainProviderError('cuda', 'CUDA driver version is insufficient for CUDA runtime version').reason,
    /driver is too old/,
  );
});

test('auto on Linux without a GPU: CUDA and WebGPU fail with reasons, the CPU runs the int8 model', async () => {
  const m = testModel('sherpa', { int8: true });
  const seen: { provider: string; file: string }[] = [];
  const spent: Spent = { createMs: 0, runMs: 0 };
  const t0 = performance.now();
  const model = await SenseVoiceModel.load({
    dir: m.dir,
    provider: 'auto',
    threads: 1,
    platform: 'linux',
    createSession: fakeCreate(['cpu'], seen, spent),
  });
  const wallMs = performance.now() - t0;
  try {
    assert.equal(model.info.provider, 'cpu');
    assert.deepEqual(
      model.info.attempts.map((a) => [a.provider, a.ok]),
      [
        ['cuda', false],
        ['webgpu', false],
        ['cpu', true],
      ],
    );
    assert.equal(model.info.attempts[0].error, REAL_ERRORS.cuda, 'the library error is kept verbatim');
    assert.match(model.info.attempts[0].reason ?? '', /not installed/);
    assert.match(model.info.attempts[1].reason ?? '', /WebGPU/);
    assert.equal(model.info.quantization, 'int8', 'int8 on the CPU');
    assert.ok(
      seen.slice(0, 2).every((s) => s.file.endsWith('model.onnx')),
      'GPU providers are offered the fp32 file',
    );
    assert.ok(seen[2].file.endsWith('model.int8.onnx'));
    // The reported times hold what the session really spent: its creation (load) and its one run
    // (warm-up), each within the whole load's wall time.
    assert.ok(spent.createMs >= 1 && spent.runMs >= 1, `measurable: ${JSON.stringify(spent)}`);
    assert.ok(
      model.info.loadMs >= Math.floor(spent.createMs) && model.info.loadMs <= Math.ceil(wallMs),
      `loadMs ${model.info.loadMs}, session created in ${spent.createMs} ms, load took ${wallMs} ms`,
    );
    assert.ok(
      model.info.warmupMs >= Math.floor(spent.runMs) && model.info.warmupMs <= Math.ceil(wallMs - spent.createMs),
      `warmupMs ${model.info.warmupMs}, ran ${spent.runMs} ms`,
    );
  } finally {
    await model.dispose();
  }
});

test('a working CUDA gets the fp32 model; an int8-only folder on CUDA warns', async () => {
  const both = testModel('sherpa', { int8: true });
  const onCuda = await SenseVoiceModel.load({
    dir: both.dir,
    provider: 'auto',
    threads: 1,
    platform: 'linux',
    createSession: fakeCreate(['cuda', 'cpu']),
  });
  assert.equal(onCuda.info.provider, 'cuda');
  assert.equal(onCuda.info.quantization, 'fp32');
  assert.deepEqual(onCuda.info.warnings, []);
  await onCuda.dispose();

  const int8Only = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-int8only-'));
  fs.copyFileSync(both.int8Model!, path.join(int8Only, 'model.int8.onnx'));
  fs.copyFileSync(both.tokens!, path.join(int8Only, 'tokens.txt'));
  const warned = await SenseVoiceModel.load({
    dir: int8Only,
    provider: 'cuda',
    threads: 1,
    platform: 'linux',
    createSession: fakeCreate(['cuda', 'cpu']),
  });
  assert.equal(warned.info.quantization, 'int8');
  assert.match(warned.info.warnings.join(' '), /int8 model is running on CUDA/);
  await warned.dispose();
});

test('an explicit provider that fails falls back to the CPU with the reason; Windows auto tries DirectML', async () => {
  const m = testModel('sherpa');
  const cuda = await SenseVoiceModel.load({
    dir: m.dir,
    provider: 'cuda',
    threads: 1,
    platform: 'linux',
    createSession: fakeCreate(['cpu']),
  });
  assert.equal(cuda.info.provider, 'cpu');
  assert.match(cuda.info.warnings.join(' '), /Running on the CPU: cuda: .*not installed/);
  await cuda.dispose();
  const win = await createSession({
    modelFileFor: () => m.model,
    provider: 'auto',
    threads: 1,
    platform: 'win32',
    create: fakeCreate(['cpu']),
  });
  assert.deepEqual(
    win.attempts.map((a) => a.provider),
    ['dml', 'cpu'],
  );
  assert.match(win.attempts[0].reason ?? '', /no dml provider/);
  await win.session.release();
});

test('a model even the CPU cannot load is ModelInvalid, with every attempt attached', async () => {
  await assert.rejects(
    createSession({
      modelFileFor: () => '/nonexistent/model.onnx',
      provider: 'auto',
      threads: 1,
      platform: 'linux',
      create: fakeCreate(['cpu']),
    }),
    (e: unknown) => {
      assert.ok(e instanceof SenseVoiceError);
      assert.equal(e.code, ErrorCode.ModelInvalid);
      assert.equal((e.data as { attempts: unknown[] }).attempts.length, 3);
      return true;
    },
  );
});

test('fallbackToCpu: false tries only the provider named and fails with its reason; warmUp: false skips the warm-up run', async () => {
  const m = testModel('sherpa');
  const seen: { provider: string; file: string }[] = [];
  await assert.rejects(
    SenseVoiceModel.load({
      dir: m.dir,
      provider: 'webgpu',
      threads: 1,
      platform: 'linux',
      fallbackToCpu: false,
      createSession: fakeCreate(['cpu'], seen),
    }),
    (e: unknown) => {
      assert.ok(e instanceof SenseVoiceError);
      assert.equal(e.code, ErrorCode.ProviderUnavailable);
      const attempts = (e.data as { attempts: { provider: string; reason?: string }[] }).attempts;
      assert.deepEqual(
        attempts.map((a) => a.provider),
        ['webgpu'],
      );
      assert.match(attempts[0].reason ?? '', /WebGPU/);
      return true;
    },
  );
  assert.deepEqual(
    seen.map((s) => s.provider),
    ['webgpu'],
    'the CPU was never tried in its place',
  );
  const spent: Spent = { createMs: 0, runMs: 0 };
  const cold = await SenseVoiceModel.load({
    dir: m.dir,
    provider: 'cuda',
    threads: 1,
    platform: 'linux',
    fallbackToCpu: false,
    warmUp: false,
    createSession: fakeCreate(['cuda'], [], spent),
  });
  try {
    assert.equal(cold.info.provider, 'cuda');
    assert.equal(cold.info.warmupMs, 0);
    assert.equal(spent.runMs, 0, 'no run at load');
  } finally {
    await cold.dispose();
  }
});
