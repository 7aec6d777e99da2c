// Whole-model downloads into a store, against a local server serving synthetic models: verified
// per-file and archive sources, resume, reuse, mismatches, failures that say what to do, user URLs.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FUNASR_ID, SHERPA_ID } from '../../../../daemon/modelStore/plans';
import { MANIFEST_NAME } from '../../../../daemon/modelStore/manifest';
import { inspectModelFolder } from '../../../../daemon/model/modelFolder';
import { ErrorCode, SenseVoiceError, type ProgressParams } from '../../../../common/protocol';
import { LocalServer, bytes } from './localServer';
import { harness, serveModels, type Served } from './storeFixture';

let server: LocalServer;
let served: Served;

before(async () => {
  server = await LocalServer.start();
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  served = serveModels(server);
});

function coded(code: number, pattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SenseVoiceError, String(e));
    assert.equal(e.code, code, `${e.codeName}: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

const partialDir = (store: string, id: string, variant = 'int8') => path.join(store, '.partial', `${id}-${variant}`);

describe('named sources', () => {
  test('huggingface int8: files verified against the pins, a usable folder with its manifest, progress in bytes', async () => {
    const h = harness(server, served);
    const progress: ProgressParams[] = [];
    const r = await h.download({ source: 'huggingface', variant: 'int8' }, { onProgress: (p) => progress.push(p) });
    assert.equal(r.path, path.join(h.store, SHERPA_ID));
    assert.equal(r.verified, true);
    assert.equal(r.layout, 'sherpa');
    assert.equal(r.alreadyPresent, false);
    assert.deepEqual(
      r.files.map((f) => [f.name, f.verified, f.reused]),
      [
        ['model.int8.onnx', true, false],
        ['tokens.txt', true, false],
      ],
    );
    assert.deepEqual(fs.readdirSync(r.path).sort(), [MANIFEST_NAME, 'model.int8.onnx', 'tokens.txt'].sort());
    assert.equal((await inspectModelFolder(r.path, { preferQuantized: true })).quantization, 'int8');
    const total = r.files.reduce((n, f) => n + f.size, 0);
    assert.equal(r.downloadedBytes, total);
    const withBytes = progress.filter((p) => p.bytes !== undefined && /^Downloading/.test(p.message ?? ''));
    assert.ok(withBytes.length >= 2);
    assert.ok(withBytes.every((p) => p.total === total && p.fraction! >= 0 && p.fraction! <= 1));
    assert.ok(withBytes.every((p, i) => i === 0 || p.bytes! >= withBytes[i - 1]!.bytes!));
    assert.equal(withBytes.at(-1)!.bytes, total);
    assert.match(withBytes[0]!.message!, /Downloading model\.int8\.onnx \(1 of 2\) from 127\.0\.0\.1/);
    assert.equal(fs.existsSync(partialDir(h.store, SHERPA_ID)), false, 'staging removed');
  });

  test('a second download finds it in the store and fetches nothing', async () => {
    const h = harness(server, served);
    await h.download({ source: 'huggingface' });
    const before = server.seen.length;
    const r = await h.download({ source: 'huggingface' });
    assert.equal(r.alreadyPresent, true);
    assert.equal(r.downloadedBytes, 0);
    assert.equal(server.seen.length, before);
  });

  test('fp32 after int8 goes into the same folder and reuses tokens.txt; list shows both, verified', async () => {
    const h = harness(server, served);
    await h.download({ source: 'huggingface', variant: 'int8' });
    const r = await h.download({ source: 'huggingface', variant: 'fp32' });
    assert.deepEqual(
      r.files.map((f) => [f.name, f.reused]),
      [
        ['model.onnx', false],
        ['tokens.txt', true],
      ],
    );
    assert.equal(server.requestsFor('/hf/tokens.txt').length, 1);
    const list = await h.service.list({ provider: 'cpu' });
    assert.deepEqual(
      list.models.map((m) => [m.id, m.variant, m.verified, m.source]),
      [
        [SHERPA_ID, 'int8', true, 'huggingface'],
        [SHERPA_ID, 'fp32', true, 'huggingface'],
      ],
    );
    assert.equal(list.fallback?.variant, 'int8');
    assert.equal((await h.service.list({ provider: 'cuda' })).fallback?.variant, 'fp32');
  });

  test('github: the archive is verified, unpacked with tar, and only the model files are kept', async () => {
    const h = harness(server, served);
    const r = await h.download({ source: 'github' });
    assert.equal(r.verified, true);
    assert.deepEqual(fs.readdirSync(r.path).sort(), [MANIFEST_NAME, 'model.int8.onnx', 'tokens.txt'].sort());
    assert.ok(
      fs.readFileSync(path.join(r.path, 'tokens.txt')).equals(fs.readFileSync(path.join(served.sherpa, 'tokens.txt'))),
    );
    assert.equal(fs.existsSync(partialDir(h.store, SHERPA_ID)), false, 'archive and unpacked files removed');
  });

  test('modelscope: the FunASR layout', async () => {
    const h = harness(server, served);
    const r = await h.download({ source: 'modelscope' });
    assert.equal(r.layout, 'funasr');
    assert.equal(r.path, path.join(h.store, FUNASR_ID));
    assert.equal((await inspectModelFolder(r.path, { preferQuantized: true })).layout, 'funasr');
  });

  test('a checksum mismatch deletes the download and explains, with other sources to try', async () => {
    const h = harness(server, served);
    const good = server.files.get('/hf/model.int8.onnx')!;
    server.behaviour.set('/hf/model.int8.onnx', { body: bytes(good.length, 3) });
    await assert.rejects(
      h.download({ source: 'huggingface' }),
      coded(ErrorCode.ChecksumMismatch, /sha256 [0-9a-f]{64}.*deleted.*--source github.*--url/s),
    );
    assert.equal(fs.existsSync(path.join(h.store, SHERPA_ID)), false);
    assert.equal(fs.existsSync(partialDir(h.store, SHERPA_ID)), false);
  });

  test('404: DownloadFailed names the URL and what to try (another source, --url, a proxy); nothing kept', async () => {
    const h = harness(server, served);
    server.behaviour.set('/hf/tokens.txt', { status: 404 });
    await assert.rejects(
      h.download({ source: 'huggingface' }),
      coded(
        ErrorCode.DownloadFailed,
        /\/hf\/tokens\.txt answered HTTP 404.*--source github.*--source modelscope.*--url.*HTTPS_PROXY/s,
      ),
    );
    assert.equal(fs.existsSync(partialDir(h.store, SHERPA_ID)), false);
    assert.equal(fs.existsSync(path.join(h.store, SHERPA_ID)), false);
  });

  test('a host that does not resolve: DownloadFailed with the host, the URL and the proxy hint', async () => {
    const h = harness(server, served, { sources: () => ({ ...testSourcesAt('http://nowhere.test:1') }) });
    await assert.rejects(
      h.download({ source: 'huggingface' }),
      coded(ErrorCode.DownloadFailed, /Could not resolve nowhere\.test.*HTTPS_PROXY/s),
    );
  });

  test('a drop the retries cannot get past keeps the .part; the next run resumes it with a Range request', async () => {
    const h = harness(server, served, { retry: { attemptsWithoutProgress: 1, delayMs: () => 1 } });
    server.behaviour.set('/hf/model.int8.onnx', { dropAfter: 300_000, times: 1 });
    await assert.rejects(
      h.download({ source: 'huggingface' }),
      coded(ErrorCode.DownloadFailed, /run the same download again to resume/),
    );
    const partial = (await h.service.list({ provider: 'cpu' })).partial;
    assert.equal(partial.length, 1);
    assert.equal(partial[0]!.file, 'model.int8.onnx');
    const kept = partial[0]!.bytes;
    assert.ok(kept > 0);
    const r = await h.download({ source: 'huggingface' });
    assert.equal(r.verified, true);
    assert.equal(r.resumedBytes, kept);
    assert.equal(server.requestsFor('/hf/model.int8.onnx').at(-1)!.range, `bytes=${kept}-`);
    assert.equal((await h.service.list({ provider: 'cpu' })).partial.length, 0);
  });

  test('cancel: Cancelled says the bytes are kept; the same download resumes', async () => {
    const h = harness(server, served);
    server.behaviour.set('/hf/model.int8.onnx', { chunkBytes: 32 * 1024, chunkDelayMs: 5 });
    const ac = new AbortController();
    await assert.rejects(
      h.download(
        { source: 'huggingface' },
        { signal: ac.signal, onProgress: (p) => (p.bytes ?? 0) > 200_000 && ac.abort() },
      ),
      coded(ErrorCode.Cancelled, /kept.*resume/),
    );
    const parts = fs.readdirSync(partialDir(h.store, SHERPA_ID));
    assert.ok(parts.includes('model.int8.onnx.part'), parts.join());
    assert.equal(fs.existsSync(path.join(h.store, SHERPA_ID)), false, 'nothing half-made in the store');
    server.behaviour.clear();
    const r = await h.download({ source: 'huggingface' });
    assert.ok(r.resumedBytes > 200_000);
    assert.equal(r.verified, true);
  });

  test('a folder the user made is not overwritten without asking', async () => {
    const h = harness(server, served);
    const mine = path.join(h.store, SHERPA_ID);
    fs.mkdirSync(mine, { recursive: true });
    fs.writeFileSync(path.join(mine, 'notes.txt'), 'mine');
    await assert.rejects(
      h.download({ source: 'huggingface' }),
      coded(ErrorCode.ModelExists, /not made by SenseVoice.*--force/s),
    );
    assert.equal(fs.readFileSync(path.join(mine, 'notes.txt'), 'utf8'), 'mine');
    const r = await h.download({ source: 'huggingface', overwrite: true });
    assert.equal(r.verified, true);
    assert.equal(fs.existsSync(path.join(mine, 'notes.txt')), false);
    assert.deepEqual(
      fs.readdirSync(h.store).filter((n) => !n.startsWith('.partial')),
      [SHERPA_ID],
      'the replaced folder is gone',
    );
  });

  test('two downloads of the same model at once: the second is Busy', async () => {
    const h = harness(server, served);
    server.behaviour.set('/hf/model.int8.onnx', { chunkBytes: 64 * 1024, chunkDelayMs: 5 });
    const first = h.download({ source: 'huggingface' });
    await assert.rejects(
      h.download({ source: 'huggingface', variant: 'fp32' }),
      coded(ErrorCode.Busy, /Another download/),
    );
    assert.equal((await first).verified, true);
  });

  test('not enough disk space: NotEnoughSpace with the numbers and SENSEVOICE_MODEL_STORE', async () => {
    const h = harness(server, served, { freeBytes: async () => 1000 });
    await assert.rejects(
      h.download({ source: 'huggingface' }),
      coded(ErrorCode.NotEnoughSpace, /only 0 MiB are free.*SENSEVOICE_MODEL_STORE/s),
    );
  });

  test('bad parameters are InvalidParams', async () => {
    const h = harness(server, served);
    await assert.rejects(
      h.download({ source: 'huggingface', url: 'http://x/' }),
      coded(ErrorCode.InvalidParams, /not both/),
    );
    await assert.rejects(
      h.download({ source: 'modelscope', variant: 'fp32' }),
      coded(ErrorCode.InvalidParams, /--source huggingface/),
    );
    await assert.rejects(
      h.download({ url: 'file:///etc/passwd' }),
      coded(ErrorCode.InvalidParams, /only http and https/),
    );
  });
});

describe('a URL the user gives', () => {
  test('a folder URL: the sherpa files, sha256 computed, NOT verified unless a file matches a published pin', async () => {
    const h = harness(server, served);
    const r = await h.download({ url: `${server.origin}/url/sherpa/` });
    assert.equal(r.source, 'url');
    assert.equal(r.verified, false);
    assert.match(r.id, /^url-[0-9a-f]{10}$/);
    const model = r.files.find((f) => f.name === 'model.int8.onnx')!;
    assert.equal(model.verified, false);
    assert.match(model.sha256, /^[0-9a-f]{64}$/);
    // tokens.txt is the real release file: it matches its published pin.
    assert.equal(r.files.find((f) => f.name === 'tokens.txt')!.verified, true);
    assert.match(r.notes.join(' '), /NOT VERIFIED: model\.int8\.onnx \(sha256 [0-9a-f]{64}\)/);
    const list = await h.service.list({ provider: 'cpu' });
    assert.equal(list.models[0]!.verified, false);
    assert.match(list.fallback!.reason, /UNVERIFIED/);
  });

  test('a folder URL that holds the FunASR layout: the sherpa files 404, the FunASR ones are used', async () => {
    const h = harness(server, served);
    const r = await h.download({ url: `${server.origin}/url/funasr` });
    assert.equal(r.layout, 'funasr');
    assert.deepEqual(r.files.map((f) => f.name).sort(), [
      'am.mvn',
      'chn_jpn_yue_eng_ko_spectok.bpe.model',
      'model_quant.onnx',
    ]);
  });

  test('a .onnx URL: stored under the layout name, with tokens.txt fetched from beside it', async () => {
    const h = harness(server, served);
    server.files.set('/url/renamed/sensevoice-small-int8.onnx', server.files.get('/url/sherpa/model.int8.onnx')!);
    server.files.set('/url/renamed/tokens.txt', server.files.get('/url/sherpa/tokens.txt')!);
    const r = await h.download({ url: `${server.origin}/url/renamed/sensevoice-small-int8.onnx` });
    assert.deepEqual(fs.readdirSync(r.path).sort(), [MANIFEST_NAME, 'model.int8.onnx', 'tokens.txt'].sort());
  });

  test('an archive URL is unpacked like the github source', async () => {
    const h = harness(server, served);
    const r = await h.download({ url: `${server.origin}/gh/sherpa-int8-test.tar.bz2` });
    assert.equal(r.layout, 'sherpa');
    assert.deepEqual(fs.readdirSync(r.path).sort(), [MANIFEST_NAME, 'model.int8.onnx', 'tokens.txt'].sort());
  });

  test('files that are not a model: ModelInvalid, and nothing is left behind', async () => {
    const h = harness(server, served);
    server.files.set('/junk/model.int8.onnx', bytes(5000, 5));
    server.files.set('/junk/tokens.txt', server.files.get('/url/sherpa/tokens.txt')!);
    await assert.rejects(
      h.download({ url: `${server.origin}/junk/` }),
      coded(ErrorCode.ModelInvalid, /did not give a usable SenseVoice model, so it was deleted/),
    );
    assert.deepEqual(
      fs.readdirSync(h.store).filter((n) => n !== '.partial'),
      [],
    );
    assert.deepEqual(fs.readdirSync(path.join(h.store, '.partial')), []);
  });
});

/** Sources whose every URL is on `origin` (a host that does not resolve). */
function testSourcesAt(origin: string) {
  const plan = (name: string) => ({ name, url: `${origin}/hf/${name}` });
  return {
    huggingface: {
      name: 'huggingface' as const,
      description: 'unreachable',
      plans: {
        int8: {
          id: SHERPA_ID,
          source: 'huggingface',
          variant: 'int8' as const,
          strict: true,
          sets: [
            {
              layout: 'sherpa' as const,
              modelFile: 'model.int8.onnx',
              files: [plan('model.int8.onnx'), plan('tokens.txt')],
            },
          ],
        },
      },
    },
    github: { name: 'github' as const, description: '', plans: {} },
    modelscope: { name: 'modelscope' as const, description: '', plans: {} },
  };
}
