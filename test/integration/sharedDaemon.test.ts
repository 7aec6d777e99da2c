// The per-user shared daemon as clients meet it: racing starters end with one daemon, clients see
// only their own notifications and cancel only their own jobs, the queue is fair between clients,
// status and stop, idle exit, versions, and a runtime folder others can write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type EngineChangedParams, type Transcript } from '../../common/protocol';
import { connectShared } from '../../client/sharedDaemon';
import { AUDIO, DIST, ROOT, fixtureClips } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { waitFor } from '../helpers/waitFor';
import {
  cliAsync,
  cliSync,
  connect,
  daemonLog,
  daemonsIn,
  freshRuntime,
  pidFile,
  stopAll,
  theOneDaemon,
} from '../helpers/sharedDaemon';

const en = path.join(AUDIO, 'sense_voice/en.wav');
const model = () => ({ provider: 'cpu' as const, threads: 1, modelPath: testModel('sherpa').dir, batchSize: 1 });

test('four cli calls racing to start: one daemon serves them all', async () => {
  const rt = freshRuntime();
  try {
    const runs = [0, 1, 2, 3].map(() => cliAsync(rt, ['probe', en, '--json']));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.equal(await theOneDaemon(rt), pidFile(rt));
    const log = fs.readFileSync(path.join(rt.dir, 'daemon.log'), 'utf8');
    assert.equal((log.match(/initialized by cli/g) ?? []).length, 4);
  } finally {
    await stopAll(rt);
  }
});

test('daemon status shows pid, version, model and clients; daemon stop ends it at once', async () => {
  const rt = freshRuntime();
  try {
    assert.equal(cliSync(rt, ['daemon', 'status']).code, 3, 'none runs yet');
    assert.deepEqual(daemonsIn(rt), [], 'status starts nothing');
    const a = await connect(rt, 'watcher', model());
    try {
      await a.request('model/load', {});
      const r = cliSync(rt, ['daemon', 'status', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout);
      assert.equal(s.pid, a.initializeResult!.pid);
      assert.equal(s.clients, 1, 'the watcher (the status command itself is not counted)');
      assert.equal(s.shared, true);
      assert.equal(s.model.provider, 'cpu');
      assert.ok(s.uptimeSec >= 0);
      const human = cliSync(rt, ['daemon', 'status']);
      assert.match(human.stdout, /^pid\s+\d+$/m);
      assert.match(human.stdout, /^provider\s+cpu$/m);
      const stop = cliSync(rt, ['daemon', 'stop']);
      assert.equal(stop.code, 0, stop.stderr);
      await waitFor(() => daemonsIn(rt).length === 0, 'the daemon to exit');
      await waitFor(() => a.exited, 'the watcher to see the daemon go');
      assert.equal(fs.existsSync(rt.socket), false, 'the socket is removed');
      assert.equal(cliSync(rt, ['daemon', 'status']).code, 3);
    } finally {
      a.kill();
    }
  } finally {
    await stopAll(rt);
  }
});

test('idle exit: no clients and no jobs for the idle time, and the daemon exits by itself', async () => {
  const rt = freshRuntime({ SENSEVOICE_DAEMON_IDLE_MS: '400' });
  try {
    const a = await connect(rt, 'a');
    const pid = a.initializeResult!.pid;
    // A connected client keeps it, even idle past the idle time.
    await waitFor(
      () => fs.readFileSync(path.join(rt.dir, 'daemon.log'), 'utf8').includes('initialized by a'),
      'the handshake in the log',
    );
    const s = await a.request('daemon/status', undefined);
    assert.equal(s.pid, pid);
    await a.dispose();
    await waitFor(() => daemonsIn(rt).length === 0, 'the idle daemon to exit', 60_000);
    assert.match(fs.readFileSync(path.join(rt.dir, 'daemon.log'), 'utf8'), /exiting: no clients and no jobs/);
  } finally {
    await stopAll(rt);
  }
});

test('two clients: each sees only its own progress and segments, and cannot cancel the other', async () => {
  const rt = freshRuntime();
  try {
    const a = await connect(rt, 'a', model());
    const b = await connect(rt, 'b', model());
    const seen = { a: new Set<string>(), b: new Set<string>() };
    for (const [name, conn] of [
      ['a', a],
      ['b', b],
    ] as const) {
      for (const method of ['$/progress', 'transcribe/segment'])
        conn.endpoint.onNotification(method, (p) => seen[name].add((p as { token: string }).token));
    }
    const abort = new AbortController();
    const jobA = a.request(
      'transcribe/file',
      { path: path.join(AUDIO, 'librispeech/1089-134686-0001.wav') },
      {
        onProgress: () => undefined,
        signal: abort.signal,
      },
    );
    const jobB = b.request('transcribe/file', { path: en }, { onProgress: () => undefined });
    // a tries to cancel b's request with b's own token: nothing happens to it.
    const tokenB = await waitFor(() => [...seen.b][0], "b's first notification");
    a.notify('$/cancel', { token: tokenB });
    const [ta, tb] = await Promise.all([jobA, jobB]);
    assert.ok(ta.segments.length > 0 && tb.segments.length > 0);
    assert.equal(seen.a.size, 1, `a saw ${[...seen.a].join(', ')}`);
    assert.equal(seen.b.size, 1, `b saw ${[...seen.b].join(', ')}`);
    assert.notEqual([...seen.a][0], [...seen.b][0]);
    await a.dispose();
    await b.dispose();
  } finally {
    await stopAll(rt);
  }
});

test("fair queue: b's one clip finishes before a's queue of four drains", async () => {
  const rt = freshRuntime();
  try {
    const settings = { ...model(), concurrency: 1 };
    const a = await connect(rt, 'a', settings);
    const b = await connect(rt, 'b', settings);
    const order: string[] = [];
    const aFiles = [
      'librispeech/1089-134686-0001.wav',
      'librispeech/1221-135766-0001.wav',
      'librispeech/1221-135766-0002.wav',
      'sense_voice/zh.wav',
    ];
    const note = (name: string) => (t: Transcript) => {
      order.push(name);
      return t;
    };
    const aJobs = aFiles.map((f, i) =>
      a.request('transcribe/file', { path: path.join(AUDIO, f), vad: 'off' }).then(note(`a${i + 1}`)),
    );
    // All four of a's jobs taken (running, queued, or already done: on a fast moment the first can
    // finish before a status answer counts it, and then the count never reaches four).
    await waitFor(async () => {
      const s = await a.request('daemon/status', undefined);
      return s.jobsRunning + s.jobsQueued + order.length >= 4;
    }, "a's four jobs on the queue");
    assert.ok(order.length < 4, `a's queue drained before b could ask (order ${order.join(', ')})`);
    const bJob = b.request('transcribe/file', { path: en, vad: 'off' }).then(note('b1'));
    await Promise.all([...aJobs, bJob]);
    assert.ok(order.indexOf('b1') < order.indexOf('a4'), `order ${order.join(', ')}`);
    await a.dispose();
    await b.dispose();
  } finally {
    await stopAll(rt);
  }
});

test('an older daemon retires for a newer client, which starts its own; a newer daemon refuses with DaemonTooNew', async () => {
  const rt = freshRuntime();
  try {
    const old = await connect({ ...rt, env: { ...rt.env, SENSEVOICE_BUILD_VERSION: '0.0.1' } }, 'old');
    const oldPid = old.initializeResult!.pid;
    assert.equal(old.initializeResult!.daemonVersion, '0.0.1');
    const r = cliSync(rt, ['probe', en, '--json']);
    assert.equal(r.code, 0, r.stderr);
    // The old daemon still serves its client, takes no new ones, and exits once that client leaves.
    const s = await old.request('daemon/status', undefined);
    assert.equal(s.retiring, true);
    const pids = daemonsIn(rt);
    assert.equal(pids.length, 2);
    const fresh = pidFile(rt)!;
    assert.notEqual(fresh, oldPid);
    await old.dispose();
    await waitFor(() => !daemonsIn(rt).includes(oldPid), 'the retired daemon to exit');
    assert.deepEqual(daemonsIn(rt), [fresh]);

    const older = cliSync(rt, ['probe', en], { SENSEVOICE_BUILD_VERSION: '0.0.1' });
    assert.equal(older.code, 1);
    assert.match(older.stderr, /^error: DaemonTooNew: .*--stdio/m);
    assert.deepEqual(daemonsIn(rt), [fresh], 'the newer daemon serves on');
  } finally {
    await stopAll(rt);
  }
});

test('a daemon whose files were removed (an update, a deleted clone) retires; the next client starts a working one', async () => {
  const rt = freshRuntime();
  // A copy of the build inside the repository, so that it still finds node_modules.
  const gone = fs.mkdtempSync(path.join(ROOT, '.cache', 'dist-removed-'));
  try {
    fs.cpSync(DIST, gone, { recursive: true });
    const old = await connectShared({
      command: process.execPath,
      script: path.join(gone, 'daemon.js'),
      env: rt.env,
      clientName: 'old',
    });
    const oldPid = old.initializeResult!.pid;
    await old.dispose();
    fs.rmSync(gone, { recursive: true, force: true });
    const r = cliSync(rt, ['transcribe', en, '--model', model().modelPath, '--provider', 'cpu', '--json']);
    assert.equal(r.code, 0, r.stderr + daemonLog(rt));
    assert.ok((JSON.parse(r.stdout) as Transcript).segments.length > 0);
    await waitFor(() => !daemonsIn(rt).includes(oldPid), 'the daemon without its files to exit');
    assert.notEqual(pidFile(rt), oldPid);
    assert.match(daemonLog(rt), /retiring: its files are gone/);
  } finally {
    fs.rmSync(gone, { recursive: true, force: true });
    await stopAll(rt);
  }
});

test('a runtime folder others can write is refused with RuntimeDirUnsafe, and nothing starts', async () => {
  const rt = freshRuntime();
  try {
    fs.mkdirSync(rt.dir, { mode: 0o700 });
    fs.chmodSync(rt.dir, 0o777);
    const r = cliSync(rt, ['probe', en]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: RuntimeDirUnsafe: .*can be written by others \(mode 777\)/m);
    assert.match(r.stderr, new RegExp(rt.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.deepEqual(daemonsIn(rt), []);
    await assert.rejects(
      connect(rt, 'x'),
      (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.RuntimeDirUnsafe,
    );
    // --stdio needs no runtime folder.
    assert.equal(cliSync(rt, ['--stdio', 'probe', en]).code, 0);
  } finally {
    await stopAll(rt);
  }
});

test('a fresh runtime folder is made private (0700) and the socket is 0600', async () => {
  const rt = freshRuntime();
  try {
    assert.equal(cliSync(rt, ['probe', en]).code, 0);
    assert.equal(fs.statSync(rt.dir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(rt.socket).mode & 0o777, 0o600);
  } finally {
    await stopAll(rt);
  }
});

test('three in-process clients and two cli calls at once, five files each: one daemon, every file once, own progress only', async () => {
  const rt = freshRuntime();
  try {
    const clips = fixtureClips().map((c) => path.join(AUDIO, c));
    const filesFor = (i: number) => [0, 1, 2, 3, 4].map((k) => clips[(i + k) % clips.length]);
    const conns = await Promise.all([0, 1, 2].map((i) => connect(rt, `window ${i}`, model())));
    const tokens = conns.map(() => new Set<string>());
    conns.forEach((c, i) =>
      c.endpoint.onNotification('$/progress', (p) => tokens[i].add((p as { token: string }).token)),
    );
    const windowRuns = conns.map((c, i) =>
      Promise.all(filesFor(i).map((f) => c.request('transcribe/file', { path: f }, { onProgress: () => undefined }))),
    );
    const cliRuns = [3, 4].map(
      (i) =>
        cliAsync(rt, ['transcribe', ...filesFor(i), '--model', testModel('sherpa').dir, '--provider', 'cpu', '--json'])
          .done,
    );
    const [windows, clis] = await Promise.all([Promise.all(windowRuns), Promise.all(cliRuns)]);
    windows.forEach((ts, i) =>
      assert.deepEqual(
        ts.map((t) => t.file),
        filesFor(i),
      ),
    );
    clis.forEach((r, k) => {
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { file: string; segments: unknown[] });
      assert.deepEqual(lines.map((l) => l.file).sort(), filesFor(k + 3).sort());
      for (const l of lines) assert.ok(l.segments.length > 0, l.file);
    });
    // Each window saw five tokens of its own (one per request) and none of another's.
    tokens.forEach((t) => assert.equal(t.size, 5));
    const all = tokens.flatMap((t) => [...t]);
    assert.equal(new Set(all).size, all.length, 'no token reached two clients');
    assert.equal(await theOneDaemon(rt), conns[0].initializeResult!.pid);
    for (const c of conns) await c.dispose();
  } finally {
    await stopAll(rt);
  }
});

test('daemon.log past 5 MiB moves to daemon.log.1 when a daemon starts', async () => {
  const rt = freshRuntime();
  try {
    fs.mkdirSync(rt.dir, { mode: 0o700 });
    const log = path.join(rt.dir, 'daemon.log');
    fs.writeFileSync(log, 'x'.repeat(6 * 1024 * 1024));
    const a = await connect(rt, 'a');
    assert.equal(fs.statSync(log + '.1').size, 6 * 1024 * 1024);
    assert.ok(fs.statSync(log).size < 64 * 1024);
    await a.dispose();
  } finally {
    await stopAll(rt);
  }
});

test('the last to ask wins, and the other clients are told: a model switch and daemon-wide batching reach a, never b itself', async () => {
  const rt = freshRuntime();
  try {
    const a = await connect(rt, 'a', model());
    const b = await connect(rt, 'b', model());
    const told = { a: [] as EngineChangedParams[], b: [] as EngineChangedParams[] };
    a.onEngineChanged((p) => told.a.push(p));
    b.onEngineChanged((p) => told.b.push(p));
    await a.request('transcribe/file', { path: en });
    // b's job asks for another model folder: it is loaded for b, and a hears of it.
    const other = testModel('funasr').dir;
    const tb = await b.request('transcribe/file', { path: en, modelPath: other });
    assert.ok(tb.segments.length > 0);
    const switched = await waitFor(() => told.a.find((p) => p.change === 'model'), 'a to hear of the model switch');
    assert.equal(switched.by, 'b');
    assert.equal(switched.model?.path, path.resolve(other));
    // a's next job loads a's model again: now b hears of it.
    await a.request('transcribe/file', { path: en });
    const back = await waitFor(() => told.b.find((p) => p.change === 'model'), 'b to hear of the switch back');
    assert.equal(back.by, 'a');
    assert.equal(back.model?.path, path.resolve(model().modelPath));
    // Daemon-wide batching: b's new settings apply to all; a is told, b is not told of its own change.
    b.notify('config/didChange', { settings: { ...model(), batchSize: 3, concurrency: 1 } });
    const batching = await waitFor(() => told.a.find((p) => p.change === 'batching'), 'a to hear of the batching');
    assert.deepEqual(
      { by: batching.by, batchSize: batching.batchSize, concurrency: batching.concurrency },
      {
        by: 'b',
        batchSize: 3,
        concurrency: 1,
      },
    );
    assert.deepEqual(
      told.b.map((p) => p.change),
      ['model'],
      'b hears only of what a changed',
    );
    await a.dispose();
    await b.dispose();
  } finally {
    await stopAll(rt);
  }
});
