// `sensevoice gpu setup|remove` with a fake daemon connection: the plan shown before anything is
// downloaded, a driver blocker stops it, no download without --yes where there is no terminal to
// ask, a "no" downloads nothing, and the other platforms get what works out of the box.
// --cuda-libraries: NVIDIA's packages with sizes and licences in the plan, one question for both
// downloads, then gpu/setupCudaLibraries with the index given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonConnection } from '../../../client/daemonConnection';
import {
  ErrorCode,
  type CudaLibrariesSetupResult,
  type GpuSetupPlan,
  type GpuSetupResult,
  type NvidiaInfo,
} from '../../../common/protocol';
import { checkGpuArgs, gpuCommand, renderPlan, type GpuCliIo } from '../../../cli/gpuSetupCommand';
import { UsageError } from '../../../cli/output';

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
  feedUrl: 'https://api.nuget.org/v3/index.json',
  packageUrl: 'https://api.nuget.org/v3-flatcontainer/x/1.30.0/x.1.30.0.nupkg',
  sizeBytes: 250 * 1024 * 1024,
  licence: 'ONNX Runtime is MIT-licensed.',
  prerequisites: ['cuDNN 9: pip install nvidia-cudnn-cu12'],
  driver: DRIVER,
  binDir: '/ext/node_modules/onnxruntime-node/bin/napi-v6/linux/x64',
  cacheDir: '/home/u/.local/share/sensevoice/gpu',
  cached: false,
  placed: false,
  files: ['libonnxruntime_providers_cuda.so'],
};

const RESULT: GpuSetupResult = {
  version: '1.30.0',
  binDir: PLAN.binDir!,
  cacheDir: `${PLAN.cacheDir}/onnxruntime-gpu-1.30.0`,
  placed: ['libonnxruntime_providers_cuda.so'],
  alreadyPlaced: [],
  fromCache: false,
  downloadedBytes: 1000,
  resumedBytes: 0,
  sha512: 'abc',
};

function fakeDaemon(plan: GpuSetupPlan) {
  const calls: { method: string; params: unknown }[] = [];
  const daemon = {
    request: async (method: string, params: unknown) => {
      calls.push({ method, params });
      if (method === 'gpu/setupPlan') return plan;
      if (method === 'gpu/setup') return RESULT;
      if (method === 'gpu/setupCudaLibraries')
        return {
          storeDir: '/c/nvidia-cuda12',
          libDir: '/c/nvidia-cuda12/lib',
          fetched: ['nvidia-cudnn-cu12'],
          alreadyInStore: [],
          files: ['libcudnn.so.9'],
          downloadedBytes: 700,
          resumedBytes: 0,
        } satisfies CudaLibrariesSetupResult;
      throw new Error(`unexpected ${method}`);
    },
  } as unknown as DaemonConnection;
  return { daemon, calls };
}

function io(answer: boolean | null): GpuCliIo & { text: () => string; asked: string[] } {
  let text = '';
  const asked: string[] = [];
  return {
    out: (s) => (text += s),
    err: (s) => (text += s),
    ask:
      answer === null
        ? null
        : async (q) => {
            asked.push(q);
            return answer;
          },
    text: () => text,
    asked,
  };
}

const opts = { json: false, feedUrl: 'http://mirror.corp/v3/index.json', yes: false, force: false };

test('the plan names the size, the licence, the NVIDIA prerequisites, the driver and the folder', () => {
  const t = renderPlan(PLAN);
  assert.match(t, /250\.0 MiB/);
  assert.match(t, /MIT/);
  assert.match(t, /pip install nvidia-cudnn-cu12/);
  assert.match(t, /NVIDIA 550\.54\.14 \(NVIDIA L4\); CUDA 12 needs 525\.60\.13/);
  assert.match(t, /bin\/napi-v6\/linux\/x64/);
});

test('asked and answered yes: setup runs with the feed given; the answer no downloads nothing', async () => {
  const yes = fakeDaemon(PLAN);
  const t = io(true);
  assert.equal(await gpuCommand(yes.daemon, ['setup'], opts, t), 0);
  assert.match(t.asked[0] ?? '', /Download 250\.0 MiB/);
  assert.deepEqual(
    yes.calls.map((c) => c.method),
    ['gpu/setupPlan', 'gpu/setup'],
  );
  assert.deepEqual(yes.calls[1]?.params, { feedUrl: opts.feedUrl, overwrite: undefined });
  assert.match(t.text(), /placed libonnxruntime_providers_cuda\.so/);

  const no = fakeDaemon(PLAN);
  assert.equal(await gpuCommand(no.daemon, ['setup'], opts, io(false)), 1);
  assert.deepEqual(
    no.calls.map((c) => c.method),
    ['gpu/setupPlan'],
  );
});

test('no terminal and no --yes: nothing is downloaded; --yes goes ahead without asking', async () => {
  const piped = fakeDaemon(PLAN);
  const t = io(null);
  assert.equal(await gpuCommand(piped.daemon, ['setup'], opts, t), 1);
  assert.match(t.text(), /--yes/);
  assert.equal(piped.calls.length, 1);
  const yes = fakeDaemon(PLAN);
  assert.equal(await gpuCommand(yes.daemon, ['setup'], { ...opts, yes: true, force: true }, io(null)), 0);
  assert.deepEqual(yes.calls[1]?.params, { feedUrl: opts.feedUrl, overwrite: true });
});

test('a driver blocker stops before the download, with exit code 1', async () => {
  const blocked = fakeDaemon({
    ...PLAN,
    driver: { ...DRIVER, driverVersion: '470.82.01', driverOk: false },
    blocker: { code: ErrorCode.NvidiaDriverTooOld, message: 'too old' },
  });
  const t = io(true);
  assert.equal(await gpuCommand(blocked.daemon, ['setup'], { ...opts, yes: true }, t), 1);
  assert.equal(blocked.calls.length, 1);
  assert.match(t.text(), /not looked up: the driver check stops the setup first/);
  assert.match(t.text(), /driver {4}NVIDIA 470\.82\.01 .*needs 525\.60\.13/);
});

test('another platform: what works out of the box, and nothing else', async () => {
  const mac = fakeDaemon({ ...PLAN, supported: false, platformNote: 'Nothing to download on macOS: CoreML ships.' });
  const t = io(true);
  assert.equal(await gpuCommand(mac.daemon, ['setup'], opts, t), 0);
  assert.match(t.text(), /CoreML ships/);
  assert.equal(mac.calls.length, 1);
  assert.equal(t.asked.length, 0);
});

test('gpu takes setup or remove', () => {
  assert.equal(checkGpuArgs(['setup']), 'setup');
  assert.equal(checkGpuArgs(['remove']), 'remove');
  assert.throws(() => checkGpuArgs([]), UsageError);
  assert.throws(() => checkGpuArgs(['install']), UsageError);
  assert.throws(() => checkGpuArgs(['setup', 'now']), UsageError);
});

test('--cuda-libraries: the plan lists NVIDIA packages with sizes and licences; one question; then the store is filled', async () => {
  const plan: GpuSetupPlan = {
    ...PLAN,
    cudaLibraries: {
      feedUrl: 'http://pypi.corp/pypi',
      storeDir: '/c/nvidia-cuda12',
      libDir: '/c/nvidia-cuda12/lib',
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
    },
  };
  const d = fakeDaemon(plan);
  const t = io(true);
  const o = { ...opts, cudaLibraries: true, pypiFeedUrl: 'http://pypi.corp/pypi' };
  assert.equal(await gpuCommand(d.daemon, ['setup'], o, t), 0);
  assert.deepEqual(
    d.calls.map((c) => c.method),
    ['gpu/setupPlan', 'gpu/setup', 'gpu/setupCudaLibraries'],
  );
  assert.deepEqual(d.calls[0]?.params, { feedUrl: opts.feedUrl, cudaLibraries: true, pypiFeedUrl: o.pypiFeedUrl });
  assert.deepEqual(d.calls[2]?.params, { pypiFeedUrl: o.pypiFeedUrl });
  assert.equal(t.asked.length, 1, 'one question for both downloads');
  assert.match(t.asked[0] ?? '', /Download 950\.0 MiB .*NVIDIA's licences/);
  assert.match(
    t.text(),
    /nvidia-cudnn-cu12 9\.10\.2\.21 {2}cuDNN 9 {2}700\.0 MiB {2}licence: NVIDIA cuDNN Software License Agreement/,
  );
  assert.match(t.text(), /LD_LIBRARY_PATH/);
  assert.match(t.text(), /NVIDIA's CUDA libraries in \/c\/nvidia-cuda12\/lib: libcudnn\.so\.9/);
});
