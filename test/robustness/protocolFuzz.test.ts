// The daemon process under hostile input on stdin: a 10 MB frame, then 100,000 random and mutated
// frames. Every frame that deserves an answer gets a JSON-RPC one, and the daemon still serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PROTOCOL_VERSION } from '../../common/protocol';
import { requireBuilt } from '../helpers/paths';
import { waitFor } from '../helpers/waitFor';

/** A small deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const METHODS = ['initialize', 'system/info', 'audio/probe', 'model/load', 'transcribe/file', 'daemon/status', 'no/such', '', '$/cancel', 'config/didChange'];

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 2 ? 6 : 8));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 2e9) - 1e9;
    case 3: return r() * 1e6;
    case 4: return String.fromCharCode(...Array.from({ length: Math.floor(r() * 12) }, () => Math.floor(r() * 0xd7ff)));
    case 5: return '/nonexistent/' + Math.floor(r() * 1e6) + '.wav';
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, (_, i) => [['path', 'token', 'protocolVersion', 'settings', 'x'][i] ?? 'k' + i, randomValue(r, depth + 1)]));
  }
}

function frame(r: () => number, id: number): string {
  const base: Record<string, unknown> = { jsonrpc: r() < 0.9 ? '2.0' : randomValue(r), method: METHODS[Math.floor(r() * METHODS.length)] };
  if (r() < 0.8) base.id = r() < 0.8 ? id : randomValue(r);
  if (r() < 0.8) base.params = randomValue(r);
  let s = JSON.stringify(base);
  const mutations = Math.floor(r() * 3);
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(r() * s.length);
    const what = r();
    if (what < 0.33) s = s.slice(0, at) + s.slice(at + 1);
    else if (what < 0.66) s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(at);
    else s = s.slice(0, at) + '\\u00' + s.slice(at);
  }
  return s.replace(/\n/g, ' ');
}

test('a 10 MB frame and 100,000 random and mutated frames: answered, and the daemon still serves', { timeout: 180_000 }, async (t) => {
  const child = spawn(process.execPath, [requireBuilt('daemon.js')], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SENSEVOICE_CACHE_DIR: '/nonexistent-cache' } });
  let buf = '';
  const responses: Record<string, unknown>[] = [];
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l) responses.push(JSON.parse(l));
  });
  child.stderr.resume();
  const write = (s: string) => new Promise<void>((resolve) => (child.stdin.write(s + '\n') ? resolve() : child.stdin.once('drain', resolve)));
  await write(JSON.stringify({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, clientName: 'fuzz' } }));
  await write(JSON.stringify({ jsonrpc: '2.0', id: 'big', method: 'audio/probe', params: { path: 'x'.repeat(10 * 1024 * 1024) } }));
  await waitFor(() => responses.length >= 2, 'answers to initialize and the 10 MB frame');
  const big = responses.find((r) => r.id === null && (r.error as { code: number })?.code === -32004);
  assert.ok(big, `the 10 MB frame is refused as too large: ${JSON.stringify(responses)}`);

  const r = rng(20261124);
  const N = 100_000;
  const t0 = Date.now();
  for (let i = 0; i < N; i++) await write(frame(r, i));
  await write(JSON.stringify({ jsonrpc: '2.0', id: 'after', method: 'system/info' }));
  const after = await waitFor(() => responses.find((x) => x.id === 'after'), 'system/info after the fuzz', 120_000);
  assert.ok((after.result as { node: string }).node, 'the daemon still serves');
  assert.equal(child.exitCode, null, 'and is alive');
  for (const x of responses) assert.equal(x.jsonrpc, '2.0');
  const codes = new Map<number, number>();
  for (const x of responses) if (x.error) codes.set((x.error as { code: number }).code, (codes.get((x.error as { code: number }).code) ?? 0) + 1);
  t.diagnostic(`frames fuzzed: ${N} in ${Date.now() - t0} ms; responses ${responses.length}; error codes ${JSON.stringify([...codes])}`);
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
});
