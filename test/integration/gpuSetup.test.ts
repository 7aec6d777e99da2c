// GPU setup over the protocol: a daemon in this process, its GPU setup pointed at a fake NuGet feed
// on 127.0.0.1, a temporary bin folder and cache (never the real node_modules). gpu/setupPlan, then
// gpu/setup with $/progress, $/cancel pausing it and a second request resuming, then gpu/remove.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Daemon } from '../../daemon/server';
import { Endpoint } from '../../common/rpc/endpoint';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  SenseVoiceError,
  type GpuRemoveResult,
  type GpuSetupPlan,
  type GpuSetupResult,
  type ProgressParams,
} from '../../common/protocol';
import { onnxRuntimePackageDir } from '../../daemon/diagnostics/onnxRuntimeFacts';
import { GPU_PACKAGE_ID, PATH_IN_PACKAGE, PROVIDER_FILES } from '../../daemon/gpuSetup/gpuPackage';
import { buildZip, standInLibraries, startFakeNugetFeed, type FakeFeed } from '../helpers/fakeNugetFeed';
import { tempDir } from '../helpers/paths';
import { waitFor } from '../helpers/waitFor';
import { fakeNvidiaSmi, NVIDIA_SMI } from '../unit/daemon/diagnostics/fakeMachine';

const PKG = onnxRuntimePackageDir();
const VERSION = (JSON.parse(fs.readFileSync(path.join(PKG!, 'package.json'), 'utf8')) as { version: string }).version;
const LIBS = standInLibraries(PROVIDER_FILES, 400_000);
const NUPKG = buildZip(Object.fromEntries(Object.entries(LIBS).map(([n, b]) => [PATH_IN_PACKAGE + n, b])));

let feed: FakeFeed;
before(async () => {
  feed = await startFakeNugetFeed({ id: GPU_PACKAGE_ID, version: VERSION, nupkg: NUPKG });
});
after(() => feed.close());

test('gpu/setupPlan, gpu/setup with progress and $/cancel then resume, gpu/remove', async () => {
  const binDir = tempDir('ortbin');
  const cacheDir = tempDir('gpucache');
  const toDaemon = new PassThrough();
  const toClient = new PassThrough();
  const daemon = new Daemon({
    input: toDaemon,
    output: toClient,
    log: () => undefined,
    gpuSetup: {
      env: { PATH: fakeNvidiaSmi(NVIDIA_SMI.workingCard) },
      platform: 'linux',
      arch: 'x64',
      packageDir: PKG,
      binDir,
      cacheDir,
      feedUrl: 'http://127.0.0.1:9/unused/index.json',
      retry: { attemptsWithoutProgress: 2, delayMs: () => 0 },
      progressIntervalMs: 0,
    },
  });
  const endpoint = new Endpoint({ input: toClient, output: toDaemon, log: () => undefined });
  const progress: ProgressParams[] = [];
  endpoint.onNotification('$/progress', (p) => progress.push(p as ProgressParams));
  const request = <T>(method: string, params?: unknown) => endpoint.request(method, params) as Promise<T>;
  try {
    await request('initialize', { protocolVersion: PROTOCOL_VERSION, clientName: 'test', settings: {} });
    // The request's feed wins over the daemon's default (the setting, --feed).
    const plan = await request<GpuSetupPlan>('gpu/setupPlan', { feedUrl: feed.indexUrl });
    assert.equal(plan.sizeBytes, NUPKG.length);
    assert.equal(plan.binDir, binDir);

    feed.server.behaviour.set(feed.nupkgPath, { chunkBytes: 32 * 1024, chunkDelayMs: 15 });
    const first = request<GpuSetupResult>('gpu/setup', { feedUrl: feed.indexUrl, token: 'g1' });
    await waitFor(() => progress.some((p) => p.token === 'g1' && (p.bytes ?? 0) > 0), 'download progress');
    endpoint.notify('$/cancel', { token: 'g1' });
    await assert.rejects(first, (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled);
    assert.deepEqual(
      PROVIDER_FILES.filter((f) => fs.existsSync(path.join(binDir, f))),
      [],
      'nothing placed by a cancelled setup',
    );

    feed.server.behaviour.clear();
    const r = await request<GpuSetupResult>('gpu/setup', { feedUrl: feed.indexUrl, token: 'g2' });
    assert.ok(r.resumedBytes > 0, 'the second request resumed the first one’s bytes');
    assert.equal(r.resumedBytes + r.downloadedBytes, NUPKG.length);
    const mine = progress.filter((p) => p.token === 'g2' && p.bytes !== undefined);
    assert.equal(mine.at(-1)?.bytes, NUPKG.length);
    assert.ok(progress.some((p) => p.token === 'g2' && /Placing/.test(p.message ?? '')));
    for (const f of PROVIDER_FILES) assert.deepEqual(fs.readFileSync(path.join(binDir, f)), LIBS[f]);

    const removed = await request<GpuRemoveResult>('gpu/remove');
    assert.deepEqual(removed.removed.sort(), [...PROVIDER_FILES].sort());
    assert.equal(removed.cacheRemoved, true);
    assert.deepEqual(fs.readdirSync(binDir), []);
  } finally {
    await request('shutdown').catch(() => undefined);
    await daemon.models.dispose();
    toDaemon.end();
  }
});
