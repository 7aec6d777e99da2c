// Faults around the shared daemon: a stale socket left by a crash is replaced, the daemon killed
// mid-job (its clients notice, the next call starts a new one), a client killed mid-job (its jobs
// are cancelled, its ffmpeg is gone, the daemon serves the others on). No process is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, PROTOCOL_VERSION } from '../../common/protocol';
import { AUDIO } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { makeLongAudio } from '../helpers/longAudio';
import { decodingFfmpeg } from '../helpers/processes';
import { waitFor } from '../helpers/waitFor';
import {
  cliAsync,
  cliSync,
  connect,
  daemonsIn,
  freshRuntime,
  pidFile,
  stopAll,
  theOneDaemon,
} from '../helpers/sharedDaemon';

const en = path.join(AUDIO, 'sense_voice/en.wav');
const model = () => ({ provider: 'cpu' as const, threads: 1, modelPath: testModel('sherpa').dir, batchSize: 1 });

test('a socket file nobody listens on (a crashed daemon) is replaced by a new daemon', async () => {
  const rt = freshRuntime();
  try {
    fs.mkdirSync(rt.dir, { mode: 0o700 });
    // A process that binds the socket and dies at once without removing it.
    const crasher = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(rt.socket)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    await new Promise((resolve) => crasher.once('exit', resolve));
    assert.ok(fs.statSync(rt.socket).isSocket(), 'the stale socket is there');
    const r = cliSync(rt, ['probe', en, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await theOneDaemon(rt), pidFile(rt));
  } finally {
    await stopAll(rt);
  }
});

test('the shared daemon SIGKILLed mid-job: the cli says DaemonUnavailable, and the next call starts a new daemon', async () => {
  const rt = freshRuntime();
  try {
    const long = makeLongAudio(10, 'mp3'); // (decoded by ffmpeg: a 16 kHz WAV is read without one)
    const run = cliAsync(rt, ['transcribe', long.file, '--model', testModel('sherpa').dir, '--provider', 'cpu']);
    const pid = await waitFor(
      () => {
        const p = pidFile(rt);
        return p && decodingFfmpeg(p).length > 0 ? p : undefined;
      },
      'the daemon to start decoding',
      30_000,
    );
    process.kill(pid, 'SIGKILL');
    const r = await run.done;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: DaemonUnavailable: .*shared SenseVoice daemon/m);
    const again = cliSync(rt, ['probe', en, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.notEqual(await theOneDaemon(rt), pid);
  } finally {
    await stopAll(rt);
  }
});

test('a client SIGKILLed mid-job: its job is cancelled (its ffmpeg gone) and the daemon serves another client', async () => {
  const rt = freshRuntime();
  try {
    const other = await connect(rt, 'other', model());
    const pid = other.initializeResult!.pid;
    const long = makeLongAudio(10, 'mp3'); // (decoded by ffmpeg: a 16 kHz WAV is read without one)
    const run = cliAsync(rt, ['transcribe', long.file, '--model', testModel('sherpa').dir, '--provider', 'cpu']);
    await waitFor(() => decodingFfmpeg(pid).length > 0, "the cli's job to start decoding", 30_000);
    run.child.kill('SIGKILL');
    await run.done;
    await waitFor(() => decodingFfmpeg(pid).length === 0, "the killed client's ffmpeg to go", 60_000);
    // The job unwinds (batches in flight finish) a moment after its ffmpeg is killed.
    const s = await waitFor(async () => {
      const st = await other.request('daemon/status', undefined);
      return st.jobsRunning + st.jobsQueued === 0 ? st : undefined;
    }, 'no job left for the gone client');
    assert.equal(s.clients, 1);
    const t = await other.request('transcribe/file', { path: en });
    assert.ok(t.segments.length > 0);
    assert.deepEqual(daemonsIn(rt), [pid]);
    await other.dispose();
  } finally {
    await stopAll(rt);
  }
});

test('a connection that closes before initialize leaves the daemon serving', async () => {
  const rt = freshRuntime();
  try {
    const a = await connect(rt, 'a');
    const net = await import('node:net');
    const raw = net.connect(rt.socket);
    await new Promise((resolve) => raw.once('connect', resolve));
    raw.write('{"jsonrpc":"2.0","id":1,"method":"system/info"}\n');
    const answer = await new Promise<string>((resolve) => raw.once('data', (b: Buffer) => resolve(b.toString())));
    assert.equal(JSON.parse(answer).error.code, ErrorCode.NotInitialized);
    raw.destroy();
    const s = await a.request('daemon/status', undefined);
    assert.ok(s.pid > 0);
    await a.dispose();
  } finally {
    await stopAll(rt);
  }
});

test('only the token holder is served: no token or a wrong one is refused with Unauthorized, and the daemon serves on', async () => {
  const rt = freshRuntime();
  try {
    const a = await connect(rt, 'a');
    const tokenFile = path.join(rt.dir, 'daemon.token');
    assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600, 'the token is readable by its user only');
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    assert.match(token, /^[0-9a-f]{64}$/);
    const net = await import('node:net');
    const initialize = async (authToken: string | undefined) => {
      const raw = net.connect(rt.socket);
      await new Promise((resolve) => raw.once('connect', resolve));
      const params = { protocolVersion: PROTOCOL_VERSION, clientName: 'intruder', ...(authToken ? { authToken } : {}) };
      raw.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params }) + '\n');
      const answer = await new Promise<string>((resolve) => raw.once('data', (b: Buffer) => resolve(b.toString())));
      raw.destroy();
      return JSON.parse(answer) as { result?: unknown; error?: { code: number; message: string } };
    };
    for (const wrong of [undefined, token.replace(/.$/, (c) => (c === '0' ? '1' : '0')), 'short']) {
      const r = await initialize(wrong);
      assert.equal(r.error?.code, ErrorCode.Unauthorized, `token ${String(wrong)}: ${JSON.stringify(r)}`);
      assert.match(r.error!.message, /serves only its own user/);
    }
    assert.ok((await initialize(token)).result, 'the right token is served');
    const s = await a.request('daemon/status', undefined);
    assert.ok(s.pid > 0, 'the daemon serves on');
    await a.request('daemon/stop', undefined).catch(() => undefined);
    await waitFor(() => daemonsIn(rt).length === 0, 'the daemon to stop');
    assert.equal(fs.existsSync(tokenFile), false, 'the token goes with the daemon');
    await a.dispose();
  } finally {
    await stopAll(rt);
  }
});
