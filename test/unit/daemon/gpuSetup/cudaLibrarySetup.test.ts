// `gpu/setupCudaLibraries` against a fake PyPI JSON API on 127.0.0.1 serving wheels laid out like
// NVIDIA's: the plan (sizes and licences, nothing downloaded), the download checked against the
// index's sha256, only the needed .so files in the store, a wrong hash rejected and deleted (and
// the packages before it kept), a cancelled download resumed with a Range request, the store on
// the daemon's LD_LIBRARY_PATH only once it is complete, and removal with the rest of the cache.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  completeCudaStoreLibDir,
  cudaStoreDir,
  readCudaStoreManifest,
  withCudaLibraryPath,
} from '../../../../common/gpuSetup/cudaLibraryStore';
import { ErrorCode, SenseVoiceError, type ProgressParams } from '../../../../common/protocol';
import { onnxRuntimePackageDir } from '../../../../daemon/diagnostics/onnxRuntimeFacts';
import { CUDA_REDIST, isLinuxX64Wheel } from '../../../../daemon/gpuSetup/cudaRedist';
import { GpuSetupService, type GpuSetupOptions } from '../../../../daemon/gpuSetup/gpuSetupService';
import { GPU_PACKAGE_ID } from '../../../../daemon/gpuSetup/gpuPackage';
import { buildZip, startFakeNugetFeed, type FakeFeed } from '../../../helpers/fakeNugetFeed';
import { KEPT_LIBS, startFakePypi, type FakePypi } from '../../../helpers/fakePypiIndex';
import { tempDir } from '../../../helpers/paths';
import { waitFor } from '../../../helpers/waitFor';
import { fakeNvidiaSmi, NVIDIA_SMI } from '../diagnostics/fakeMachine';

let pypi: FakePypi;
/** The provider's feed, which the plan asks too. */
let nuget: FakeFeed;
let cacheDir: string;
let okDriver: string;

function service(over: Partial<GpuSetupOptions> = {}, pathEnv = okDriver): GpuSetupService {
  return new GpuSetupService(
    {
      env: { PATH: pathEnv },
      platform: 'linux',
      arch: 'x64',
      packageDir: onnxRuntimePackageDir(),
      binDir: tempDir('ortbin'),
      cacheDir,
      pypiFeedUrl: pypi.feedUrl,
      feedUrl: nuget.indexUrl,
      retry: { attemptsWithoutProgress: 3, delayMs: () => 0 },
      progressIntervalMs: 0,
      ...over,
    },
    () => undefined,
  );
}

async function setupCuda(s: GpuSetupService, signal = new AbortController().signal) {
  const progress: ProgressParams[] = [];
  const result = await s.setupCudaLibraries(
    { token: 't' },
    { run: (_t, work) => work(signal), progress: (p) => progress.push(p) },
  );
  return { result, progress };
}

async function rejectsWith(p: Promise<unknown>, code: number, message?: RegExp): Promise<SenseVoiceError> {
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof SenseVoiceError, `expected a SenseVoiceError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

const wheelRequests = () => pypi.server.seen.filter((r) => r.path.startsWith('/packages/'));
const storeEnv = () => ({ SENSEVOICE_GPU_CACHE: cacheDir, LD_LIBRARY_PATH: '/opt/other/lib' });
const libDir = () => path.join(cudaStoreDir(cacheDir), 'lib');

describe("NVIDIA's CUDA libraries from a fake PyPI index", () => {
  before(async () => {
    pypi = await startFakePypi();
    const version = (
      JSON.parse(fs.readFileSync(path.join(onnxRuntimePackageDir()!, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    nuget = await startFakeNugetFeed({ id: GPU_PACKAGE_ID, version, nupkg: buildZip({ 'x.txt': Buffer.from('x') }) });
    okDriver = fakeNvidiaSmi(NVIDIA_SMI.workingCard);
  });
  after(async () => {
    await pypi.close();
    await nuget.close();
  });
  beforeEach(() => {
    cacheDir = path.join(tempDir('gpucache'), 'gpu');
    pypi.server.seen.length = 0;
  });
  afterEach(() => {
    pypi.server.behaviour.clear();
    for (const w of pypi.wheels) {
      pypi.publishSha256(w.pin.name, '');
      pypi.serveWheel(w.pin.name);
    }
  });

  test('the pins: one place, each with NVIDIA licence and the libraries the CUDA provider links', () => {
    const taken = CUDA_REDIST.flatMap((p) => p.required);
    for (const soname of [
      'libcudart.so.12',
      'libcublas.so.12',
      'libcublasLt.so.12',
      'libcudnn.so.9',
      'libcufft.so.11',
      'libcurand.so.10',
    ])
      assert.ok(taken.includes(soname), soname);
    for (const p of CUDA_REDIST) assert.match(p.licence.url, /^https:\/\/docs\.nvidia\.com\//);
    assert.ok(isLinuxX64Wheel('nvidia_cudnn_cu12-9.10.2.21-py3-none-manylinux_2_27_x86_64.whl'));
    assert.ok(isLinuxX64Wheel('nvidia_cublas_cu12-12.8.4.1-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl'));
    assert.ok(!isLinuxX64Wheel('nvidia_cudnn_cu12-9.10.2.21-py3-none-manylinux_2_27_aarch64.whl'));
    assert.ok(!isLinuxX64Wheel('nvidia_cudnn_cu12-9.10.2.21-py3-none-win_amd64.whl'));
  });

  test('the plan: each package with its published size and licence; nothing downloaded', async () => {
    const plan = await service().plan({ cudaLibraries: true });
    const c = plan.cudaLibraries;
    assert.ok(c, 'asked for, the CUDA libraries are in the plan');
    assert.equal(c.feedUrl, pypi.feedUrl);
    assert.equal(c.complete, false);
    assert.deepEqual(
      c.packages.map((p) => [p.name, p.version, p.sizeBytes]),
      pypi.wheels.map((w) => [w.pin.name, w.pin.version, w.bytes.length]),
    );
    assert.equal(
      c.downloadBytes,
      pypi.wheels.reduce((n, w) => n + w.bytes.length, 0),
    );
    assert.match(c.packages.find((p) => p.name === 'nvidia-cudnn-cu12')?.licence ?? '', /cuDNN Software License/);
    assert.deepEqual(wheelRequests(), [], 'the plan downloads no wheel');
    assert.equal((await service().plan({})).cudaLibraries, undefined, 'not asked for, not looked up');
  });

  test('setup: every wheel downloaded and verified, only the needed .so files kept, then on LD_LIBRARY_PATH', async () => {
    assert.deepEqual(withCudaLibraryPath(storeEnv(), 'linux'), storeEnv(), 'no store: the environment as it was');
    const { result, progress } = await setupCuda(service());
    assert.deepEqual(
      result.fetched,
      CUDA_REDIST.map((p) => p.name),
    );
    assert.equal(
      result.downloadedBytes,
      pypi.wheels.reduce((n, w) => n + w.bytes.length, 0),
    );
    assert.deepEqual(result.files, KEPT_LIBS);
    assert.deepEqual(fs.readdirSync(libDir()).sort(), KEPT_LIBS, 'no headers, no libnvblas, no libcufftw');
    for (const w of pypi.wheels)
      for (const [name, bytes] of Object.entries(w.libs))
        if (KEPT_LIBS.includes(name)) assert.deepEqual(fs.readFileSync(path.join(libDir(), name)), bytes, name);
    assert.ok(!fs.existsSync(path.join(cudaStoreDir(cacheDir), 'downloads')), 'the wheels are not kept');
    assert.equal(readCudaStoreManifest(cudaStoreDir(cacheDir))?.complete, true);
    assert.ok(progress.some((p) => /Downloading nvidia-cudnn-cu12 9\.10\.2\.21/.test(p.message ?? '')));

    const env = withCudaLibraryPath(storeEnv(), 'linux');
    assert.equal(env.LD_LIBRARY_PATH, `${libDir()}:/opt/other/lib`, 'the store first, the rest kept');
    assert.equal(env.SENSEVOICE_GPU_CACHE, cacheDir);
    assert.deepEqual(withCudaLibraryPath(env, 'linux'), env, 'not added twice');
    assert.deepEqual(withCudaLibraryPath(storeEnv(), 'win32'), storeEnv(), 'Linux only');

    const plan = await service().plan({ cudaLibraries: true });
    assert.equal(plan.cudaLibraries?.complete, true);
    assert.equal(plan.cudaLibraries?.downloadBytes, 0);
    pypi.server.seen.length = 0;
    const again = await setupCuda(service());
    assert.deepEqual(again.result.fetched, []);
    assert.equal(again.result.alreadyInStore.length, CUDA_REDIST.length);
    assert.deepEqual(pypi.server.seen, [], 'a complete store asks the index nothing');
  });

  test('a wheel whose sha256 differs from the index is deleted; what came before stays; the store stays off the path', async () => {
    pypi.publishSha256('nvidia-cudnn-cu12', 'f'.repeat(64));
    await rejectsWith(setupCuda(service()), ErrorCode.ChecksumMismatch, /deleted/);
    const downloads = path.join(cudaStoreDir(cacheDir), 'downloads');
    assert.deepEqual(fs.existsSync(downloads) ? fs.readdirSync(downloads) : [], [], 'no wheel and no .part left');
    assert.ok(!fs.existsSync(path.join(libDir(), 'libcudnn.so.9')));
    assert.ok(fs.existsSync(path.join(libDir(), 'libcublas.so.12')), 'the packages before it are kept');
    assert.equal(completeCudaStoreLibDir(cudaStoreDir(cacheDir)), null);
    assert.deepEqual(withCudaLibraryPath(storeEnv(), 'linux'), storeEnv(), 'an incomplete store is not used');

    pypi.publishSha256('nvidia-cudnn-cu12', '');
    pypi.server.seen.length = 0;
    const { result } = await setupCuda(service());
    assert.deepEqual(result.alreadyInStore, ['nvidia-cuda-runtime-cu12', 'nvidia-cublas-cu12']);
    assert.equal(result.fetched[0], 'nvidia-cudnn-cu12');
    assert.ok(!wheelRequests().some((r) => r.path === pypi.wheel('nvidia-cublas-cu12').path), 'not fetched again');
  });

  test('cancelled mid-download: the part file stays, and the next setup resumes it with a Range request', async () => {
    const cudnn = pypi.wheel('nvidia-cudnn-cu12');
    pypi.server.behaviour.set(cudnn.path, { chunkBytes: 8 * 1024, chunkDelayMs: 20 });
    const ac = new AbortController();
    const progress: ProgressParams[] = [];
    const first = service().setupCudaLibraries(
      { token: 't' },
      { run: (_t, work) => work(ac.signal), progress: (p) => progress.push(p) },
    );
    await waitFor(
      () => progress.some((p) => /cudnn/.test(p.message ?? '') && (p.bytes ?? 0) > 16 * 1024),
      'cuDNN download progress',
    );
    ac.abort();
    await rejectsWith(first, ErrorCode.Cancelled);
    const part = path.join(cudaStoreDir(cacheDir), 'downloads', `${cudnn.filename}.part`);
    assert.ok(fs.statSync(part).size > 0, 'the bytes so far are kept');
    assert.equal(fs.existsSync(path.join(libDir(), 'libcudnn.so.9')), false);

    pypi.server.behaviour.clear();
    const { result } = await setupCuda(service());
    assert.ok(result.resumedBytes > 0, 'resumed');
    const ranges = pypi.server.requestsFor(cudnn.path).map((r) => r.range);
    assert.match(String(ranges.at(-1)), /^bytes=\d+-$/);
    assert.deepEqual(fs.readFileSync(path.join(libDir(), 'libcudnn.so.9')), cudnn.libs['libcudnn.so.9']);
  });

  test('a wheel downloaded and verified before an interruption is unpacked without a second download', async () => {
    const runtime = pypi.wheel('nvidia-cuda-runtime-cu12');
    const downloads = path.join(cudaStoreDir(cacheDir), 'downloads');
    fs.mkdirSync(downloads, { recursive: true });
    fs.writeFileSync(path.join(downloads, runtime.filename), runtime.bytes);
    // A damaged leftover of another wheel is deleted and downloaded again.
    const curand = pypi.wheel('nvidia-curand-cu12');
    fs.writeFileSync(path.join(downloads, curand.filename), curand.bytes.subarray(0, 100));
    const { result } = await setupCuda(service());
    assert.equal(pypi.server.requestsFor(runtime.path).length, 0, 'the verified wheel was not fetched');
    assert.equal(pypi.server.requestsFor(curand.path).length, 1);
    assert.deepEqual(fs.readFileSync(path.join(libDir(), 'libcudart.so.12')), runtime.libs['libcudart.so.12']);
    assert.equal(result.downloadedBytes, pypi.wheels.reduce((n, w) => n + w.bytes.length, 0) - runtime.bytes.length);
  });

  test('a wheel without the library it should carry is refused and deleted', async () => {
    pypi.serveWheel('nvidia-curand-cu12', buildZip({ 'nvidia/curand/include/curand.h': Buffer.from('/* none */') }));
    const s = service({ cudaPackages: CUDA_REDIST.filter((p) => p.name === 'nvidia-curand-cu12') });
    await rejectsWith(setupCuda(s), ErrorCode.GpuPackageInvalid, /libcurand\.so\.10.*deleted/);
    const downloads = path.join(cudaStoreDir(cacheDir), 'downloads');
    assert.deepEqual(fs.readdirSync(downloads), []);
    assert.equal(completeCudaStoreLibDir(cudaStoreDir(cacheDir)), null);
  });

  test('no nvidia-smi: stops with the reason before asking the index', async () => {
    await rejectsWith(setupCuda(service({}, tempDir('emptypath'))), ErrorCode.NvidiaDriverMissing);
    assert.deepEqual(pypi.server.seen, []);
  });

  test('other platforms are refused with a code', async () => {
    await rejectsWith(setupCuda(service({ platform: 'win32' })), ErrorCode.GpuSetupUnsupported);
  });

  test('remove takes the store away with the cache, and the daemon is no longer pointed at it', async () => {
    await setupCuda(service());
    const r = await service().remove();
    assert.equal(r.cudaLibrariesRemoved, true);
    assert.equal(fs.existsSync(cudaStoreDir(cacheDir)), false);
    assert.deepEqual(withCudaLibraryPath(storeEnv(), 'linux'), storeEnv());
    const none = await service().remove();
    assert.equal(none.cudaLibrariesRemoved, false);
  });
});
