// Windows on the shared daemon: three supervisors (one per window) attach to one daemon and the
// status bar learns it is shared; the daemon SIGKILLed: every window notices and reconnects, and
// they end on one new daemon; a window that closes cancels its own jobs only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { CrashBudget } from '../../../extension/crashBudget';
import { DaemonSupervisor, type DaemonState } from '../../../extension/daemonSupervisor';
import { describeState } from '../../../extension/statusText';
import { SenseVoiceError } from '../../../common/protocol';
import { AUDIO } from '../../helpers/paths';
import { testModel } from '../../helpers/testModels';
import { makeLongAudio } from '../../helpers/longAudio';
import { decodingFfmpeg } from '../../helpers/processes';
import { waitFor } from '../../helpers/waitFor';
import {
  connect,
  daemonLog,
  daemonsIn,
  freshRuntime,
  stopAll,
  theOneDaemon,
  type Runtime,
} from '../../helpers/sharedDaemon';

function windowOn(rt: Runtime, name: string) {
  let state: DaemonState = { kind: 'idle' };
  const logs: string[] = [];
  const sup = new DaemonSupervisor({
    start: () => connect(rt, name, { provider: 'cpu', threads: 1, modelPath: testModel('sherpa').dir, batchSize: 1 }),
    budget: new CrashBudget({ maxRestarts: 3, windowMs: 60_000 }),
    log: (line) => logs.push(`${name}: ${line}`),
    onState: (s) => (state = s),
    onGiveUp: () => undefined,
  });
  return { sup, state: () => state, logs };
}

test('three windows share one daemon; the status bar says so', async () => {
  const rt = freshRuntime();
  const windows = ['w1', 'w2', 'w3'].map((n) => windowOn(rt, n));
  try {
    const conns = await Promise.all(windows.map((w) => w.sup.connection()));
    assert.equal(new Set(conns.map((c) => c.initializeResult!.pid)).size, 1, daemonLog(rt));
    assert.equal(await theOneDaemon(rt), conns[0].initializeResult!.pid);
    // Each window learns the count when its work ends: run one request in each.
    for (const w of windows) await w.sup.request('system/info', undefined);
    const s = await waitFor(() => {
      const st = windows[0].state();
      return st.kind === 'ready' && st.shared && st.shared.others === 2 ? st : undefined;
    }, 'window 1 to see two others');
    assert.match(describeState(s).text, /\$\(link\)/);
    assert.match(describeState(s).tooltip, /shared with 2 other window/);
  } finally {
    for (const w of windows) await w.sup.stop();
    await stopAll(rt);
  }
});

test('the shared daemon SIGKILLed: every window notices and reconnects, and they end on one new daemon', async () => {
  const rt = freshRuntime();
  const windows = ['w1', 'w2', 'w3'].map((n) => windowOn(rt, n));
  try {
    const conns = await Promise.all(windows.map((w) => w.sup.connection()));
    const pid = conns[0].initializeResult!.pid;
    process.kill(pid, 'SIGKILL');
    const pids = await Promise.all(
      windows.map((w, i) =>
        waitFor(
          () => {
            const st = w.state();
            return st.kind === 'ready' && st.pid !== pid ? st.pid : undefined;
          },
          () =>
            `window ${i + 1} to reconnect (state ${JSON.stringify(w.state())}; ${w.logs.join(' | ')})\n${daemonLog(rt)}`,
          30_000,
        ),
      ),
    );
    assert.equal(new Set(pids).size, 1, `one new daemon: ${pids.join(', ')}\n${daemonLog(rt)}`);
    assert.equal(await theOneDaemon(rt), pids[0]);
  } finally {
    for (const w of windows) await w.sup.stop();
    await stopAll(rt);
  }
});

test("a window that closes cancels its own job; another window's job completes", async () => {
  const rt = freshRuntime();
  const [a, b] = ['a', 'b'].map((n) => windowOn(rt, n));
  try {
    const ca = await a.sup.connection();
    await b.sup.connection();
    const pid = ca.initializeResult!.pid;
    // MP3: a 16 kHz WAV is read without ffmpeg, and this test watches a's ffmpeg.
    const long = makeLongAudio(10, 'mp3');
    // Its outcome is taken at once, so the rejection is never unhandled while the window closes.
    const jobA = a.sup.request('transcribe/file', { path: long.file }).then(
      () => 'completed',
      (e: unknown) => e,
    );
    await waitFor(() => decodingFfmpeg(pid).length > 0, "a's job to start decoding", 30_000);
    const jobB = b.sup.request('transcribe/file', { path: path.join(AUDIO, 'sense_voice/en.wav') });
    await a.sup.stop('window closed');
    const outcome = await jobA;
    assert.ok(outcome instanceof SenseVoiceError, `a's job ended with ${String(outcome)}`);
    const t = await jobB;
    assert.ok(t.segments.length > 0);
    await waitFor(() => decodingFfmpeg(pid).length === 0, "a's ffmpeg to go", 60_000);
    assert.deepEqual(daemonsIn(rt), [pid], 'the daemon serves on');
  } finally {
    await a.sup.stop();
    await b.sup.stop();
    await stopAll(rt);
  }
});
