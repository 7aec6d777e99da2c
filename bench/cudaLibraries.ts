// `npx tsx bench/cudaLibraries.ts [MB]`: `gpu/setupCudaLibraries` end to end against the fake PyPI
// index on loopback (test/helpers/fakePypiIndex.ts): seven wheels laid out like NVIDIA's, holding
// MB of stand-in libraries in all (default 300; the real set is about 1.7 GB of wheels). Times the
// plan (seven JSON documents), the setup (download, sha256, unpack of the kept .so files), a second
// setup with everything in the store (no request), and what a client pays at each daemon start to
// put the store on LD_LIBRARY_PATH (reading the manifest and checking each library's size).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withCudaLibraryPath } from '../common/gpuSetup/cudaLibraryStore';
import { GpuSetupService } from '../daemon/gpuSetup/gpuSetupService';
import { startFakeNugetFeed } from '../test/helpers/fakeNugetFeed';
import { KEPT_LIBS, startFakePypi, WHEEL_LIBS } from '../test/helpers/fakePypiIndex';
import { onnxRuntimePackageDir } from '../daemon/diagnostics/onnxRuntimeFacts';
import { GPU_PACKAGE_ID } from '../daemon/gpuSetup/gpuPackage';
import { buildZip } from '../test/helpers/fakeNugetFeed';

async function main(): Promise<void> {
  const mb = Number(process.argv[2] ?? 300);
  const libCount = Object.values(WHEEL_LIBS).flat().length;
  const pypi = await startFakePypi(Math.round((mb * 1024 * 1024) / libCount));
  const pkgDir = onnxRuntimePackageDir();
  const version = pkgDir
    ? (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version
    : '0.0.0';
  const nuget = await startFakeNugetFeed({ id: GPU_PACKAGE_ID, version, nupkg: buildZip({ x: Buffer.from('x') }) });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sensevoice-cudalibs-bench-'));
  const smi = path.join(scratch, 'bin');
  fs.mkdirSync(smi);
  fs.writeFileSync(path.join(smi, 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA L4, 550.54.14, 23034, 22000, 0"\n');
  fs.chmodSync(path.join(smi, 'nvidia-smi'), 0o755);
  const cacheDir = path.join(scratch, 'gpu');
  const service = new GpuSetupService(
    {
      env: { PATH: smi },
      platform: 'linux',
      arch: 'x64',
      cacheDir,
      feedUrl: nuget.indexUrl,
      pypiFeedUrl: pypi.feedUrl,
    },
    () => undefined,
  );
  const runner = {
    run: <T>(_t: string | undefined, work: (s: AbortSignal) => Promise<T>) => work(new AbortController().signal),
    progress: () => undefined,
  };
  try {
    let t = performance.now();
    const plan = await service.plan({ cudaLibraries: true });
    const planMs = performance.now() - t;
    t = performance.now();
    const r = await service.setupCudaLibraries({}, runner);
    const setupMs = performance.now() - t;
    t = performance.now();
    await service.setupCudaLibraries({}, runner);
    const againMs = performance.now() - t;
    const env = { SENSEVOICE_GPU_CACHE: cacheDir, LD_LIBRARY_PATH: '/usr/lib' };
    const n = 1000;
    t = performance.now();
    for (let i = 0; i < n; i++) withCudaLibraryPath(env, 'linux');
    const spawnUs = ((performance.now() - t) / n) * 1000;
    const wheelMb = (plan.cudaLibraries?.downloadBytes ?? 0) / 1024 / 1024;
    console.log(
      `wheels ${wheelMb.toFixed(0)} MB (${r.files.length} of ${libCount} libraries kept, ${KEPT_LIBS.length} expected): plan ${planMs.toFixed(0)} ms; setup ${setupMs.toFixed(0)} ms (${(wheelMb / (setupMs / 1000)).toFixed(0)} MB/s: download, sha256, unpack); again with all in the store ${againMs.toFixed(0)} ms; library path at daemon start ${spawnUs.toFixed(0)} µs`,
    );
  } finally {
    await pypi.close();
    await nuget.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
