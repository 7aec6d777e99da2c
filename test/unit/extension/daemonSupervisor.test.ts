// The supervisor with the real built daemon: first use starts it, SIGKILL is noticed and
// restarted within the budget, and past the budget it gives up until an explicit restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DaemonConnection } from '../../../client/daemonConnection';
import { CrashBudget } from '../../../extension/crashBudget';
import { DaemonSupervisor, type DaemonState } from '../../../extension/daemonSupervisor';
import { ErrorCode, SenseVoiceError } from '../../../common/protocol';
import { requireBuilt } from '../../helpers/paths';
import { waitFor } from '../../helpers/waitFor';

function makeSupervisor(maxRestarts: number) {
  const daemonJs = requireBuilt('daemon.js');
  const states: DaemonState[] = [];
  const gaveUp: string[] = [];
  let now = 0;
  const sup = new DaemonSupervisor({
    start: () => DaemonConnection.start({ command: process.execPath, args: [daemonJs], clientName: 'test' }),
    budget: new CrashBudget({ maxRestarts, windowMs: 60_000, now: () => now }),
    log: () => undefined,
    onState: (s) => states.push(s),
    onGiveUp: (m) => gaveUp.push(m),
  });
  return { sup, states, gaveUp, advance: (ms: number) => (now += ms) };
}

test('starts on first use, reports ready, stops gracefully', async () => {
  const { sup, states } = makeSupervisor(3);
  assert.equal(sup.state.kind, 'idle');
  const [a, b] = await Promise.all([sup.connection(), sup.connection()]);
  assert.equal(a, b, 'concurrent first uses share one daemon');
  assert.deepEqual(
    states.slice(0, 2).map((s) => s.kind),
    ['starting', 'ready'],
  );
  const info = await sup.request('system/info', undefined);
  assert.equal(info.node, process.versions.node);
  const pid = a.child.pid!;
  await sup.stop();
  assert.equal(sup.state.kind, 'stopped');
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the daemon process is gone');
});

test('a SIGKILLed daemon is restarted within the budget; past it the supervisor gives up', async () => {
  const { sup, gaveUp } = makeSupervisor(2);
  try {
    let conn = await sup.connection();
    for (let i = 1; i <= 2; i++) {
      const pid = conn.child.pid!;
      process.kill(pid, 'SIGKILL');
      conn = await waitFor(async () => {
        const s = sup.state;
        if (s.kind !== 'ready' || s.pid === pid) return undefined;
        return sup.connection();
      }, `restart ${i}`);
      assert.notEqual(conn.child.pid, pid);
      const info = await sup.request('system/info', undefined);
      assert.ok(info.daemonVersion);
    }
    process.kill(conn.child.pid!, 'SIGKILL');
    await waitFor(() => gaveUp.length > 0, 'give up');
    assert.equal(sup.state.kind, 'error');
    await assert.rejects(
      sup.request('system/info', undefined),
      (e: SenseVoiceError) => e.code === ErrorCode.DaemonUnavailable,
    );
    const again = await sup.restart();
    assert.equal(sup.state.kind, 'ready');
    assert.ok(again.child.pid);
  } finally {
    await sup.stop();
  }
});

test('a request in flight when the daemon dies fails with DaemonUnavailable', async () => {
  const { sup } = makeSupervisor(3);
  try {
    const conn = await sup.connection();
    // The GPU check takes seconds; its first progress proves the daemon has it and is working on it.
    let killed = false;
    const pending = conn.request(
      'gpu/diagnose',
      {},
      {
        onProgress: () => {
          if (!killed) conn.child.kill('SIGKILL');
          killed = true;
        },
      },
    );
    await assert.rejects(pending, (e: SenseVoiceError) => {
      assert.equal(e.code, ErrorCode.DaemonUnavailable, e.message);
      assert.match(e.message, /killed by SIGKILL/);
      return true;
    });
    assert.equal(killed, true, 'the request was in flight when the daemon died');
  } finally {
    await sup.stop();
  }
});
