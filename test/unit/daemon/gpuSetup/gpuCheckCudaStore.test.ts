// The GPU check after `gpu setup --cuda-libraries` filled the store from a fake PyPI index: a daemon
// started as the clients start it (the store first on LD_LIBRARY_PATH) finds every CUDA 12 / cuDNN
// 9 library there and names the store; a daemon started before the store was filled finds them off
// the loader path and is told to restart; with no store, the missing libraries are named and the
// CUDA provider's fix gives the command that fetches them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cudaStoreDir, withCudaLibraryPath } from '../../../../common/gpuSetup/cudaLibraryStore';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { scanCudaLibraries, STORE_SOURCE } from '../../../../daemon/diagnostics/cudaLibraries';
import { diagnoseGpu } from '../../../../daemon/diagnostics/diagnoseGpu';
import { cudaFollowUps } from '../../../../daemon/diagnostics/providerProbes';
import { GpuSetupService } from '../../../../daemon/gpuSetup/gpuSetupService';
import { explainProviderError } from '../../../../daemon/inference/providers';
import { sanitizeSettings } from '../../../../daemon/settings';
import { startFakePypi, type FakePypi } from '../../../helpers/fakePypiIndex';
import { tempDir } from '../../../helpers/paths';
import { fakeNvidiaSmi, NVIDIA_SMI } from '../diagnostics/fakeMachine';

let pypi: FakePypi;
let cacheDir: string;
let libDir: string;

before(async () => {
  pypi = await startFakePypi(4_000);
  cacheDir = path.join(tempDir('gpucache'), 'gpu');
  const setup = new GpuSetupService(
    {
      env: { PATH: fakeNvidiaSmi(NVIDIA_SMI.workingCard) },
      platform: 'linux',
      arch: 'x64',
      cacheDir,
      pypiFeedUrl: pypi.feedUrl,
    },
    () => undefined,
  );
  const r = await setup.setupCudaLibraries(
    {},
    { run: (_t, work) => work(new AbortController().signal), progress: () => undefined },
  );
  libDir = r.libDir;
  assert.equal(libDir, path.join(cudaStoreDir(cacheDir), 'lib'));
});
after(() => pypi.close());

const hermetic = (libraryPathEnv: string | undefined, storeLibDir: string | null) =>
  scanCudaLibraries({
    platform: 'linux',
    libraryPathEnv,
    ortBinDir: null,
    toolkitDirs: [],
    ldconfigOutput: '',
    storeLibDir,
  });

test('a daemon started with the store on its library path: the GPU check finds every library there', async () => {
  const env = withCudaLibraryPath({ SENSEVOICE_GPU_CACHE: cacheDir, PATH: tempDir('nosmi') }, 'linux');
  assert.equal(env.LD_LIBRARY_PATH, libDir);
  const report = await diagnoseGpu({
    settings: sanitizeSettings({ provider: 'cuda' }),
    platform: 'linux',
    env,
    quick: true,
    resolveFfmpeg: () => Promise.reject(new SenseVoiceError(ErrorCode.FfmpegNotFound, 'not needed here')),
  });
  const libs = report.cudaLibraries;
  assert.deepEqual(libs.missing, []);
  assert.ok(
    libs.requirements.every((r) => r.status === 'ok'),
    libs.requirements.map((r) => `${r.soname}: ${r.status}`).join(', '),
  );
  const fromStore = libs.found.filter((f) => f.source === STORE_SOURCE);
  assert.deepEqual(fromStore.map((f) => f.name).sort(), ['cublas', 'cublasLt', 'cudart', 'cudnn', 'cufft', 'curand']);
  assert.ok(fromStore.every((f) => f.onLoaderPath && f.file.startsWith(libDir)));
  assert.ok(libs.searched.includes(`${libDir} (${STORE_SOURCE})`));
});

test('a daemon started before the store was filled: off the loader path, and the fix is a restart', async () => {
  const s = await hermetic('', libDir);
  assert.ok(s.requirements.every((r) => r.status === 'off-loader-path'));
  const followUps = cudaFollowUps(
    {
      status: 'ok',
      path: 'nvidia-smi',
      gpus: [],
      driverVersion: '550.54.14',
      minDriverVersion: '525.60.13',
      driverOk: true,
    },
    s,
  );
  assert.match(
    followUps.join('\n'),
    /libcudnn\.so\.9 on the loader path \(it is in SenseVoice's CUDA library store.*restart it/,
  );
});

test('no store: the missing libraries are named, and the CUDA fix gives the command that fetches them', async () => {
  const s = await hermetic('', null);
  assert.deepEqual(s.missing.sort(), [
    'libcublas.so.12',
    'libcublasLt.so.12',
    'libcudart.so.12',
    'libcudnn.so.9',
    'libcufft.so.11',
    'libcurand.so.10',
  ]);
  const followUps = cudaFollowUps(
    { status: 'not-found', path: null, gpus: [], driverVersion: null, minDriverVersion: '525.60.13', driverOk: null },
    s,
  );
  assert.match(followUps.join('\n'), /libcudnn\.so\.9, .*\(not found\)/);
  assert.match(
    explainProviderError('cuda', 'libcudnn.so.9: cannot open shared object file', {}).fix ?? '',
    /sensevoice gpu setup --cuda-libraries/,
  );
});
