// Model setup end to end. Over the protocol (a daemon in this process, a local HTTP server serving
// synthetic models): model/download with $/progress and $/cancel, resume, model/list, model/inspect,
// and model/load without a path falling back to the store. Then the built cli as a user runs it:
// `model download --url`, `model list`, and `transcribe FILE` without --model using the download.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Daemon } from '../../daemon/server';
import { Endpoint } from '../../common/rpc/endpoint';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  SenseVoiceError,
  type ModelDownloadResult,
  type ModelListResult,
  type ProgressParams,
} from '../../common/protocol';
import { SHERPA_ID } from '../../daemon/modelStore/plans';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';
import { waitFor } from '../helpers/waitFor';
import { LocalServer, fakeDns } from '../unit/daemon/modelStore/localServer';
import { serveModels, testSources, type Served } from '../unit/daemon/modelStore/storeFixture';

let server: LocalServer;
let served: Served;

before(async () => {
  server = await LocalServer.start();
  served = serveModels(server);
});
after(async () => {
  await server.close();
});

interface Client {
  endpoint: Endpoint;
  store: string;
  progress: ProgressParams[];
  request: <T>(method: string, params?: unknown) => Promise<T>;
  close: () => Promise<void>;
}

async function startDaemon(): Promise<Client> {
  const store = tempDir('store');
  const toDaemon = new PassThrough();
  const toClient = new PassThrough();
  const daemon = new Daemon({
    input: toDaemon,
    output: toClient,
    log: () => undefined,
    modelStore: {
      storeDir: store,
      env: {},
      sources: () => testSources(server, served),
      http: { idleTimeoutMs: 3000, lookup: fakeDns([]) },
      retry: { attemptsWithoutProgress: 3, delayMs: () => 5 },
      progressIntervalMs: 0,
    },
  });
  const endpoint = new Endpoint({ input: toClient, output: toDaemon, log: () => undefined });
  const progress: ProgressParams[] = [];
  endpoint.onNotification('$/progress', (p) => progress.push(p as ProgressParams));
  const request = <T>(method: string, params?: unknown) => endpoint.request(method, params) as Promise<T>;
  await request('initialize', {
    protocolVersion: PROTOCOL_VERSION,
    clientName: 'test',
    settings: { provider: 'cpu', threads: 1 },
  });
  return {
    endpoint,
    store,
    progress,
    request,
    close: async () => {
      await request('shutdown').catch(() => undefined);
      await daemon.models.dispose();
      toDaemon.end();
    },
  };
}

function codeOf(err: unknown): number {
  return err instanceof SenseVoiceError ? err.code : -1;
}

describe('over the protocol', () => {
  test('model/download reports $/progress with bytes, total, fraction and a message; the result is verified', async () => {
    server.reset();
    served = serveModels(server);
    const c = await startDaemon();
    try {
      const r = await c.request<ModelDownloadResult>('model/download', {
        source: 'huggingface',
        variant: 'int8',
        token: 'dl-1',
      });
      assert.equal(r.verified, true);
      assert.equal(r.path, path.join(c.store, SHERPA_ID));
      const mine = c.progress.filter((p) => p.token === 'dl-1' && p.bytes !== undefined);
      assert.ok(mine.length >= 2, `${mine.length} progress notifications`);
      const total = r.files.reduce((n, f) => n + f.size, 0);
      assert.ok(
        mine.every((p) => p.total === total && typeof p.fraction === 'number' && typeof p.message === 'string'),
      );
      assert.equal(mine.at(-1)!.bytes, total);

      const list = await c.request<ModelListResult>('model/list');
      assert.equal(list.store, c.store);
      assert.deepEqual(
        list.models.map((m) => [m.variant, m.verified, m.layout]),
        [['int8', true, 'sherpa']],
      );
      assert.equal(list.fallback?.path, r.path);
      assert.deepEqual(
        list.sources.map((s) => s.name),
        ['huggingface', 'github', 'modelscope'],
      );

      const inspected = await c.request<{ layout: string; variants: string[] }>('model/inspect', { path: r.path });
      assert.deepEqual([inspected.layout, inspected.variants], ['sherpa', ['int8']]);
      await assert.rejects(
        c.request('model/inspect', { path: c.store }),
        (e: unknown) => codeOf(e) === ErrorCode.ModelNotFound,
      );

      // No model path in the settings: this store folder is what model/load and transcribe/file use
      // (loading it is covered with the built daemon in "the cli" below).
      assert.match(list.fallback!.reason, /^the verified int8 model in the store/);
    } finally {
      await c.close();
    }
  });

  test('$/cancel stops a download (Cancelled) and keeps the .part; the next download resumes with a Range request', async () => {
    server.reset();
    served = serveModels(server);
    server.behaviour.set('/hf/model.int8.onnx', { chunkBytes: 32 * 1024, chunkDelayMs: 10 });
    const c = await startDaemon();
    try {
      const pending = c.request('model/download', { source: 'huggingface', token: 'dl-2' });
      await waitFor(() => c.progress.some((p) => p.token === 'dl-2' && (p.bytes ?? 0) > 100_000), 'some bytes');
      c.endpoint.notify('$/cancel', { token: 'dl-2' });
      await assert.rejects(
        pending,
        (e: unknown) => codeOf(e) === ErrorCode.Cancelled && /resume/.test((e as Error).message),
      );
      const list = await c.request<ModelListResult>('model/list');
      assert.equal(list.models.length, 0);
      assert.equal(list.partial.length, 1);
      const kept = list.partial[0]!.bytes;
      server.behaviour.clear();
      const r = await c.request<ModelDownloadResult>('model/download', { source: 'huggingface', token: 'dl-3' });
      assert.equal(r.verified, true);
      assert.equal(r.resumedBytes, kept);
      assert.equal(server.requestsFor('/hf/model.int8.onnx').at(-1)!.range, `bytes=${kept}-`);
    } finally {
      await c.close();
    }
  });

  test('with nothing stored and no model path, model/load is ModelNotFound saying `sensevoice model download`', async () => {
    const c = await startDaemon();
    try {
      await assert.rejects(
        c.request('model/load', {}),
        (e: unknown) =>
          codeOf(e) === ErrorCode.ModelNotFound &&
          /sensevoice model download/.test((e as Error).message) &&
          (e as Error).message.includes(c.store),
      );
    } finally {
      await c.close();
    }
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built cli, run asynchronously (the HTTP server lives in this process), with a private daemon: each test has its own store. */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  const child = spawn(process.execPath, [requireBuilt('cli.js'), '--stdio', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
    onStderr?.(stderr, child);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))),
  );
}

function cliEnv(store: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SENSEVOICE_MODEL_STORE: store };
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) delete env[k];
  return env;
}

describe('the cli', () => {
  test('model download --url, model list, then transcribe FILE without --model uses the download', async () => {
    server.reset();
    served = serveModels(server);
    const store = tempDir('cli-store');
    const env = cliEnv(store);
    const url = `${server.origin}/url/sherpa/`;

    const dl = await cli(['model', 'download', '--url', url], env);
    assert.equal(dl.code, 0, dl.stderr);
    assert.match(dl.stdout, /^Model ready: .*\(sherpa, int8, NOT verified\)$/m);
    assert.match(dl.stdout, /model\.int8\.onnx .* sha256 [0-9a-f]{64} {2}no published checksum matched/);
    assert.match(dl.stdout, /tokens\.txt .* matches the published checksum/);
    assert.match(dl.stderr, /^warning: NOT VERIFIED: model\.int8\.onnx/m);
    // Not a terminal: plain progress lines, not a redrawn bar.
    assert.match(dl.stderr, /^Downloading model\.int8\.onnx \(1 of 2\) from 127\.0\.0\.1:\d+: \d+%/m);
    assert.doesNotMatch(dl.stderr, /\r/);

    const again = await cli(['model', 'download', '--url', url], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^Already in the store: /m);

    const list = await cli(['model', 'list', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    const j = JSON.parse(list.stdout) as ModelListResult;
    assert.equal(j.store, store);
    assert.equal(j.models.length, 1);
    assert.equal(j.models[0]!.source, 'url');
    assert.equal(j.models[0]!.url, `${url}model.int8.onnx`);
    assert.equal(j.models[0]!.verified, false);
    assert.equal(j.fallback!.path, j.models[0]!.path);

    const human = await cli(['model', 'list'], env);
    assert.match(human.stdout, /^\*\s+url-[0-9a-f]{10}\s+int8\s+sherpa\s+\S+ \S+\s+NO\s+http:\/\/127\.0\.0\.1/m);

    const t = await cli(['transcribe', path.join(AUDIO, 'sense_voice/en.wav'), '--format', 'json'], env);
    assert.equal(t.code, 0, t.stderr);
    const transcript = JSON.parse(t.stdout.trim().split('\n')[0]!);
    assert.ok(transcript.segments.length >= 1);
    assert.equal(transcript.model.quantization, 'int8');
    assert.match(t.stderr, /warning: No model path is set: using the UNVERIFIED int8 model in the store/);
  });

  test("model download --url with an organisation's pins: each file says which pin verified it", async () => {
    server.reset();
    served = serveModels(server);
    const url = `${server.origin}/url/sherpa/`;
    const first = await cli(['model', 'download', '--url', url, '--json'], cliEnv(tempDir('cli-store')));
    assert.equal(first.code, 0, first.stderr);
    const model = (JSON.parse(first.stdout) as ModelDownloadResult).files.find((f) => f.name === 'model.int8.onnx')!;
    const pins = path.join(tempDir('pins'), 'org pins.json');
    fs.writeFileSync(
      pins,
      JSON.stringify({ pins: [{ url: `${url}model.int8.onnx`, size: model.size, sha256: model.sha256 }] }),
    );
    const dl = await cli(['model', 'download', '--url', url], {
      ...cliEnv(tempDir('cli-store')),
      SENSEVOICE_MODEL_PINS: pins,
    });
    assert.equal(dl.code, 0, dl.stderr);
    assert.match(dl.stdout, /^Model ready: .*\(sherpa, int8, verified\)$/m);
    assert.ok(dl.stdout.includes(`sha256 ${model.sha256}  matches its pin in ${pins}`), dl.stdout);
    assert.match(dl.stdout, /tokens\.txt .* matches the published checksum/);
    assert.ok(dl.stderr.includes(`note: model.int8.onnx matches its pin in ${pins}.`), dl.stderr);
  });

  test('model download from a URL that 404s: DownloadFailed with the URL and what to try, exit 1', async () => {
    const store = tempDir('cli-store');
    const r = await cli(['model', 'download', '--url', `${server.origin}/nothing/here/`], cliEnv(store));
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: DownloadFailed: Download failed: No model there: \S+\/nothing\/here\/model\.int8\.onnx and \S+\/nothing\/here\/model_quant\.onnx answered HTTP 404.*Check the URL.*--source/m,
    );
    assert.deepEqual(
      fs.readdirSync(store).filter((n) => n !== '.partial'),
      [],
    );
  });

  test('Ctrl-C during model download: Cancelled, exit 130, the .part kept for a resume', async () => {
    server.reset();
    served = serveModels(server);
    server.behaviour.set('/url/sherpa/model.int8.onnx', { chunkBytes: 16 * 1024, chunkDelayMs: 20 });
    const store = tempDir('cli-store');
    let sent = false;
    const r = await cli(
      ['model', 'download', '--url', `${server.origin}/url/sherpa/`],
      cliEnv(store),
      (text, child) => {
        if (!sent && /Downloading model\.int8\.onnx/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^error: Cancelled: Download cancelled\. The bytes downloaded so far are kept/m);
    const partial = fs
      .readdirSync(path.join(store, '.partial'))
      .flatMap((d) =>
        fs.statSync(path.join(store, '.partial', d)).isDirectory()
          ? fs.readdirSync(path.join(store, '.partial', d))
          : [],
      );
    assert.ok(partial.includes('model.int8.onnx.part'), partial.join());
  });

  test('usage errors exit 2 before a daemon starts', async () => {
    const env = cliEnv(tempDir('cli-store'));
    for (const args of [
      ['model'],
      ['model', 'frob'],
      ['model', 'list', 'extra'],
      ['model', 'download', '--source', 'github', '--url', 'http://x/'],
      ['model', 'download', '--variant', 'fp16'],
    ]) {
      const r = await cli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^error: Usage: /m);
    }
  });

  test('transcribe with an empty store: ModelNotFound says how to get a model', async () => {
    const r = await cli(['transcribe', path.join(AUDIO, 'sense_voice/en.wav')], cliEnv(tempDir('cli-store')));
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: ModelNotFound: No model is set and none is downloaded\. Run `sensevoice model download`/m,
    );
  });
});
