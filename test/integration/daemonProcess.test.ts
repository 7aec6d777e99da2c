// The daemon as a process: stdout carries JSON-RPC frames only, it exits when stdin closes, and
// it exits when its parent dies without closing stdin (an orphan must not linger).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PROTOCOL_VERSION } from '../../common/protocol';
import { requireBuilt } from '../helpers/paths';
import { waitFor } from '../helpers/waitFor';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('stdout is frames only; stderr has the log; closing stdin ends the process', async () => {
  const child = spawn(process.execPath, [requireBuilt('daemon.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const frames = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, clientName: 't' } },
    { jsonrpc: '2.0', id: 2, method: 'system/info' },
    { jsonrpc: '2.0', id: 3, method: 'audio/probe', params: { path: '/nonexistent.wav' } },
    { jsonrpc: '2.0', method: '$/cancel', params: { token: 'nothing' } },
  ];
  child.stdin.write(frames.map((f) => JSON.stringify(f)).join('\n') + '\nnot json\n');
  await waitFor(() => stdout.split('\n').filter(Boolean).length >= 4, 'four responses');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end();
  assert.equal(await exited, 0);
  const lines = stdout.split('\n').filter(Boolean);
  for (const l of lines) {
    const f = JSON.parse(l);
    assert.equal(f.jsonrpc, '2.0', l);
    assert.ok('result' in f || 'error' in f, l);
  }
  const byId = new Map(lines.map((l) => JSON.parse(l)).map((f) => [f.id, f]));
  assert.equal(byId.get(1).result.protocolVersion, PROTOCOL_VERSION);
  assert.equal(byId.get(2).result.node, process.versions.node);
  assert.equal(byId.get(3).error.code, 1003);
  assert.equal(byId.get(null).error.code, -32700);
  assert.match(stderr, /initialized by t/);
  assert.match(stderr, /stdin closed; exiting/);
});

test('the daemon exits when its parent dies, even with stdin left open', async () => {
  // The daemon inherits the parent's stdin, a pipe this test holds open: when the parent is killed
  // the daemon's stdin does not close, so only its parent watchdog can end it.
  const parentScript = `
    const { spawn } = require('node:child_process');
    const d = spawn(process.execPath, [${JSON.stringify(requireBuilt('daemon.js'))}], { stdio: ['inherit', 'ignore', 'ignore'], detached: true });
    d.unref();
    console.log(d.pid);
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  parent.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const pid = Number(await waitFor(() => (out.includes('\n') ? out.trim() : ''), 'daemon pid'));
  assert.ok(alive(pid));
  parent.kill('SIGKILL');
  await waitFor(() => !alive(pid), 'daemon to exit after its parent died', 60_000);
  parent.stdin.end();
});
