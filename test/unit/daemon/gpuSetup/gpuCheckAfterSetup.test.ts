// After setup, the GPU check on this machine (no NVIDIA GPU, no CUDA): it reports the provider
// libraries setup placed beside a copy of the real onnxruntime-node, and the CUDA provider fails for
// the real reason ONNX Runtime gives when it tries to load them (the stand-ins are not shared
// libraries), not "not installed". The real runtime is loaded from the copy, in a child process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { diagnoseGpu } from '../../../../daemon/diagnostics/diagnoseGpu';
import { collectOnnxRuntimeFacts, onnxRuntimePackageDir } from '../../../../daemon/diagnostics/onnxRuntimeFacts';
import { SessionWorker } from '../../../../daemon/diagnostics/sessionWorker';
import { GpuSetupService } from '../../../../daemon/gpuSetup/gpuSetupService';
import { GPU_PACKAGE_ID, PATH_IN_PACKAGE, PROVIDER_FILES } from '../../../../daemon/gpuSetup/gpuPackage';
import { sanitizeSettings } from '../../../../daemon/settings';
import { ErrorCode, SenseVoiceError, type GpuReport } from '../../../../common/protocol';
import { buildZip, standInLibraries, startFakeNugetFeed, type FakeFeed } from '../../../helpers/fakeNugetFeed';
import { tempDir } from '../../../helpers/paths';
import { fakeNvidiaSmi, NVIDIA_SMI } from '../diagnostics/fakeMachine';

const REAL = onnxRuntimePackageDir();
const skip =
  process.platform !== 'linux' || process.arch !== 'x64' || !REAL ? 'needs onnxruntime-node on Linux x64' : false;

let feed: FakeFeed;
let copy: string;
let binDir: string;
let worker: SessionWorker;

/** node_modules/onnxruntime-node copied (its JS and this platform's native folder); onnxruntime-common linked. */
function copyRuntime(): string {
  const modules = path.join(tempDir('ortcopy'), 'node_modules');
  const dest = path.join(modules, 'onnxruntime-node');
  fs.mkdirSync(dest, { recursive: true });
  fs.copyFileSync(path.join(REAL!, 'package.json'), path.join(dest, 'package.json'));
  fs.cpSync(path.join(REAL!, 'dist'), path.join(dest, 'dist'), { recursive: true });
  fs.cpSync(path.join(REAL!, 'bin', 'napi-v6', 'linux', 'x64'), path.join(dest, 'bin', 'napi-v6', 'linux', 'x64'), {
    recursive: true,
  });
  fs.symlinkSync(path.join(path.dirname(REAL!), 'onnxruntime-common'), path.join(modules, 'onnxruntime-common'));
  return dest;
}

before(async () => {
  if (skip) return;
  copy = copyRuntime();
  binDir = path.join(copy, 'bin', 'napi-v6', 'linux', 'x64');
  const version = (JSON.parse(fs.readFileSync(path.join(REAL!, 'package.json'), 'utf8')) as { version: string })
    .version;
  const libs = standInLibraries(PROVIDER_FILES, 50_000);
  feed = await startFakeNugetFeed({
    id: GPU_PACKAGE_ID,
    version,
    nupkg: buildZip(Object.fromEntries(Object.entries(libs).map(([n, b]) => [PATH_IN_PACKAGE + n, b]))),
  });
  // Setup as the daemon runs it, with the copy as "the runtime this daemon loads".
  const setup = new GpuSetupService(
    {
      env: { PATH: fakeNvidiaSmi(NVIDIA_SMI.workingCard) },
      packageDir: copy,
      cacheDir: tempDir('gpucache'),
      feedUrl: feed.indexUrl,
    },
    () => undefined,
  );
  await setup.setup({}, { run: (_t, work) => work(new AbortController().signal), progress: () => undefined });
  worker = new SessionWorker({ ortPath: require.resolve(path.join(copy, 'dist', 'index.js')) });
});

after(async () => {
  worker?.close();
  await feed?.close();
});

test('the GPU check sees the placed CUDA provider and says why it does not run here', { skip }, async (t) => {
  const report: GpuReport = await diagnoseGpu({
    settings: sanitizeSettings({ provider: 'cuda' }),
    platform: 'linux',
    env: { PATH: tempDir('nosmi'), LD_LIBRARY_PATH: '' },
    resolveFfmpeg: () => Promise.reject(new SenseVoiceError(ErrorCode.FfmpegNotFound, 'not needed here')),
    onnxRuntime: () => collectOnnxRuntimeFacts({ packageDir: copy }),
    runJob: (job, signal) => worker.run(job, signal),
    benchmark: { clipSec: 1, warmRuns: 1 },
  });
  assert.equal(report.onnxruntime.binDir, binDir);
  for (const f of PROVIDER_FILES) assert.ok(report.onnxruntime.providerLibraries.includes(f), `${f} is reported`);
  const cuda = report.providers.find((p) => p.provider === 'cuda');
  assert.ok(cuda, `providers tried: ${report.providers.map((p) => p.provider).join(', ')}`);
  assert.equal(cuda.ok, false);
  // ONNX Runtime's own words: it tried the placed library and could not load it.
  const said = `${cuda.error ?? ''}\n${(cuda.log ?? []).join('\n')}`;
  assert.match(said, /libonnxruntime_providers_(shared|cuda)\.so/);
  assert.match(said, /invalid ELF header|file too short|not a dynamic|ELF/i);
  assert.equal(report.nvidia.status, 'not-found');
  assert.notEqual(report.selectedProvider, 'cuda');
  t.diagnostic(`cuda: ${cuda.cause}: ${cuda.reason}`);
  assert.equal(cuda.cause, 'provider-damaged');
  assert.match(cuda.reason ?? '', /providers_(shared|cuda)\.so is there but is not a library this machine can load/);
  assert.match(cuda.fix ?? '', /Set Up GPU/);
});
