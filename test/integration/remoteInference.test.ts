// The model on an inference server: a daemon whose settings name an Open Inference Protocol endpoint
// gives the same transcript, token for token, as a daemon running the model itself, on every sample
// clip; through the ensemble's server-side argmax (token ids) and through the encoder alone (logits).
// The server is the loopback test double (test/helpers/oipTestServer.ts) running the same model.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { DaemonConnection } from '../../client/daemonConnection';
import type { DaemonSettings, Transcript } from '../../common/protocol';
import { AUDIO, fixtureClips, requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { startOipTestServer, type OipTestServer } from '../helpers/oipTestServer';
import {
  validateErrorResponse,
  validateInferRequest,
  validateInferResponse,
  validatorForGet,
} from '../helpers/oipSchema';

let server: OipTestServer;
const daemons: DaemonConnection[] = [];

async function daemon(settings: DaemonSettings): Promise<DaemonConnection> {
  const d = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'remote-inference-test',
    settings: { provider: 'cpu', threads: 1, ...settings },
  });
  daemons.push(d);
  return d;
}

before(async () => {
  server = await startOipTestServer({ modelDir: testModel('sherpa').dir });
});
after(async () => {
  for (const d of daemons) await d.dispose();
  await server.close();
});

/** Runs the built cli asynchronously (the server answering it lives in this process). */
function cliRun(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, SENSEVOICE_INFERENCE_TOKEN: '' };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [requireBuilt('cli.js'), ...args],
      { encoding: 'utf8', timeout: 120_000, env },
      (err, stdout, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function transcribe(d: DaemonConnection, clip: string, extra: Record<string, unknown> = {}): Promise<Transcript> {
  return d.request('transcribe/file', {
    path: path.join(AUDIO, clip),
    modelPath: testModel('sherpa').dir,
    vad: 'off',
    ...extra,
  });
}

test('the remote transcript equals the local one on every clip (ids from the server argmax, binary tensors)', async () => {
  const local = await daemon({});
  const remote = await daemon({ inferenceEndpoint: server.url });
  const clips = fixtureClips();
  assert.ok(clips.length >= 6);
  for (const clip of clips) {
    for (const extra of [{}, { banEmotionUnknown: true, itn: false }]) {
      const [a, b] = await Promise.all([transcribe(local, clip, extra), transcribe(remote, clip, extra)]);
      assert.equal(b.model.provider, 'remote');
      assert.deepEqual(b.segments, a.segments, `${clip} ${JSON.stringify(extra)}`);
      assert.ok(a.segments[0]!.tokens.length > 0, `${clip}: the comparison is not vacuous`);
    }
  }
  assert.ok(server.log.requests.length >= clips.length * 2, 'the model ran on the server');
  for (const r of server.log.requests) {
    assert.deepEqual(validateInferRequest(r), []);
    for (const i of (r as { inputs: { parameters?: unknown }[] }).inputs) assert.ok(i.parameters, 'binary by default');
  }
  for (const r of server.log.responses) assert.deepEqual(validateInferResponse(r), []);
  const info = await remote.request('model/load', { path: testModel('sherpa').dir });
  assert.equal(info.remote?.output, 'tokenIds');
  assert.equal(info.remote?.endpoint, server.url);
  assert.ok(info.remote!.roundTripMs >= 0);
});

test('with the encoder alone (logits back, argmax here) the transcript is the same too', async () => {
  const local = await daemon({});
  const remote = await daemon({ inferenceEndpoint: server.url, inferenceModelName: 'sensevoice_encoder' });
  for (const clip of ['sense_voice/en.wav', 'sense_voice/zh.wav']) {
    const [a, b] = await Promise.all([
      transcribe(local, clip, { banEmotionUnknown: true }),
      transcribe(remote, clip, { banEmotionUnknown: true }),
    ]);
    assert.deepEqual(b.segments, a.segments, clip);
  }
  assert.equal((await remote.request('model/load', { path: testModel('sherpa').dir })).remote?.output, 'logits');
});

test('segments of one file, sent at once and padded to length buckets, are batched by the server', async () => {
  const remote = await daemon({ inferenceEndpoint: server.url, batchSize: 1 });
  const local = await daemon({ batchSize: 1 });
  server.log.runs.length = 0;
  const long = 'librispeech/1089-134686-0001.wav';
  const [a, b] = await Promise.all([
    transcribe(local, long, { vad: 'on', maxSegmentSec: 2 }),
    transcribe(remote, long, { vad: 'on', maxSegmentSec: 2 }),
  ]);
  assert.ok(a.segments.length >= 3, `${a.segments.length} segments`);
  assert.deepEqual(b.segments, a.segments);
  assert.ok(
    server.log.runs.some((n) => n > 1),
    `some server runs merged requests of equal shape: ${JSON.stringify(server.log.runs)}`,
  );
});

test('the cli with --endpoint prints the same transcript as without, and sends the token file as a bearer token', async () => {
  const tokenFile = path.join(tempDir('remote-token'), 'token');
  fs.writeFileSync(tokenFile, 'tok-123\n', { mode: 0o600 });
  const ja = path.join(AUDIO, 'sense_voice/ja.wav');
  const cli = (args: string[]) =>
    cliRun([
      'transcribe',
      ja,
      '--model',
      testModel('sherpa').dir,
      '--stdio',
      '--format',
      'json',
      '--vad',
      'off',
      ...args,
    ]);
  const calls = server.log.calls.length;
  const local = await cli(['--provider', 'cpu']);
  const remote = await cli(['--endpoint', server.url, '--endpoint-token-file', tokenFile, '--verbose']);
  assert.equal(local.status, 0, local.stderr);
  assert.equal(remote.status, 0, remote.stderr);
  const a = JSON.parse(local.stdout) as Transcript;
  const b = JSON.parse(remote.stdout) as Transcript;
  assert.equal(b.model.provider, 'remote');
  assert.deepEqual(b.segments, a.segments);
  assert.match(
    remote.stderr,
    new RegExp(`inference server: ${server.url} model sensevoice .*token ids back.*, tag ids checked`),
  );
  assert.doesNotMatch(remote.stderr, /tok-123/, 'the token is never printed');
  const mine = server.log.calls.slice(calls);
  assert.ok(mine.some((c) => c.line.endsWith('/infer')));
  for (const c of mine) assert.equal(c.authorization, 'Bearer tok-123', c.line);
});

test('sensevoice info --endpoint shows the server, its round trip, the model and its batch statistics', async () => {
  const r = await cliRun(['info', '--stdio', '--endpoint', server.url]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(
    r.stdout,
    new RegExp(`Inference server +${server.url} ready, round trip \\d+ ms \\(sensevoice-test-double 0\\)`),
  );
  assert.match(r.stdout, /Server model +sensevoice: ready/);
  assert.match(r.stdout, /Server batches +sensevoice\/1: \d+ inferences in \d+ runs \(\d+(\.\d+)? per run/);
  // The ensemble's step, named by its config, shows how the server batched: sizes run, queue, compute.
  assert.match(
    r.stdout,
    /Server batches +sensevoice_encoder\/1: \d+ inferences in \d+ runs \(\d+(\.\d+)? per run; batch sizes (\d+×\d+(, )?)+; queue [\d.]+ ms, compute [\d.]+ ms per request\)/,
  );
  assert.ok(server.log.calls.some((c) => c.line === 'GET /v2/models/sensevoice_encoder/stats'));
  const j = JSON.parse((await cliRun(['info', '--stdio', '--json', '--endpoint', server.url])).stdout);
  assert.equal(j.inferenceServer.ready, true);
  assert.equal(j.inferenceServer.modelReady, true);
  const down = await cliRun(['info', '--stdio', '--endpoint', 'http://127.0.0.1:9', '--endpoint-model', 'x']);
  assert.equal(down.status, 1);
  assert.match(down.stdout, /Inference server +http:\/\/127\.0\.0\.1:9 not ready/);
  assert.match(down.stdout, /Server error +Inference server http:\/\/127\.0\.0\.1:9: GET \/v2\/health\/ready failed/);
});

test('sensevoice export-server-model writes the repository and prints how to serve it', async () => {
  const out = path.join(tempDir('export-cli'), 'repo');
  const r = await cliRun(['export-server-model', '--stdio', '--model', testModel('sherpa').dir, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /sensevoice_encoder\/1\/model\.onnx/);
  assert.match(
    r.stdout,
    /docker run --gpus all .* -v .*repo:\/models nvcr\.io\/nvidia\/tritonserver:[\d.]+-py3 tritonserver --model-repository=\/models/,
  );
  assert.ok(fs.existsSync(path.join(out, 'sensevoice/config.pbtxt')));
  const again = await cliRun(['export-server-model', '--stdio', '--model', testModel('sherpa').dir, '--out', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /ModelExists: .*--force/);
});

test('every JSON answer the client parsed fits the published schemas: metadata, config, statistics, errors', () => {
  const seen = new Set<string>();
  for (const a of server.log.answers) {
    const check = a.status === 200 ? validatorForGet(a.line.slice(4)) : validateErrorResponse;
    if (!check) continue;
    assert.deepEqual(check(a.body), [], `${a.line} ${a.status}`);
    seen.add(a.line.replace(/sensevoice(_encoder)?/, 'M'));
  }
  // Not vacuous: each kind of answer was parsed by the tests above.
  for (const line of ['GET /v2', 'GET /v2/models/M', 'GET /v2/models/M/config', 'GET /v2/models/M/stats']) {
    assert.ok(seen.has(line), `${line} was checked (${[...seen].join(', ')})`);
  }
});
