// `npx tsx bench/gpuSetup.ts [MB]`: GPU setup end to end against the fake NuGet feed on loopback
// (test/helpers/fakeNugetFeed.ts), with stand-in provider libraries of MB in all (default 200; the
// real CUDA provider is a few hundred MB): the plan, then setup (download, SHA-512, unzip, place),
// each phase timed from its first progress message; then the re-placement after an "update" (a fresh
// bin folder) from the cache. Nothing touches node_modules: the bin folder is a temporary one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onnxRuntimePackageDir } from '../daemon/diagnostics/onnxRuntimeFacts';
import { GpuSetupService } from '../daemon/gpuSetup/gpuSetupService';
import { GPU_PACKAGE_ID, PATH_IN_PACKAGE, PROVIDER_FILES } from '../daemon/gpuSetup/gpuPackage';
import { buildZip, standInLibraries, startFakeNugetFeed } from '../test/helpers/fakeNugetFeed';

async function main(): Promise<void> {
  const mb = Number(process.argv[2] ?? 200);
  const pkgDir = onnxRuntimePackageDir();
  if (!pkgDir) throw new Error('onnxruntime-node is not installed');
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string })
    .version;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sensevoice-gpusetup-bench-'));
  // Most of the bytes in the CUDA library, as in the real package.
  const libs = standInLibraries(PROVIDER_FILES, 1000);
  const big = standInLibraries(['cuda'], mb * 1024 * 1024).cuda!;
  for (let i = 0; i < big.length; i += 16_384) big.fill(0, i, Math.min(big.length, i + 8192)); // ~50% deflate
  libs[PROVIDER_FILES[0]] = big;
  const nupkg = buildZip(Object.fromEntries(Object.entries(libs).map(([n, b]) => [PATH_IN_PACKAGE + n, b])));
  const feed = await startFakeNugetFeed({ id: GPU_PACKAGE_ID, version, nupkg });
  const smi = path.join(scratch, 'bin');
  fs.mkdirSync(smi);
  fs.writeFileSync(path.join(smi, 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA L4, 550.54.14, 23034, 22000, 0"\n');
  fs.chmodSync(path.join(smi, 'nvidia-smi'), 0o755);
  const service = (binDir: string) =>
    new GpuSetupService(
      { env: { PATH: smi }, packageDir: pkgDir, binDir, cacheDir: path.join(scratch, 'cache'), feedUrl: feed.indexUrl },
      () => undefined,
    );
  try {
    const bin1 = fs.mkdtempSync(path.join(scratch, 'bin-'));
    let t = performance.now();
    await service(bin1).plan({});
    const planMs = performance.now() - t;
    const phases: { message: string; at: number }[] = [];
    t = performance.now();
    await service(bin1).setup(
      { token: 'b' },
      {
        run: (_t, work) => work(new AbortController().signal),
        progress: (p) => {
          const message = (p.message ?? '').split(' ')[0] ?? '';
          if (phases.at(-1)?.message !== message) phases.push({ message, at: performance.now() - t });
        },
      },
    );
    const setupMs = performance.now() - t;
    const bin2 = fs.mkdtempSync(path.join(scratch, 'bin-'));
    t = performance.now();
    const restored = await service(bin2).restoreFromCache();
    const restoreMs = performance.now() - t;
    const steps = phases.map((p, i) => `${p.message} ${((phases[i + 1]?.at ?? setupMs) - p.at).toFixed(0)} ms`);
    console.log(
      `package ${(nupkg.length / 1024 / 1024).toFixed(0)} MB (libraries ${mb} MB): plan ${planMs.toFixed(0)} ms; setup ${setupMs.toFixed(0)} ms (${steps.join(', ')}); re-placement after an update ${restoreMs.toFixed(0)} ms (${restored}), nupkg requests ${feed.server.requestsFor(feed.nupkgPath).length}`,
    );
  } finally {
    await feed.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
