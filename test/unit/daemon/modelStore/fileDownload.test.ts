// One file over real HTTP (a server on 127.0.0.1): verification, resume after a drop or a stall,
// servers that ignore ranges, redirects to a CDN host, timeouts, cancellation, DNS failure, proxies.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { downloadFile, partPaths, type FileDownloadRequest } from '../../../../daemon/modelStore/fileDownload';
import { HttpError, type HttpOptions } from '../../../../daemon/modelStore/httpClient';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';
import { LocalProxy, LocalServer, bytes, fakeDns, sha256 } from './localServer';

const SIZE = 3 * 1024 * 1024 + 123;
const DATA = bytes(SIZE, 7);
const PIN = { name: 'model.int8.onnx', size: SIZE, sha256: sha256(DATA) };

let server: LocalServer;
let dir: string;

function http(extra: Partial<HttpOptions> = {}): HttpOptions {
  return {
    env: {},
    idleTimeoutMs: 5000,
    maxRedirects: 5,
    userAgent: 'test',
    lookup: fakeDns(['hf.test', 'cdn.test']),
    ...extra,
  };
}

function request(
  over: Partial<FileDownloadRequest> = {},
): FileDownloadRequest & { progress: number[]; logs: string[] } {
  const progress: number[] = [];
  const logs: string[] = [];
  return {
    url: `${server.origin}/m/model.int8.onnx`,
    dest: path.join(dir, 'model.int8.onnx'),
    pin: PIN,
    strict: true,
    http: http(),
    retry: { attemptsWithoutProgress: 4, delayMs: () => 5 },
    signal: new AbortController().signal,
    onBytes: (b) => progress.push(b),
    log: (m) => logs.push(m),
    progress,
    logs,
    ...over,
  };
}

before(async () => {
  server = await LocalServer.start();
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  dir = tempDir('dl');
  server.reset();
  server.files.set('/m/model.int8.onnx', DATA);
});

function assertDone(r: { size: number; sha256: string; verified: boolean }): void {
  assert.equal(r.size, SIZE);
  assert.equal(r.sha256, PIN.sha256);
  assert.equal(r.verified, true);
  assert.ok(fs.readFileSync(path.join(dir, 'model.int8.onnx')).equals(DATA));
  assert.equal(fs.existsSync(partPaths(path.join(dir, 'model.int8.onnx')).part), false, 'no .part left');
  assert.equal(fs.existsSync(partPaths(path.join(dir, 'model.int8.onnx')).meta), false, 'no .part.json left');
}

describe('downloadFile', () => {
  test('a full download is verified against its pin and reports growing byte counts', async () => {
    const req = request();
    const r = await downloadFile(req);
    assertDone(r);
    assert.equal(r.downloadedBytes, SIZE);
    assert.equal(r.resumedBytes, 0);
    assert.equal(req.progress.at(-1), SIZE);
    assert.ok(req.progress.every((b, i) => i === 0 || b >= req.progress[i - 1]!));
    assert.equal(server.requestsFor('/m/model.int8.onnx').length, 1);
  });

  test('a drop mid-transfer is resumed with a Range request from the bytes on disk', async () => {
    server.behaviour.set('/m/model.int8.onnx', { dropAfter: 1_000_000, times: 1 });
    const req = request();
    const r = await downloadFile(req);
    assertDone(r);
    const seen = server.requestsFor('/m/model.int8.onnx');
    assert.equal(seen.length, 2);
    assert.equal(seen[0]!.range, undefined);
    assert.match(seen[1]!.range ?? '', /^bytes=(\d+)-$/);
    const from = Number(/bytes=(\d+)-/.exec(seen[1]!.range!)![1]);
    // What reached the client before the drop (at most what the server wrote).
    assert.ok(from > 0 && from <= 1_000_000, `resumed from ${from}`);
    assert.ok(seen[1]!.ifRange, 'If-Range carries the ETag so a changed file is not mixed');
    assert.equal(r.downloadedBytes, SIZE);
  });

  test('an interrupted run leaves a .part that the next run resumes (bytes re-hashed)', async () => {
    server.behaviour.set('/m/model.int8.onnx', { dropAfter: 2_000_000, times: 1 });
    await assert.rejects(
      downloadFile(request({ retry: { attemptsWithoutProgress: 1, delayMs: () => 1 } })),
      (e: unknown) => e instanceof HttpError && e.retryable,
    );
    const { part } = partPaths(path.join(dir, 'model.int8.onnx'));
    const kept = fs.statSync(part).size;
    assert.ok(kept > 0 && kept <= 2_000_000, `kept ${kept} bytes`);
    const r = await downloadFile(request());
    assertDone(r);
    assert.equal(r.resumedBytes, kept);
    assert.equal(r.downloadedBytes, SIZE - kept);
    assert.equal(server.requestsFor('/m/model.int8.onnx').at(-1)!.range, `bytes=${kept}-`);
  });

  test('a .part whose bytes were damaged on disk fails the checksum and is deleted', async () => {
    server.behaviour.set('/m/model.int8.onnx', { dropAfter: 1_500_000, times: 1 });
    await assert.rejects(downloadFile(request({ retry: { attemptsWithoutProgress: 1, delayMs: () => 1 } })));
    const { part, meta } = partPaths(path.join(dir, 'model.int8.onnx'));
    const fd = fs.openSync(part, 'r+');
    fs.writeSync(fd, Buffer.from('corrupt'), 0, 7, 100);
    fs.closeSync(fd);
    await assert.rejects(
      downloadFile(request()),
      (e: unknown) =>
        e instanceof SenseVoiceError && e.code === ErrorCode.ChecksumMismatch && /was deleted/.test(e.message),
    );
    assert.equal(fs.existsSync(part), false);
    assert.equal(fs.existsSync(meta), false);
    assert.equal(fs.existsSync(path.join(dir, 'model.int8.onnx')), false);
  });

  test('a server that ignores Range and sends the whole file again still gives the right file', async () => {
    server.behaviour.set('/m/model.int8.onnx', { dropAfter: 500_000, times: 1, ignoreRange: true });
    const r = await downloadFile(request());
    assertDone(r);
    assert.ok(server.requestsFor('/m/model.int8.onnx')[1]!.range, 'it asked for a range');
  });

  test('wrong bytes of the right size: ChecksumMismatch, nothing left on disk', async () => {
    server.behaviour.set('/m/model.int8.onnx', { body: bytes(SIZE, 99) });
    await assert.rejects(downloadFile(request()), (e: unknown) => {
      assert.ok(e instanceof SenseVoiceError);
      assert.equal(e.code, ErrorCode.ChecksumMismatch);
      assert.match(e.message, new RegExp(PIN.sha256));
      assert.match(e.message, /deleted/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('a size that differs from the pin fails before the body is read', async () => {
    server.behaviour.set('/m/model.int8.onnx', { body: bytes(SIZE + 10, 1) });
    await assert.rejects(
      downloadFile(request()),
      (e: unknown) =>
        e instanceof SenseVoiceError && e.code === ErrorCode.ChecksumMismatch && /offers \d+ bytes/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test('without a pin (a user URL) the sha256 is computed and the file kept, not verified', async () => {
    const r = await downloadFile(request({ pin: undefined, strict: false }));
    assert.equal(r.verified, false);
    assert.equal(r.sha256, PIN.sha256);
  });

  test('404 is a non-retryable HttpError with the status and the URL', async () => {
    const req = request({ url: `${server.origin}/m/missing.onnx` });
    await assert.rejects(
      downloadFile(req),
      (e: unknown) =>
        e instanceof HttpError && e.status === 404 && !e.retryable && e.message.includes('/m/missing.onnx'),
    );
    assert.equal(server.requestsFor('/m/missing.onnx').length, 1, 'not retried');
  });

  test('a 503 is retried', async () => {
    server.behaviour.set('/m/flaky.onnx', { status: 503 });
    server.files.set('/m/ok.onnx', DATA);
    const req = request({
      url: `${server.origin}/m/flaky.onnx`,
      retry: { attemptsWithoutProgress: 3, delayMs: () => 1 },
    });
    await assert.rejects(downloadFile(req), (e: unknown) => e instanceof HttpError && e.status === 503);
    assert.equal(server.requestsFor('/m/flaky.onnx').length, 3);
  });

  test('redirects to a CDN host are followed (relative and absolute, 302 and 307)', async () => {
    server.behaviour.set('/hf/resolve/main/model.int8.onnx', { redirect: '/hf/lfs/abc' });
    server.behaviour.set('/hf/lfs/abc', {
      redirect: `http://cdn.test:${server.port}/m/model.int8.onnx?sig=1`,
      redirectStatus: 307,
    });
    const r = await downloadFile(request({ url: `http://hf.test:${server.port}/hf/resolve/main/model.int8.onnx` }));
    assertDone(r);
    assert.equal(server.requestsFor('/m/model.int8.onnx')[0]!.host, `cdn.test:${server.port}`);
  });

  test('a resumed download goes through the redirect again (signed CDN URLs expire)', async () => {
    server.behaviour.set('/hf/x', { redirect: '/m/model.int8.onnx' });
    server.behaviour.set('/m/model.int8.onnx', { dropAfter: 800_000, times: 1 });
    const r = await downloadFile(request({ url: `${server.origin}/hf/x` }));
    assertDone(r);
    assert.equal(server.requestsFor('/hf/x').length, 2);
    assert.match(server.requestsFor('/m/model.int8.onnx')[1]!.range ?? '', /^bytes=\d+-$/);
  });

  test('a redirect loop stops with a clear error', async () => {
    server.behaviour.set('/loop/a', { redirect: '/loop/b' });
    server.behaviour.set('/loop/b', { redirect: '/loop/a' });
    await assert.rejects(
      downloadFile(request({ url: `${server.origin}/loop/a` })),
      (e: unknown) => e instanceof HttpError && e.kind === 'redirect' && /more than 5 times/.test(e.message),
    );
  });

  test('a stalled transfer times out and resumes where it stopped', async () => {
    server.behaviour.set('/m/model.int8.onnx', { stallAfter: 700_000, times: 1 });
    const req = request({ http: http({ idleTimeoutMs: 300 }) });
    const r = await downloadFile(req);
    assertDone(r);
    assert.match(req.logs.join('\n'), /stalled/);
    assert.match(server.requestsFor('/m/model.int8.onnx')[1]!.range ?? '', /^bytes=\d+-$/);
  });

  test('a slow but steady transfer is not cut by the inactivity timeout', async () => {
    // Server and client share this event loop, so a busy machine delays both: the gaps (100 ms) are
    // a fifteenth of the timeout (1.5 s), while the whole transfer (16 gaps) outlasts it.
    server.files.set('/m/slow.bin', DATA.subarray(0, 256 * 1024));
    server.behaviour.set('/m/slow.bin', { chunkBytes: 16 * 1024, chunkDelayMs: 100 });
    const started = Date.now();
    const r = await downloadFile(
      request({
        url: `${server.origin}/m/slow.bin`,
        pin: undefined,
        strict: false,
        http: http({ idleTimeoutMs: 1500 }),
      }),
    );
    assert.ok(Date.now() - started > 1500, 'the whole transfer took longer than the timeout');
    assert.equal(r.size, 256 * 1024);
    assert.equal(server.requestsFor('/m/slow.bin').length, 1);
  });

  test('cancel mid-download: Cancelled, the .part is kept for a resume', async () => {
    server.behaviour.set('/m/model.int8.onnx', { chunkBytes: 64 * 1024, chunkDelayMs: 5 });
    const ac = new AbortController();
    const req = request({ signal: ac.signal, onBytes: (b) => b > 500_000 && ac.abort() });
    await assert.rejects(
      downloadFile(req),
      (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled,
    );
    const { part } = partPaths(path.join(dir, 'model.int8.onnx'));
    assert.ok(fs.statSync(part).size > 500_000);
    server.behaviour.clear();
    const r = await downloadFile(request());
    assertDone(r);
    assert.ok(r.resumedBytes > 500_000);
  });

  test('an unknown host fails at once with a DNS error (no retries)', async () => {
    const req = request({ url: 'http://nowhere.test/model.int8.onnx' });
    await assert.rejects(
      downloadFile(req),
      (e: unknown) => e instanceof HttpError && e.kind === 'dns' && !e.retryable && /nowhere\.test/.test(e.message),
    );
  });

  test('HTTP_PROXY is used for http URLs (absolute-form request) and NO_PROXY bypasses it', async () => {
    const proxy = await LocalProxy.start();
    try {
      const env = { HTTP_PROXY: `http://user:pw@127.0.0.1:${proxy.port}` };
      const r = await downloadFile(
        request({ url: `http://hf.test:${server.port}/m/model.int8.onnx`, http: http({ env }) }),
      );
      assertDone(r);
      assert.deepEqual(proxy.seen, [`GET http://hf.test:${server.port}/m/model.int8.onnx auth`]);
      fs.rmSync(path.join(dir, 'model.int8.onnx'));
      await downloadFile(
        request({
          url: `http://hf.test:${server.port}/m/model.int8.onnx`,
          http: http({ env: { ...env, NO_PROXY: 'localhost,.test' } }),
        }),
      );
      assert.equal(proxy.seen.length, 1, 'NO_PROXY went direct');
    } finally {
      await proxy.close();
    }
  });
});
