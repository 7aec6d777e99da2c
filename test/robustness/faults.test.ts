// Faults: the daemon killed mid-job (the cli notices and says so), ffmpeg killed mid-decode
// (DecodeFailed, no hang), and no network port ever opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { makeLongAudio } from '../helpers/longAudio';
import { childrenNamed, decodingFfmpeg, networkSockets } from '../helpers/processes';
import { waitFor } from '../helpers/waitFor';

function startDaemon(): Promise<DaemonConnection> {
  return DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'faults',
    settings: { provider: 'cpu', threads: 1, modelPath: testModel('sherpa').dir, batchSize: 1 },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: tempDir('cache') },
  });
}

test('a private daemon (--stdio) SIGKILLed in the middle of a job: the cli notices, says so and exits non-zero', async () => {
  const long = makeLongAudio(10, 'mp3'); // (decoded by ffmpeg: a 16 kHz WAV is read without one)
  const cli = spawn(
    process.execPath,
    [
      requireBuilt('cli.js'),
      '--stdio',
      'transcribe',
      long.file,
      '--model',
      testModel('sherpa').dir,
      '--format',
      'json',
    ],
    {
      env: { ...process.env, SENSEVOICE_CACHE_DIR: tempDir('cache') },
    },
  );
  let stderr = '';
  cli.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  cli.stdout.resume();
  const spawnedAt = Date.now();
  const [daemonPid] = await waitFor(
    () => {
      const d = childrenNamed(cli.pid!, 'node');
      return d.length > 0 && decodingFfmpeg(d[0]).length > 0 ? d : undefined;
    },
    'the daemon to start decoding',
    30_000,
  );
  const killedAt = Date.now();
  // The baseline: starting the cli, its daemon, the model and ffmpeg, measured in this run.
  const startupMs = killedAt - spawnedAt;
  process.kill(daemonPid, 'SIGKILL');
  const code = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
  assert.equal(code, 1);
  assert.match(stderr, /error: DaemonUnavailable: .*killed by SIGKILL/);
  const noticedMs = Date.now() - killedAt;
  assert.ok(noticedMs < startupMs, `noticed in ${noticedMs} ms, sooner than the ${startupMs} ms it took to start`);
});

test('ffmpeg killed mid-decode: DecodeFailed, no hang, and the daemon serves on', async () => {
  const d = await startDaemon();
  try {
    const long = makeLongAudio(10, 'mp3');
    const job = d.request('transcribe/file', { path: long.file });
    const [ffmpeg] = await waitFor(() => {
      const f = decodingFfmpeg(d.child.pid!);
      return f.length > 0 ? f : undefined;
    }, 'ffmpeg to start');
    process.kill(ffmpeg, 'SIGKILL');
    await assert.rejects(
      job,
      (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.DecodeFailed && /SIGKILL/.test(e.message),
    );
    const ok = await d.request('transcribe/file', { path: makeLongAudio(1).file });
    assert.ok(ok.segments.length > 0);
  } finally {
    await d.dispose();
  }
});

test('the daemon opens no network port or listening socket, even while it works', async () => {
  const d = await startDaemon();
  try {
    const job = d.request('transcribe/file', { path: makeLongAudio(1, 'mp3').file });
    await waitFor(() => decodingFfmpeg(d.child.pid!).length > 0, 'work under way');
    assert.deepEqual(networkSockets(d.child.pid!), [], 'no network or listening socket');
    await job;
    assert.deepEqual(networkSockets(d.child.pid!), []);
  } finally {
    await d.dispose();
  }
});
