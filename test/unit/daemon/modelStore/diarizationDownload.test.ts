// model/downloadDiarization against a fake of the speaker models' homes on a loopback server (GitHub's
// release API and downloads, a mirror, Hugging Face): the plan with licences and sizes before any
// model byte moves, placement at the paths the daemon reads, the digest check (a tampered asset is
// rejected and nothing is kept), an asset without a digest ("not verified" said), the fallback pin,
// resume after a cut, the Hugging Face and mirror sources, and the user's own files left alone.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ErrorCode,
  SenseVoiceError,
  type DiarizationDownloadResult,
  type ProgressParams,
} from '../../../../common/protocol';
import { STORED_EMBEDDING, STORED_SEGMENTATION } from '../../../../daemon/diarization/diarizationModelStore';
import { DIARIZATION_CATALOG } from '../../../../daemon/modelStore/diarizationCatalog';
import { DIARIZATION_MANIFEST } from '../../../../daemon/modelStore/diarizationStoreIndex';
import { ModelStoreService } from '../../../../daemon/modelStore/modelStoreService';
import { serveSpeakerModels, type HostOptions, type SpeakerModelHosts } from '../../../helpers/fakeSpeakerModelHosts';
import { tempDir } from '../../../helpers/paths';
import { fakeDns, LocalServer, sha256 } from './localServer';

let server: LocalServer;
before(async () => {
  server = await LocalServer.start();
});
after(async () => {
  await server.close();
});

const SEG_ASSET = DIARIZATION_CATALOG.segmentation.github.asset;
const EMB_ASSET = DIARIZATION_CATALOG.embeddings['3dspeaker'].github.asset;

interface H {
  hosts: SpeakerModelHosts;
  store: string;
  progress: ProgressParams[];
  download: (params: Record<string, unknown>, signal?: AbortSignal) => Promise<DiarizationDownloadResult>;
  service: ModelStoreService;
}

function harness(o: HostOptions = {}, store = tempDir('diar-store')): H {
  server.reset();
  const hosts = serveSpeakerModels(server, o);
  const progress: ProgressParams[] = [];
  const service = new ModelStoreService(
    {
      storeDir: store,
      env: {},
      http: { idleTimeoutMs: 2000, lookup: fakeDns([]) },
      retry: { attemptsWithoutProgress: 2, delayMs: () => 5 },
      progressIntervalMs: 0,
      diarization: { endpoints: () => hosts.endpoints },
    },
    () => undefined,
  );
  const download: H['download'] = (params, signal) =>
    service.downloadDiarization(
      { ...params, token: 'd1' },
      { run: (_t, work) => work(signal ?? new AbortController().signal), progress: (p) => progress.push(p) },
    );
  return { hosts, store, progress, download, service };
}

async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SenseVoiceError, String(e));
    return e.code;
  }
  assert.fail('expected an error');
}

const stored = (h: H) => ({
  segmentation: path.join(h.store, STORED_SEGMENTATION),
  embedding: path.join(h.store, STORED_EMBEDDING),
});
const modelRequests = () => server.seen.filter((r) => r.path.startsWith('/gh/') || r.path.startsWith('/mirror/'));

describe('model/downloadDiarization from github', () => {
  let h: H;
  beforeEach(() => {
    h = harness();
  });

  test('planOnly names licences, sizes and checks, and fetches only the release listings', async () => {
    const r = await h.download({ planOnly: true });
    assert.equal(r.planOnly, true);
    assert.deepEqual(
      r.files.map((f) => [f.role, f.licence, f.size, f.checksum]),
      [
        ['segmentation', 'MIT', h.hosts.archive.length, 'verified'],
        ['embedding', 'Apache-2.0', h.hosts.assets.get(EMB_ASSET)!.length, 'verified'],
      ],
    );
    assert.equal(modelRequests().length, 0);
    assert.ok(!fs.existsSync(path.join(h.store, 'diarization')));
  });

  test('downloads, takes model.onnx out of the archive, places both, records them, lists them', async () => {
    const r = await h.download({});
    const files = stored(h);
    assert.deepEqual(fs.readFileSync(files.segmentation), fs.readFileSync(h.hosts.models.segmentation));
    assert.deepEqual(fs.readFileSync(files.embedding), fs.readFileSync(h.hosts.models.embedding));
    assert.equal(r.alreadyPresent, false);
    assert.deepEqual(
      r.files.map((f) => [f.role, f.checksum, f.path, f.sha256]),
      [
        ['segmentation', 'verified', files.segmentation, sha256(fs.readFileSync(files.segmentation))],
        ['embedding', 'verified', files.embedding, sha256(fs.readFileSync(files.embedding))],
      ],
    );
    assert.deepEqual(r.notes, []);
    const total = h.hosts.archive.length + h.hosts.assets.get(EMB_ASSET)!.length;
    const bytes = h.progress.filter((p) => p.bytes !== undefined);
    assert.ok(bytes.every((p) => p.total === total && p.token === 'd1'));
    assert.equal(Math.max(...bytes.map((p) => p.bytes!)), total);
    assert.ok(h.progress.some((p) => /Unpacking/.test(p.message ?? '')));
    // Nothing left behind in staging; the note says where each came from and under which licence.
    assert.deepEqual(
      fs.readdirSync(path.join(h.store, '.partial')).filter((n) => !n.endsWith('.lock')),
      [],
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(h.store, 'diarization', DIARIZATION_MANIFEST), 'utf8'));
    assert.equal(manifest.files.segmentation.source, 'github');
    assert.equal(manifest.files.segmentation.licence, 'MIT');
    assert.equal(manifest.files.embedding.checksum, 'verified');

    const list = await h.service.list({ provider: 'cpu' });
    assert.deepEqual(
      list.diarization?.map((m) => [m.role, m.source, m.checksum, m.licence]),
      [
        ['segmentation', 'github', 'verified', 'MIT'],
        ['embedding', 'github', 'verified', 'Apache-2.0'],
      ],
    );
    assert.deepEqual(list.models, [], 'the diarization folder is not listed as an ASR model');

    // Again: nothing is fetched.
    const before = modelRequests().length;
    const again = await h.download({});
    assert.equal(again.alreadyPresent, true);
    assert.equal(modelRequests().length, before);
    // Nor when the release API is down that day: the checked files stay.
    server.behaviour.set('/api/repos/k2-fsa/sherpa-onnx/releases/tags/speaker-segmentation-models', { status: 503 });
    assert.equal((await h.download({})).alreadyPresent, true);
    assert.equal(modelRequests().length, before);
  });

  test('a tampered asset is rejected and nothing is kept', async () => {
    h = harness({ tampered: [EMB_ASSET] });
    assert.equal(await codeOf(h.download({})), ErrorCode.ChecksumMismatch);
    const files = stored(h);
    assert.ok(!fs.existsSync(files.segmentation) && !fs.existsSync(files.embedding));
    assert.ok(!fs.existsSync(path.join(h.store, '.partial', 'diarization')));
  });

  test('a tampered archive is rejected before it is unpacked', async () => {
    h = harness({ tampered: [SEG_ASSET] });
    assert.equal(await codeOf(h.download({})), ErrorCode.ChecksumMismatch);
    assert.ok(!fs.existsSync(stored(h).segmentation));
    assert.ok(!h.progress.some((p) => /Unpacking/.test(p.message ?? '')));
  });

  test('an asset without a published digest: size checked, "SHA-256 not verified" said', async () => {
    h = harness({ noDigest: [EMB_ASSET, SEG_ASSET] });
    const r = await h.download({});
    assert.deepEqual(
      r.files.map((f) => f.checksum),
      ['size-only', 'size-only'],
    );
    assert.match(r.files[1]!.checksumNote, /size checked, SHA-256 not verified \(none published/);
    assert.equal(r.notes.length, 2);
    assert.ok(r.notes.every((n) => /SHA-256 not verified/.test(n)));
    const list = await h.service.list({ provider: 'cpu' });
    assert.deepEqual(
      list.diarization?.map((m) => m.checksum),
      ['size-only', 'size-only'],
    );
  });

  test('without the release listing, the archive must match the carried fallback pin (it does not: refused)', async () => {
    server.behaviour.set('/api/repos/k2-fsa/sherpa-onnx/releases/tags/speaker-segmentation-models', { status: 503 });
    const plan = await h.download({ planOnly: true });
    assert.equal(plan.files[0]!.checksum, 'pinned');
    assert.match(plan.files[0]!.checksumNote, /onemira/);
    assert.equal(await codeOf(h.download({})), ErrorCode.ChecksumMismatch);
    assert.ok(!fs.existsSync(stored(h).segmentation));
  });

  test('without any listing for an asset with no pin: downloaded, stated NOT verified', async () => {
    server.behaviour.set('/api/repos/k2-fsa/sherpa-onnx/releases/tags/speaker-recongition-models', { status: 404 });
    const r = await h.download({});
    assert.equal(r.files[1]!.checksum, 'unverified');
    assert.ok(r.notes.some((n) => /NOT verified/.test(n)));
  });

  test('a cut download resumes from its bytes on the next run', async () => {
    server.behaviour.set(h.hosts.paths.embedding, { stallAfter: 4096, times: 1 });
    const ac = new AbortController();
    const first = h.service.downloadDiarization(
      { token: 'd2' },
      {
        run: (_t, work) => work(ac.signal),
        progress: (p) => {
          if ((p.message ?? '').includes(EMB_ASSET) && (p.bytes ?? 0) >= h.hosts.archive.length + 4096) ac.abort();
        },
      },
    );
    assert.equal(await codeOf(first), ErrorCode.Cancelled);
    assert.ok(!fs.existsSync(stored(h).embedding));
    const r = await h.download({});
    assert.ok(r.resumedBytes >= 4096, `resumed ${r.resumedBytes}`);
    assert.ok(server.requestsFor(h.hosts.paths.embedding).some((q) => q.range === `bytes=${r.resumedBytes}-`));
    assert.deepEqual(fs.readFileSync(stored(h).embedding), fs.readFileSync(h.hosts.models.embedding));
  });

  test('model files the user put there are not replaced without overwrite', async () => {
    fs.mkdirSync(path.join(h.store, 'diarization'), { recursive: true });
    fs.writeFileSync(stored(h).embedding, 'mine');
    assert.equal(await codeOf(h.download({})), ErrorCode.ModelExists);
    assert.equal(fs.readFileSync(stored(h).embedding, 'utf8'), 'mine');
    assert.equal(modelRequests().length, 0);
    const list = await h.service.list({ provider: 'cpu' });
    assert.deepEqual(
      list.diarization?.map((m) => [m.role, m.source]),
      [['embedding', 'local']],
    );
    await h.download({ overwrite: true });
    assert.deepEqual(fs.readFileSync(stored(h).embedding), fs.readFileSync(h.hosts.models.embedding));
  });

  test('another embedding replaces the one SenseVoice downloaded', async () => {
    await h.download({});
    const r = await h.download({ embedding: 'wespeaker' });
    assert.equal(r.files[0]!.reused, true);
    assert.equal(r.files[1]!.licence, 'CC-BY-4.0');
    assert.deepEqual(fs.readFileSync(stored(h).embedding), fs.readFileSync(h.hosts.models.wespeaker));
  });
});

describe('model/downloadDiarization from other sources', () => {
  test('huggingface: model.onnx and the embedding file, checked against the LFS sha256', async () => {
    const h = harness();
    const r = await h.download({ source: 'huggingface' });
    assert.equal(r.source, 'huggingface');
    assert.deepEqual(
      r.files.map((f) => [f.asset, f.checksum]),
      [
        ['model.onnx', 'verified'],
        [EMB_ASSET, 'verified'],
      ],
    );
    assert.match(r.files[0]!.checksumNote, /Hugging Face's LFS sha256/);
    assert.deepEqual(fs.readFileSync(stored(h).segmentation), fs.readFileSync(h.hosts.models.segmentation));
    assert.equal(modelRequests().length, 0);
    assert.ok(
      server.seen.some((q) => q.path.startsWith('/hf/csukuangfj/sherpa-onnx-pyannote-segmentation-3-0/resolve/')),
    );
  });

  test('a mirror serves the assets; the GitHub listing still checks them', async () => {
    const h = harness({ tampered: [] });
    const r = await h.download({ mirror: `${server.origin}/mirror/` });
    assert.equal(r.source, `${server.origin}/mirror`);
    assert.deepEqual(
      r.files.map((f) => f.checksum),
      ['verified', 'verified'],
    );
    assert.ok(server.seen.some((q) => q.path === `/mirror/speaker-segmentation-models/${SEG_ASSET}`));
    assert.ok(!server.seen.some((q) => q.path.startsWith('/gh/')));
  });

  test('bad parameters are InvalidParams', async () => {
    const h = harness();
    assert.equal(await codeOf(h.download({ source: 'modelscope' })), ErrorCode.InvalidParams);
    assert.equal(await codeOf(h.download({ embedding: 'ecapa' })), ErrorCode.InvalidParams);
    assert.equal(await codeOf(h.download({ mirror: 'ftp://x/' })), ErrorCode.InvalidParams);
    assert.equal(await codeOf(h.download({ source: 'github', mirror: 'http://x/' })), ErrorCode.InvalidParams);
  });
});
