// An inference server misbehaving: down at connect, not ready, 503 storms, answers slower than the
// timeout, a model with another contract or exported for another vocabulary, connections dropped
// mid-batch or half-way through an answer, a TLS certificate nobody said to trust. Each ends in one coded error
// (or, where a retry can save it, a result), and a daemon that met one keeps serving the next request
// with the full transcript. The server is the loopback test double (test/helpers/oipTestServer.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError, type DaemonSettings, type Transcript } from '../../common/protocol';
import { RemoteSenseVoiceModel, type RemoteOptions } from '../../daemon/remote/remoteModel';
import { execFileSync } from 'node:child_process';
import { inspectModelFolder } from '../../daemon/model/modelFolder';
import { repositoryConfigs } from '../../daemon/remote/serverRepository';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';
import { waitFor } from '../helpers/waitFor';
import { testModel } from '../helpers/testModels';
import { startOipTestServer, type OipTestServer } from '../helpers/oipTestServer';

let server: OipTestServer;
const dir = () => testModel('sherpa').dir;

before(async () => {
  server = await startOipTestServer({ modelDir: dir() });
});
after(async () => {
  await server.close();
});

function fresh(): void {
  Object.assign(server.faults, { unavailable: 0, notReady: false, delayMs: 0, drop: 0, truncate: 0 });
}

function load(options: Partial<RemoteOptions> = {}): Promise<RemoteSenseVoiceModel> {
  return RemoteSenseVoiceModel.load(dir(), {
    endpoint: server.url,
    retries: 2,
    backoffMs: 10,
    timeoutMs: 5000,
    ...options,
  });
}

/** One second of the en clip's features through the model. */
async function runOnce(m: RemoteSenseVoiceModel) {
  const samples = new Float32Array(16_000).map((_, i) => Math.sin(i / 7) * 0.1);
  return m.runBatch([
    { features: m.frontEnd.compute({ samples }), language: 0, textNorm: 15, banEmotionUnknown: false },
  ]);
}

async function rejectsWith(p: Promise<unknown>, code: number, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SenseVoiceError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('server down at connect: InferenceServerUnavailable naming the URL and the cause', async () => {
  const port = await closedPort();
  await rejectsWith(
    load({ endpoint: `http://127.0.0.1:${port}` }),
    ErrorCode.InferenceServerUnavailable,
    new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`),
  );
});

test('a server that is not ready, and a model it does not serve, are refused at connect', async () => {
  fresh();
  server.faults.notReady = true;
  await rejectsWith(load(), ErrorCode.InferenceServerUnavailable, /server is not ready.*503/);
  fresh();
  await rejectsWith(load({ modelName: 'nope' }), ErrorCode.InferenceServerUnavailable, /model is not ready.*nope/);
});

test('a few 503s are retried with backoff; a storm ends in InferenceServerUnavailable after the retries', async () => {
  fresh();
  const m = await load();
  server.faults.unavailable = 2;
  const before = server.log.requests.length;
  const [out] = await runOnce(m);
  assert.equal(out!.kind, 'ids');
  assert.equal(server.log.requests.length - before, 3, 'two 503s, then the answer');
  server.faults.unavailable = Infinity;
  await rejectsWith(runOnce(m), ErrorCode.InferenceServerUnavailable, /answered 503 \(Server busy.*after 3 attempt/);
  fresh();
  assert.equal((await runOnce(m)).length, 1, 'serves again once the storm is over');
});

test('an answer slower than the timeout is InferenceServerTimeout', async () => {
  fresh();
  const m = await load({ timeoutMs: 300 });
  server.faults.delayMs = 1500;
  await rejectsWith(runOnce(m), ErrorCode.InferenceServerTimeout, /no answer within 300 ms/);
  fresh();
});

test('a connection dropped mid-batch is retried; dropped every time, it is InferenceServerUnavailable', async () => {
  fresh();
  const m = await load();
  server.faults.drop = 1;
  assert.equal((await runOnce(m)).length, 1);
  server.faults.drop = Infinity;
  await rejectsWith(runOnce(m), ErrorCode.InferenceServerUnavailable, /failed after 3 attempt/);
  fresh();
});

test('requests in flight never exceed maxInFlight', async () => {
  fresh();
  const m = await load({ maxInFlight: 2 });
  // The timeout test's request may still be held by the server: count from a quiet server.
  await waitFor(() => server.log.inFlight === 0, 'the server to finish earlier requests');
  server.log.maxInFlight = 0;
  server.faults.delayMs = 50;
  await Promise.all(Array.from({ length: 6 }, () => runOnce(m)));
  assert.equal(server.log.maxInFlight, 2);
  fresh();
});

test('custom headers (a bearer token) reach the server on every call', async () => {
  fresh();
  const calls = server.log.calls.length;
  await runOnce(await load({ headers: { Authorization: 'Bearer s3cret' } }));
  const mine = server.log.calls.slice(calls);
  assert.ok(mine.length >= 4);
  for (const c of mine) assert.equal(c.authorization, 'Bearer s3cret', c.line);
});

test('JSON tensors (binary off) give the same ids as binary ones', async () => {
  fresh();
  const [a, b] = await Promise.all([runOnce(await load()), runOnce(await load({ binary: false }))]);
  assert.deepEqual(b, a);
  assert.ok(Array.isArray((server.log.requests.at(-1) as { inputs: { data?: unknown }[] }).inputs[0]!.data));
});

test('a wrong-contract model is refused at connect with every mismatch named', async () => {
  const wrong = await startOipTestServer({
    modelDir: dir(),
    metadataOverride: (name, meta) => {
      meta.inputs[1]!.datatype = 'FP32';
      meta.inputs[0]!.shape = [-1, -1, 80];
      if (name === 'sensevoice') meta.outputs = [{ name: 'probs', datatype: 'FP32', shape: [-1, -1, 25055] }];
      else meta.outputs[0]!.shape = [-1, -1, 1000];
    },
  });
  try {
    const opts = { endpoint: wrong.url, retries: 0 };
    await rejectsWith(
      RemoteSenseVoiceModel.load(dir(), opts),
      ErrorCode.InferenceServerMismatch,
      /input x has last dimension 80, expected 560; input x_length is FP32, expected INT32; it has neither a token_ids output nor the logits output logits \(its outputs are probs\)/,
    );
    await rejectsWith(
      RemoteSenseVoiceModel.load(dir(), { ...opts, modelName: 'sensevoice_encoder' }),
      ErrorCode.InferenceServerMismatch,
      /output logits has vocabulary size 1000, expected 25055/,
    );
  } finally {
    await wrong.close();
  }
});

test('a daemon meeting a 503 storm fails that job with a code, keeps serving, and the next job is whole', async () => {
  fresh();
  const clip = path.join(AUDIO, 'sense_voice/en.wav');
  const bytes = fs.readFileSync(clip);
  const start = (settings: DaemonSettings) =>
    DaemonConnection.start({
      command: process.execPath,
      args: [requireBuilt('daemon.js')],
      clientName: 'remote-faults-test',
      settings,
    });
  // The reference comes from a daemon running the model itself: the remote one's cache stays empty.
  const local = await start({ provider: 'cpu' });
  const d = await start({ inferenceEndpoint: server.url, inferenceTimeoutSec: 2 });
  try {
    const run = (c: DaemonConnection): Promise<Transcript> =>
      c.request('transcribe/file', { path: clip, modelPath: dir(), vad: 'off', banEmotionUnknown: true });
    const good = await run(local);
    await d.request('model/load', { path: dir() });
    server.faults.unavailable = Infinity;
    await assert.rejects(run(d), (e: SenseVoiceError) => e.code === ErrorCode.InferenceServerUnavailable);
    server.faults.unavailable = 0;
    server.faults.delayMs = 3000;
    await assert.rejects(run(d), (e: SenseVoiceError) => e.code === ErrorCode.InferenceServerTimeout);
    fresh();
    const after = await run(d);
    assert.notEqual(after.cached, true);
    assert.equal(after.model.provider, 'remote');
    assert.deepEqual(after.segments, good.segments);
    assert.deepEqual(fs.readFileSync(clip), bytes, 'the audio file is untouched');
  } finally {
    fresh();
    await d.dispose();
    await local.dispose();
  }
});

test('a connection dropped half-way through an answer (the batch already run) is retried; the ids are whole', async () => {
  fresh();
  const m = await load();
  const [want] = await runOnce(m);
  server.faults.truncate = 1;
  const before = server.log.requests.length;
  const [got] = await runOnce(m);
  assert.equal(server.log.requests.length - before, 2, 'the cut answer, then the retry');
  assert.deepEqual(got, want);
  server.faults.truncate = Infinity;
  await rejectsWith(runOnce(m), ErrorCode.InferenceServerUnavailable, /failed after 3 attempt/);
  fresh();
});

test('a repository exported for another vocabulary is refused at connect, naming the ids that differ', async () => {
  // The configs export-server-model writes for a folder whose <|HAPPY|> and <|SAD|> ids are swapped.
  const f = await inspectModelFolder(dir(), { preferQuantized: false });
  const tokens = [...f.tokens];
  const happy = tokens.indexOf('<|HAPPY|>');
  const sad = tokens.indexOf('<|SAD|>');
  [tokens[happy], tokens[sad]] = [tokens[sad]!, tokens[happy]!];
  const configs = repositoryConfigs({ ...f, tokens });
  const repo = tempDir('other-vocab');
  for (const [name, text] of [
    ['sensevoice', configs.ensemble],
    ['sensevoice_encoder', configs.encoder],
  ] as const) {
    fs.mkdirSync(path.join(repo, name));
    fs.writeFileSync(path.join(repo, name, 'config.pbtxt'), text);
  }
  const other = await startOipTestServer({ modelDir: dir(), repository: repo });
  try {
    for (const modelName of ['sensevoice', 'sensevoice_encoder']) {
      await rejectsWith(
        RemoteSenseVoiceModel.load(dir(), { endpoint: other.url, retries: 0, modelName }),
        ErrorCode.InferenceServerMismatch,
        new RegExp(
          `exported for another vocabulary .*the token id of <\\|HAPPY\\|> is ${sad} there, ${happy} here; the token id of <\\|SAD\\|> is ${happy} there, ${sad} here`,
        ),
      );
    }
    assert.ok(!other.log.calls.some((c) => c.line.endsWith('/infer')), 'refused before any inference');
  } finally {
    await other.close();
  }
});

test('the same repository states matching ids: checked; a server without the config extension: a warning', async () => {
  fresh();
  const m = await load();
  assert.equal(m.info.remote?.tagIds, 'checked');
  assert.deepEqual(m.info.warnings, []);
  const kserve = await startOipTestServer({ modelDir: dir(), configExtension: false });
  try {
    const k = await RemoteSenseVoiceModel.load(dir(), { endpoint: kserve.url, retries: 0 });
    assert.equal(k.info.remote?.tagIds, 'unchecked');
    assert.match(k.info.warnings.join('\n'), /does not state its tag ids/);
    assert.equal((await runOnce(k)).length, 1, 'it still serves');
  } finally {
    await kserve.close();
  }
});

test('TLS: a self-signed server is refused at once with how to trust it; trusted, the transcript is the local one', async () => {
  const certDir = tempDir('tls');
  const key = path.join(certDir, 'key.pem');
  const cert = path.join(certDir, 'cert.pem');
  // A throwaway certificate for 127.0.0.1, made here so no key is ever committed.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const tls = await startOipTestServer({
    modelDir: dir(),
    tls: { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') },
  });
  const clip = path.join(AUDIO, 'sense_voice/en.wav');
  const start = (settings: DaemonSettings, env: NodeJS.ProcessEnv = process.env) =>
    DaemonConnection.start({
      command: process.execPath,
      args: [requireBuilt('daemon.js')],
      clientName: 'remote-tls-test',
      settings,
      env,
    });
  const local = await start({ provider: 'cpu' });
  const trusting = await start({ inferenceEndpoint: tls.url }, { ...process.env, NODE_EXTRA_CA_CERTS: cert });
  try {
    assert.match(tls.url, /^https:/);
    await rejectsWith(
      RemoteSenseVoiceModel.load(dir(), { endpoint: tls.url, retries: 3, backoffMs: 10 }),
      ErrorCode.InferenceServerUnavailable,
      /TLS certificate is not accepted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)\. .*NODE_EXTRA_CA_CERTS/,
    );
    const run = (c: DaemonConnection): Promise<Transcript> =>
      c.request('transcribe/file', { path: clip, modelPath: dir(), vad: 'off' });
    const [a, b] = await Promise.all([run(local), run(trusting)]);
    assert.equal(b.model.provider, 'remote');
    assert.deepEqual(b.segments, a.segments);
    assert.ok(
      tls.log.calls.some((c) => c.line.endsWith('/infer')),
      'the model ran on the TLS server',
    );
  } finally {
    await trusting.dispose();
    await local.dispose();
    await tls.close();
  }
});
