// The daemon, spawned by the real clients, gets the CUDA library store on its library path: after
// `gpu/setupCudaLibraries` filled the store (from a fake PyPI index on 127.0.0.1), a private daemon
// started through DaemonConnection.start finds every CUDA 12 / cuDNN 9 library there in its GPU
// check, and a shared daemon started through connectShared carries LD_LIBRARY_PATH with the store
// first in its process environment. Before the store is filled, neither is pointed at it. And the
// cli refuses --pypi-feed without --cuda-libraries before starting anything.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import { STORE_SOURCE } from '../../daemon/diagnostics/cudaLibraries';
import { GpuSetupService } from '../../daemon/gpuSetup/gpuSetupService';
import { startFakePypi, type FakePypi } from '../helpers/fakePypiIndex';
import { requireBuilt, tempDir } from '../helpers/paths';
import { connect, freshRuntime, stopAll, theOneDaemon } from '../helpers/sharedDaemon';
import { fakeNvidiaSmi, NVIDIA_SMI } from '../unit/daemon/diagnostics/fakeMachine';

const skip = process.platform !== 'linux' ? 'LD_LIBRARY_PATH is the Linux loader path' : false;
let pypi: FakePypi;
let cacheDir: string;

async function fillStore(): Promise<string> {
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
  return r.libDir;
}

function environOf(pid: number): Record<string, string> {
  return Object.fromEntries(
    fs
      .readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

before(async () => {
  if (skip) return;
  pypi = await startFakePypi(4_000);
  cacheDir = path.join(tempDir('gpucache'), 'gpu');
});
after(async () => {
  await pypi?.close();
});

test('a private daemon started after the store is filled finds the CUDA libraries there', { skip }, async () => {
  const env = { ...process.env, SENSEVOICE_GPU_CACHE: cacheDir, LD_LIBRARY_PATH: '/opt/elsewhere/lib' };
  const start = () =>
    DaemonConnection.start({
      command: process.execPath,
      args: [requireBuilt('daemon.js')],
      env,
      clientName: 'cuda-path',
    });
  const before = await start();
  try {
    const r = await before.request('gpu/diagnose', { quick: true });
    assert.ok(!r.cudaLibraries.found.some((f) => f.source === STORE_SOURCE), 'no store yet');
  } finally {
    await before.dispose();
  }

  const libDir = await fillStore();
  const daemon = await start();
  try {
    const r = await daemon.request('gpu/diagnose', { quick: true });
    const fromStore = r.cudaLibraries.found.filter((f) => f.source === STORE_SOURCE);
    assert.deepEqual(fromStore.map((f) => f.name).sort(), ['cublas', 'cublasLt', 'cudart', 'cudnn', 'cufft', 'curand']);
    assert.ok(
      fromStore.every((f) => f.onLoaderPath),
      'on the loader path: the daemon was started with it',
    );
    assert.deepEqual(r.cudaLibraries.missing, []);
    assert.equal(r.cudaLibraries.searched[0], `${libDir} (${STORE_SOURCE})`, 'first on LD_LIBRARY_PATH');
    assert.ok(r.cudaLibraries.searched.includes('/opt/elsewhere/lib (LD_LIBRARY_PATH)'), 'the rest kept');
  } finally {
    await daemon.dispose();
  }
});

test('a shared daemon is started with the store first on LD_LIBRARY_PATH', { skip }, async () => {
  const libDir = await fillStore();
  const rt = freshRuntime({ SENSEVOICE_GPU_CACHE: cacheDir, LD_LIBRARY_PATH: '/opt/elsewhere/lib' });
  try {
    const c = await connect(rt, 'cuda-path-shared');
    const pid = await theOneDaemon(rt);
    assert.equal(environOf(pid).LD_LIBRARY_PATH, `${libDir}:/opt/elsewhere/lib`);
    await c.dispose();
  } finally {
    await stopAll(rt);
  }
});

test('the cli: --pypi-feed without --cuda-libraries is a usage error, and nothing starts', () => {
  const r = spawnSync(
    process.execPath,
    [requireBuilt('cli.js'), 'gpu', 'setup', '--pypi-feed', 'http://127.0.0.1:9/pypi'],
    {
      encoding: 'utf8',
      env: { ...process.env, SENSEVOICE_GPU_CACHE: tempDir('nocache') },
      timeout: 60_000,
    },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--pypi-feed is where --cuda-libraries fetches from/);
});
