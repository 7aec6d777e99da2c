// GPU setup against a fake NuGet v3 feed on 127.0.0.1: the plan (size, licence, driver), the
// download with its SHA-512 check, resume after a dropped connection, placement into a copy of the
// bin folder (never the real node_modules), re-placement after an "update" from the cache without a
// second download, removal, and the stops before any download (no driver, an old driver, no hash).
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type ProgressParams } from '../../../../common/protocol';
import { onnxRuntimePackageDir } from '../../../../daemon/diagnostics/onnxRuntimeFacts';
import { GpuSetupService, type GpuSetupOptions } from '../../../../daemon/gpuSetup/gpuSetupService';
import { GPU_PACKAGE_ID, PATH_IN_PACKAGE, PROVIDER_FILES } from '../../../../daemon/gpuSetup/gpuPackage';
import { PLACEMENT_NOTE } from '../../../../daemon/gpuSetup/placement';
import { buildZip, standInLibraries, startFakeNugetFeed, type FakeFeed } from '../../../helpers/fakeNugetFeed';
import { tempDir } from '../../../helpers/paths';
import { fakeNvidiaSmi, NVIDIA_SMI } from '../diagnostics/fakeMachine';

const PKG_DIR = onnxRuntimePackageDir();
const VERSION = (JSON.parse(fs.readFileSync(path.join(PKG_DIR!, 'package.json'), 'utf8')) as { version: string })
  .version;
const LIBS = standInLibraries(PROVIDER_FILES);
const NUPKG = buildZip({
  '[Content_Types].xml': Buffer.from('<Types/>'),
  [`${GPU_PACKAGE_ID}.nuspec`]: Buffer.from('<package/>'),
  ...Object.fromEntries(Object.entries(LIBS).map(([n, b]) => [PATH_IN_PACKAGE + n, b])),
  'runtimes/linux-x64/native/libonnxruntime.so': Buffer.from('not taken'),
});

let feed: FakeFeed;
let binDir: string;
let cacheDir: string;
let okDriver: string;

function service(over: Partial<GpuSetupOptions> = {}, pathEnv = okDriver): GpuSetupService {
  return new GpuSetupService(
    {
      env: { PATH: pathEnv },
      platform: 'linux',
      arch: 'x64',
      packageDir: PKG_DIR,
      binDir,
      cacheDir,
      feedUrl: feed.indexUrl,
      retry: { attemptsWithoutProgress: 3, delayMs: () => 0 },
      progressIntervalMs: 0,
      ...over,
    },
    () => undefined,
  );
}

function runner(signal = new AbortController().signal) {
  const progress: ProgressParams[] = [];
  return {
    progress,
    run: <T>(_t: string | undefined, work: (s: AbortSignal) => Promise<T>) => work(signal),
    progressFn: (p: ProgressParams) => progress.push(p),
  };
}

async function setup(s: GpuSetupService, params: Record<string, unknown> = {}) {
  const r = runner();
  const result = await s.setup({ token: 't', ...params }, { run: r.run, progress: r.progressFn });
  return { result, progress: r.progress };
}

function nupkgRequests(): number {
  return feed.server.requestsFor(feed.nupkgPath).length;
}

async function rejectsWith(p: Promise<unknown>, code: number, message?: RegExp): Promise<SenseVoiceError> {
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  assert.ok(caught instanceof SenseVoiceError, `expected a SenseVoiceError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

/** A fresh stand-in for onnxruntime-node's bin folder, holding what the runtime ships there. */
function freshBinDir(): string {
  const dir = tempDir('ortbin');
  fs.writeFileSync(path.join(dir, 'libonnxruntime.so.1'), 'runtime');
  return dir;
}

describe('GPU setup against a fake NuGet feed', () => {
  before(async () => {
    feed = await startFakeNugetFeed({ id: GPU_PACKAGE_ID, version: VERSION, nupkg: NUPKG });
    okDriver = fakeNvidiaSmi(NVIDIA_SMI.workingCard);
  });
  after(() => feed.close());
  beforeEach(() => {
    binDir = freshBinDir();
    cacheDir = path.join(tempDir('gpucache'), 'gpu');
    feed.server.seen.length = 0;
  });
  afterEach(() => feed.server.behaviour.clear());

  test('the plan: the size from the feed, the licence, what NVIDIA parts to have, the driver', async () => {
    const plan = await service().plan({});
    assert.equal(plan.supported, true);
    assert.equal(plan.packageId, 'Microsoft.ML.OnnxRuntime.Gpu.Linux');
    assert.equal(plan.version, VERSION);
    assert.equal(plan.sizeBytes, NUPKG.length);
    assert.match(plan.packageUrl ?? '', /microsoft\.ml\.onnxruntime\.gpu\.linux\.[\d.]+\.nupkg$/);
    assert.match(plan.licence, /MIT/);
    assert.match(plan.prerequisites.join('\n'), /cuDNN 9/);
    assert.match(plan.prerequisites.join('\n'), /pip install nvidia-cudnn-cu12/);
    assert.equal(plan.driver.driverOk, true);
    assert.equal(plan.blocker, undefined);
    assert.deepEqual([plan.cached, plan.placed], [false, false]);
    assert.equal(nupkgRequests(), 0, 'the plan downloads nothing large');
  });

  test('setup downloads, checks the SHA-512, unpacks and places the three libraries', async () => {
    const { result, progress } = await setup(service());
    assert.equal(result.fromCache, false);
    assert.equal(result.downloadedBytes, NUPKG.length);
    assert.deepEqual(result.placed.sort(), [...PROVIDER_FILES].sort());
    for (const name of PROVIDER_FILES) assert.deepEqual(fs.readFileSync(path.join(binDir, name)), LIBS[name]);
    assert.ok(fs.existsSync(path.join(binDir, PLACEMENT_NOTE)));
    assert.equal(
      fs.readFileSync(path.join(binDir, 'libonnxruntime.so.1'), 'utf8'),
      'runtime',
      'the runtime is untouched',
    );
    const cached = fs.readdirSync(result.cacheDir).sort();
    assert.deepEqual(cached, [...PROVIDER_FILES, 'manifest.json'].sort(), 'the package itself is not kept');
    assert.equal(nupkgRequests(), 1);
    const last = progress.filter((p) => p.bytes !== undefined).at(-1);
    assert.equal(last?.bytes, NUPKG.length);
    assert.equal(last?.total, NUPKG.length);
    assert.equal(last?.fraction, 1);
  });

  test('a connection cut midway resumes with a Range request, and the result still verifies', async () => {
    // A feed of its own: the server counts requests per path, and "cut once" means the first.
    const cutting = await startFakeNugetFeed({ id: GPU_PACKAGE_ID, version: VERSION, nupkg: NUPKG });
    const half = Math.floor(NUPKG.length / 2);
    cutting.server.behaviour.set(cutting.nupkgPath, { dropAfter: half, times: 1 });
    try {
      const { result } = await setup(service({ feedUrl: cutting.indexUrl }));
      const asked = cutting.server.requestsFor(cutting.nupkgPath);
      assert.equal(asked.length, 2);
      assert.equal(asked[0]?.range, undefined);
      // The bytes that arrived before the cut (a reset can swallow the last of what was sent).
      const from = Number(/^bytes=(\d+)-$/.exec(asked[1]?.range ?? '')?.[1]);
      assert.ok(from > 0 && from <= half, `resumed from ${asked[1]?.range}`);
      assert.equal(result.downloadedBytes, NUPKG.length, 'the bytes before the cut plus the rest, each once');
      assert.deepEqual(result.placed.sort(), [...PROVIDER_FILES].sort());
      assert.deepEqual(fs.readFileSync(path.join(binDir, PROVIDER_FILES[0])), LIBS[PROVIDER_FILES[0]]);
    } finally {
      await cutting.close();
    }
  });

  test('a package that does not match the published hash is deleted, and nothing is placed', async () => {
    const bad = await startFakeNugetFeed({
      id: GPU_PACKAGE_ID,
      version: VERSION,
      nupkg: NUPKG,
      packageHash: Buffer.alloc(64, 1).toString('base64'),
    });
    try {
      await rejectsWith(setup(service({ feedUrl: bad.indexUrl })), ErrorCode.ChecksumMismatch, /was deleted/);
      const left = fs.readdirSync(path.join(cacheDir, `onnxruntime-gpu-${VERSION}`));
      assert.deepEqual(
        left.filter((f) => f.includes('nupkg')),
        [],
        `left behind: ${left.join(', ')}`,
      );
      assert.deepEqual(fs.readdirSync(binDir), ['libonnxruntime.so.1']);
    } finally {
      await bad.close();
    }
  });

  test('a feed that publishes no hash is refused before the package is downloaded', async () => {
    const noHash = await startFakeNugetFeed({ id: GPU_PACKAGE_ID, version: VERSION, nupkg: NUPKG, publishHash: false });
    try {
      await rejectsWith(setup(service({ feedUrl: noHash.indexUrl })), ErrorCode.GpuPackageInvalid, /packageHash/);
      assert.equal(noHash.server.requestsFor(noHash.nupkgPath).length, 0);
    } finally {
      await noHash.close();
    }
  });

  test('after an update (a fresh bin folder) the libraries are placed again from the cache, not downloaded', async () => {
    await setup(service());
    assert.equal(nupkgRequests(), 1);
    binDir = freshBinDir(); // the update's onnxruntime-node, without the provider libraries
    assert.equal(await service().restoreFromCache(), 'restored');
    for (const name of PROVIDER_FILES) assert.deepEqual(fs.readFileSync(path.join(binDir, name)), LIBS[name]);
    assert.equal(await service().restoreFromCache(), 'placed', 'a second start finds them in place');
    binDir = freshBinDir();
    const { result } = await setup(service());
    assert.equal(result.fromCache, true);
    assert.equal(nupkgRequests(), 1, 'no second download');
    const plan = await service().plan({});
    assert.deepEqual([plan.cached, plan.placed], [true, true]);
  });

  test('remove takes out what setup placed and the cache; a library setup did not place is kept', async () => {
    const { result } = await setup(service());
    fs.writeFileSync(path.join(binDir, PROVIDER_FILES[2]), 'replaced by the user');
    const removed = await service().remove();
    assert.deepEqual(removed.removed.sort(), [PROVIDER_FILES[0], PROVIDER_FILES[1]].sort());
    assert.deepEqual(removed.kept, [PROVIDER_FILES[2]]);
    assert.equal(removed.cacheRemoved, true);
    assert.equal(fs.existsSync(result.cacheDir), false);
    assert.deepEqual(fs.readdirSync(binDir).sort(), [PROVIDER_FILES[2], 'libonnxruntime.so.1'].sort());
    assert.equal(await service().restoreFromCache(), 'nothing');
  });

  test('remove while a setup is downloading is refused as Busy, and the setup finishes', async () => {
    feed.server.behaviour.set(feed.nupkgPath, { chunkBytes: 64 * 1024, chunkDelayMs: 10 });
    let downloading!: () => void;
    const started = new Promise<void>((resolve) => (downloading = resolve));
    const running = service().setup(
      { token: 't' },
      { run: (_t, work) => work(new AbortController().signal), progress: (p) => (p.bytes ? downloading() : undefined) },
    );
    await started;
    await rejectsWith(service().remove(), ErrorCode.Busy, /Another download/);
    const r = await running;
    assert.deepEqual(r.placed.sort(), [...PROVIDER_FILES].sort());
  });

  test('provider libraries setup did not place are left alone unless overwrite is given', async () => {
    fs.writeFileSync(path.join(binDir, PROVIDER_FILES[0]), 'from npm rebuild');
    const err = await rejectsWith(setup(service()), ErrorCode.GpuLibrariesExist, /--force/);
    assert.deepEqual((err.data as { files: string[] }).files, [PROVIDER_FILES[0]]);
    assert.equal(fs.readFileSync(path.join(binDir, PROVIDER_FILES[0]), 'utf8'), 'from npm rebuild');
    const { result } = await setup(service(), { overwrite: true });
    assert.equal(result.fromCache, true, 'the first attempt cached the libraries');
    assert.deepEqual(fs.readFileSync(path.join(binDir, PROVIDER_FILES[0])), LIBS[PROVIDER_FILES[0]]);
  });

  test('no nvidia-smi: setup stops with the reason before contacting the feed', async () => {
    const empty = tempDir('nopath');
    const s = service({}, empty);
    const plan = await s.plan({});
    assert.equal(plan.blocker?.code, ErrorCode.NvidiaDriverMissing);
    await rejectsWith(setup(s), ErrorCode.NvidiaDriverMissing, /nvidia-smi was not found.*ubuntu-drivers/s);
    assert.equal(feed.server.seen.length, 0);
  });

  test('a driver too old for CUDA 12: setup stops with the version it needs and how to update', async () => {
    const s = service({}, fakeNvidiaSmi(NVIDIA_SMI.oldDriver));
    assert.equal((await s.plan({})).blocker?.code, ErrorCode.NvidiaDriverTooOld);
    await rejectsWith(setup(s), ErrorCode.NvidiaDriverTooOld, /470\.82\.01.*525\.60\.13.*nvidia-driver/s);
    assert.equal(feed.server.seen.length, 0);
  });

  test('cancelled mid-download: the part file stays, and the next setup resumes from it', async () => {
    feed.server.behaviour.set(feed.nupkgPath, { chunkBytes: 64 * 1024, chunkDelayMs: 20 });
    const ac = new AbortController();
    const first = service().setup(
      { token: 't' },
      {
        run: (_t, work) => work(ac.signal),
        progress: (p) => {
          if ((p.bytes ?? 0) > 0) ac.abort();
        },
      },
    );
    await rejectsWith(first, ErrorCode.Cancelled);
    feed.server.behaviour.clear();
    const { result } = await setup(service());
    assert.ok(result.resumedBytes > 0, `resumed ${result.resumedBytes}`);
    assert.equal(result.resumedBytes + result.downloadedBytes, NUPKG.length);
    assert.deepEqual(result.placed.sort(), [...PROVIDER_FILES].sort());
  });

  test('other platforms: what works out of the box, and setup refuses with a code', async () => {
    const win = service({ platform: 'win32' });
    const plan = await win.plan({});
    assert.equal(plan.supported, false);
    assert.match(plan.platformNote ?? '', /DirectML.*DirectX 12/);
    await rejectsWith(setup(win), ErrorCode.GpuSetupUnsupported, /DirectML/);
    assert.match((await service({ platform: 'darwin', arch: 'arm64' }).plan({})).platformNote ?? '', /CoreML/);
    assert.equal(feed.server.seen.length, 0);
  });

  test('no onnxruntime-node beside SenseVoice: a clear error, not a lookup of version "unknown"', async () => {
    const none = service({ packageDir: null, binDir: null });
    await rejectsWith(none.plan({}), ErrorCode.ProviderUnavailable, /onnxruntime-node is not installed/);
    await rejectsWith(setup(none), ErrorCode.ProviderUnavailable, /onnxruntime-node is not installed/);
    assert.equal(feed.server.seen.length, 0);
  });

  test('a feed URL that is not http(s) is a parameter error', async () => {
    await rejectsWith(service().plan({ feedUrl: 'ftp://mirror/index.json' }), ErrorCode.InvalidParams, /NuGet v3/);
  });
});
