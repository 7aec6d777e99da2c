// "SenseVoice: Set Up GPU" with a fake connection and a fake window: the plan is shown before any
// download, "no" downloads nothing, a driver blocker stops with its fix, a finished setup restarts
// the daemon and runs the GPU check by itself, cancelling says how to resume, libraries setup did
// not place are replaced only after asking, and remove restarts the daemon too. The second button
// also fetches NVIDIA's CUDA libraries (size on the button, licences in the detail) under its own
// progress, before the restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCode,
  SenseVoiceError,
  type CudaLibrariesPlan,
  type CudaLibrariesSetupResult,
  type GpuRemoveResult,
  type GpuSetupPlan,
  type GpuSetupResult,
  type NvidiaInfo,
} from '../../../../common/protocol';
import {
  CHECK_GPU,
  planDetail,
  runGpuRemove,
  runGpuSetup,
  type GpuSetupDeps,
} from '../../../../extension/gpuSetup/gpuSetupFlow';

const DRIVER: NvidiaInfo = {
  status: 'ok',
  path: '/usr/bin/nvidia-smi',
  gpus: [
    { name: 'NVIDIA L4', driverVersion: '550.54.14', memoryTotalMiB: 23034, memoryFreeMiB: 22000, utilizationPct: 0 },
  ],
  driverVersion: '550.54.14',
  minDriverVersion: '525.60.13',
  driverOk: true,
};

const PLAN: GpuSetupPlan = {
  supported: true,
  packageId: 'Microsoft.ML.OnnxRuntime.Gpu.Linux',
  version: '1.30.0',
  feedUrl: 'https://mirror.corp/v3/index.json',
  packageUrl: 'https://mirror.corp/flat/x.nupkg',
  sizeBytes: 250 * 1024 * 1024,
  licence: 'ONNX Runtime is MIT-licensed.',
  prerequisites: ['cuDNN 9 for CUDA 12: pip install nvidia-cudnn-cu12'],
  driver: DRIVER,
  binDir: '/ext/bin',
  cacheDir: '/cache',
  cached: false,
  placed: false,
  files: ['libonnxruntime_providers_cuda.so'],
};

const CUDA_PLAN: CudaLibrariesPlan = {
  feedUrl: 'https://pypi.org/pypi',
  storeDir: '/cache/nvidia-cuda12',
  libDir: '/cache/nvidia-cuda12/lib',
  packages: [
    {
      name: 'nvidia-cudnn-cu12',
      version: '9.10.2.21',
      role: 'cuDNN 9',
      licence: 'NVIDIA cuDNN Software License Agreement',
      licenceUrl: 'https://docs.nvidia.com/deeplearning/cudnn/latest/reference/eula.html',
      sizeBytes: 700 * 1024 * 1024,
      inStore: false,
    },
  ],
  downloadBytes: 700 * 1024 * 1024,
  complete: false,
};

const CUDA_RESULT: CudaLibrariesSetupResult = {
  storeDir: '/cache/nvidia-cuda12',
  libDir: '/cache/nvidia-cuda12/lib',
  fetched: ['nvidia-cudnn-cu12'],
  alreadyInStore: [],
  files: ['libcudnn.so.9'],
  downloadedBytes: 700,
  resumedBytes: 0,
};

const RESULT: GpuSetupResult = {
  version: '1.30.0',
  binDir: '/ext/bin',
  cacheDir: '/cache/onnxruntime-gpu-1.30.0',
  placed: ['libonnxruntime_providers_cuda.so'],
  alreadyPlaced: [],
  fromCache: false,
  downloadedBytes: 100,
  resumedBytes: 0,
};

interface Fake {
  deps: GpuSetupDeps;
  calls: { method: string; params: unknown }[];
  events: string[];
}

function fake(
  o: {
    plan?: GpuSetupPlan;
    answers?: (string | undefined)[];
    setup?: (params: { overwrite?: boolean }, n: number) => GpuSetupResult;
    cuda?: () => CudaLibrariesSetupResult;
    infoAnswer?: string;
    errorAnswer?: string;
  } = {},
): Fake {
  const calls: { method: string; params: unknown }[] = [];
  const events: string[] = [];
  const answers = [...(o.answers ?? ['Download and Set Up'])];
  let setups = 0;
  const deps: GpuSetupDeps = {
    request: (async (method: string, params: unknown, options?: { onProgress?: (p: unknown) => void }) => {
      calls.push({ method, params });
      if (method === 'gpu/setupPlan') return o.plan ?? PLAN;
      if (method === 'gpu/setup') {
        options?.onProgress?.({ token: 't', bytes: 50, total: 100, fraction: 0.5, message: 'Downloading' });
        return (o.setup ?? (() => RESULT))(params as { overwrite?: boolean }, ++setups);
      }
      if (method === 'gpu/setupCudaLibraries') {
        options?.onProgress?.({ token: 'c', bytes: 25, total: 100, fraction: 0.25, message: 'Downloading cuDNN' });
        return (o.cuda ?? (() => CUDA_RESULT))();
      }
      if (method === 'gpu/remove')
        return {
          binDir: '/ext/bin',
          removed: ['libonnxruntime_providers_cuda.so'],
          kept: [],
          cacheDir: '/cache',
          cacheRemoved: true,
          cudaLibrariesRemoved: true,
        } satisfies GpuRemoveResult;
      throw new Error(`unexpected ${method}`);
    }) as GpuSetupDeps['request'],
    restartDaemon: async () => void events.push('restart'),
    runGpuCheck: async () => void events.push('gpu check'),
    feedUrl: () => 'https://mirror.corp/v3/index.json',
    pypiFeedUrl: () => undefined,
    ui: {
      ask: async (message, detail) => {
        events.push(`ask: ${message} | ${detail}`);
        return answers.shift();
      },
      info: async (message) => {
        events.push(`info: ${message}`);
        return o.infoAnswer;
      },
      error: async (message) => {
        events.push(`error: ${message}`);
        return o.errorAnswer;
      },
      progress: async (title, task) => {
        events.push(`progress: ${title}`);
        return task(
          (step) => events.push(`step: ${step.message} +${step.increment ?? 0}`),
          new AbortController().signal,
        );
      },
    },
    log: () => undefined,
  };
  return { deps, calls, events };
}

test('asks with the size, licence, driver and prerequisites; then sets up, restarts the daemon, runs the GPU check', async () => {
  const f = fake();
  assert.equal(await runGpuSetup(f.deps), 'done');
  assert.deepEqual(
    f.calls.map((c) => c.method),
    ['gpu/setupPlan', 'gpu/setup'],
  );
  assert.deepEqual(
    f.calls[0]?.params,
    { feedUrl: 'https://mirror.corp/v3/index.json', cudaLibraries: true },
    'the setting is the feed; the CUDA libraries are asked about for the second button',
  );
  const ask = f.events.find((e) => e.startsWith('ask:')) ?? '';
  assert.match(ask, /250\.0 MiB/);
  assert.match(ask, /MIT/);
  assert.match(ask, /NVIDIA driver 550\.54\.14/);
  assert.match(ask, /pip install nvidia-cudnn-cu12/);
  assert.ok(
    f.events.some((e) => /^step: Downloading — .* of .* \+50$/.test(e)),
    'progress reaches the notification',
  );
  const order = f.events.filter((e) => e === 'restart' || e === 'gpu check');
  assert.deepEqual(order, ['restart', 'gpu check'], 'the daemon restarts before the check runs');
});

test('answering no (or dismissing) downloads nothing', async () => {
  const f = fake({ answers: [undefined] });
  assert.equal(await runGpuSetup(f.deps), 'declined');
  assert.deepEqual(
    f.calls.map((c) => c.method),
    ['gpu/setupPlan'],
  );
  assert.ok(!f.events.includes('restart'));
});

test('a driver blocker is shown with its fix and offers the GPU check; nothing is downloaded', async () => {
  const f = fake({
    plan: { ...PLAN, blocker: { code: ErrorCode.NvidiaDriverTooOld, message: 'The NVIDIA driver 470 is too old…' } },
    errorAnswer: CHECK_GPU,
  });
  assert.equal(await runGpuSetup(f.deps), 'blocked');
  assert.ok(f.events.some((e) => /^error: The NVIDIA driver 470/.test(e)));
  assert.ok(f.events.includes('gpu check'));
  assert.equal(f.calls.length, 1);
});

test('Windows and macOS: what works out of the box, no question, no download', async () => {
  const f = fake({ plan: { ...PLAN, supported: false, platformNote: 'Nothing to download on Windows: DirectML…' } });
  assert.equal(await runGpuSetup(f.deps), 'unsupported');
  assert.ok(f.events.some((e) => /^info: Nothing to download on Windows/.test(e)));
  assert.ok(!f.events.some((e) => e.startsWith('ask:')));
  assert.equal(f.calls.length, 1);
});

test('cancelled: says how to resume, and neither restarts nor checks', async () => {
  const f = fake({
    setup: () => {
      throw new SenseVoiceError(ErrorCode.Cancelled, 'Download cancelled.');
    },
  });
  assert.equal(await runGpuSetup(f.deps), 'cancelled');
  assert.ok(f.events.some((e) => /resume/.test(e)));
  assert.ok(!f.events.includes('restart') && !f.events.includes('gpu check'));
});

test('libraries setup did not place: replaced only after the user says Replace', async () => {
  const exists = (p: { overwrite?: boolean }) => {
    if (!p.overwrite) throw new SenseVoiceError(ErrorCode.GpuLibrariesExist, '/ext/bin already holds …');
    return RESULT;
  };
  const keep = fake({ answers: ['Download and Set Up', undefined], setup: exists });
  assert.equal(await runGpuSetup(keep.deps), 'declined');
  assert.equal(keep.calls.filter((c) => c.method === 'gpu/setup').length, 1);

  const replace = fake({ answers: ['Download and Set Up', 'Replace'], setup: exists });
  assert.equal(await runGpuSetup(replace.deps), 'done');
  const setups = replace.calls.filter((c) => c.method === 'gpu/setup');
  assert.deepEqual(
    setups.map((c) => (c.params as { overwrite?: boolean }).overwrite),
    [undefined, true],
  );
});

test('other failures reach the command (shown with Show Logs there)', async () => {
  const f = fake({
    setup: () => {
      throw new SenseVoiceError(ErrorCode.ChecksumMismatch, 'the file was deleted');
    },
  });
  await assert.rejects(
    runGpuSetup(f.deps),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.ChecksumMismatch,
  );
  assert.ok(!f.events.includes('restart'));
});

test('remove asks, removes, restarts the daemon', async () => {
  const f = fake({ answers: ['Remove'] });
  assert.equal(await runGpuRemove(f.deps), true);
  assert.deepEqual(
    f.calls.map((c) => c.method),
    ['gpu/remove'],
  );
  assert.ok(f.events.includes('restart'));
  assert.ok(f.events.includes("info: SenseVoice: GPU libraries removed, NVIDIA's CUDA libraries with them."));
  const no = fake({ answers: [undefined] });
  assert.equal(await runGpuRemove(no.deps), false);
  assert.equal(no.calls.length, 0);
});

test('a cached version says nothing will be downloaded', () => {
  assert.match(planDetail({ ...PLAN, cached: true }), /already in the cache.*nothing to download/);
});

test("the second button: its size up front, NVIDIA's licences in the detail, then the CUDA libraries under their own progress", async () => {
  const button = 'Also Get NVIDIA CUDA Libraries (700.0 MiB)';
  const f = fake({ plan: { ...PLAN, cudaLibraries: CUDA_PLAN }, answers: [button] });
  f.deps.pypiFeedUrl = () => 'https://pypi.mirror.corp/pypi';
  assert.equal(await runGpuSetup(f.deps), 'done');
  assert.deepEqual(
    f.calls.map((c) => c.method),
    ['gpu/setupPlan', 'gpu/setup', 'gpu/setupCudaLibraries'],
  );
  assert.deepEqual(f.calls[2]?.params, { pypiFeedUrl: 'https://pypi.mirror.corp/pypi' }, 'the setting is the index');
  const ask = f.events.find((e) => e.startsWith('ask:')) ?? '';
  assert.match(ask, /cuDNN Software License Agreement, https:\/\/docs\.nvidia\.com/);
  assert.match(ask, /LD_LIBRARY_PATH/);
  assert.ok(f.events.includes("progress: SenseVoice: getting NVIDIA's CUDA libraries"));
  assert.ok(
    f.events.some((e) => /^step: Downloading cuDNN — .* \+25$/.test(e)),
    'a fresh bar for the second download',
  );
  const order = f.events.filter((e) => e.startsWith('progress:') || e === 'restart');
  assert.equal(order.at(-1), 'restart', 'the daemon restarts after both, so it starts with the store on its path');
});

test('the plain button does not fetch the CUDA libraries; a complete store offers no second button', async () => {
  const f = fake({ plan: { ...PLAN, cudaLibraries: CUDA_PLAN } });
  assert.equal(await runGpuSetup(f.deps), 'done');
  assert.ok(!f.calls.some((c) => c.method === 'gpu/setupCudaLibraries'));
  const complete = fake({
    plan: {
      ...PLAN,
      cudaLibraries: {
        ...CUDA_PLAN,
        complete: true,
        downloadBytes: 0,
        packages: [{ ...CUDA_PLAN.packages[0]!, inStore: true }],
      },
    },
  });
  let buttons: string[] = [];
  const ask = complete.deps.ui.ask;
  complete.deps.ui.ask = (m, d, ...actions) => {
    buttons = actions;
    return ask(m, d, ...actions);
  };
  assert.equal(await runGpuSetup(complete.deps), 'done');
  assert.deepEqual(buttons, ['Download and Set Up']);
});

test('cancelling the CUDA libraries says how to resume them, and does not restart', async () => {
  const f = fake({
    plan: { ...PLAN, cudaLibraries: CUDA_PLAN },
    answers: ['Also Get NVIDIA CUDA Libraries (700.0 MiB)'],
    cuda: () => {
      throw new SenseVoiceError(ErrorCode.Cancelled, 'Download cancelled.');
    },
  });
  assert.equal(await runGpuSetup(f.deps), 'cancelled');
  assert.ok(f.events.some((e) => /choose them to resume/.test(e)));
  assert.ok(!f.events.includes('restart'));
});
