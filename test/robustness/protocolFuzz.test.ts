// The daemon process under hostile input on stdin: a 10 MB frame, then 100,000 random and mutated
// frames. Every frame that deserves an answer gets exactly one, with the frame's id and the error code
// JSON-RPC 2.0 asks for (worked out here from the frame), none other is answered, and the daemon still serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ErrorCode, PROTOCOL_VERSION } from '../../common/protocol';
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

const METHODS = [
  'initialize',
  'system/info',
  'audio/probe',
  'model/load',
  'transcribe/file',
  'daemon/status',
  'no/such',
  '',
  '$/cancel',
  'config/didChange',
];

function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 2 ? 6 : 8));
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor(r() * 2e9) - 1e9;
    case 3:
      return r() * 1e6;
    case 4:
      return String.fromCharCode(...Array.from({ length: Math.floor(r() * 12) }, () => Math.floor(r() * 0xd7ff)));
    case 5:
      return '/nonexistent/' + Math.floor(r() * 1e6) + '.wav';
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(r() * 4) }, (_, i) => [
          ['path', 'token', 'protocolVersion', 'settings', 'x'][i] ?? 'k' + i,
          randomValue(r, depth + 1),
        ]),
      );
  }
}

function frame(r: () => number, id: number): string {
  const base: Record<string, unknown> = {
    jsonrpc: r() < 0.9 ? '2.0' : randomValue(r),
    method: METHODS[Math.floor(r() * METHODS.length)],
  };
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

/** The requests the daemon serves (of METHODS); the rest are unknown or notification-only. */
const SERVED = new Set(['initialize', 'system/info', 'audio/probe', 'model/load', 'transcribe/file', 'daemon/status']);
const APP_CODES = new Set<number>(Object.values(ErrorCode));

/** What JSON-RPC 2.0 says a frame must get: nothing, or one answer with this id and this code ('handled': a result or any coded error but an internal one). */
type Expected = { id: unknown; code: number | 'handled' } | null;

function isId(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || v === null;
}

/** The answer the spec asks for, worked out here from the frame alone (not by the daemon's code). */
function expectedAnswer(line: string): Expected {
  let p: unknown;
  try {
    p = JSON.parse(line);
  } catch {
    return { id: null, code: ErrorCode.ParseError };
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return { id: null, code: ErrorCode.InvalidRequest };
  const o = p as Record<string, unknown>;
  // A frame shaped like a response goes to the daemon's own pending requests; nothing answers it.
  if (o.jsonrpc === '2.0' && !('method' in o) && ('result' in o || 'error' in o) && 'id' in o) return null;
  if (
    o.jsonrpc !== '2.0' ||
    typeof o.method !== 'string' ||
    ('id' in o && !isId(o.id)) ||
    'result' in o ||
    'error' in o
  ) {
    return { id: 'id' in o && isId(o.id) ? o.id : null, code: ErrorCode.InvalidRequest };
  }
  if (!('id' in o)) return null; // a notification
  return { id: o.id, code: SERVED.has(o.method) ? 'handled' : ErrorCode.MethodNotFound };
}

test(
  'a 10 MB frame and 100,000 random and mutated frames: each answered with its own id and the code the spec asks for, and the daemon still serves',
  { timeout: 180_000 },
  async (t) => {
    const child = spawn(process.execPath, [requireBuilt('daemon.js')], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SENSEVOICE_CACHE_DIR: '/nonexistent-cache' },
    });
    t.after(() => child.kill('SIGKILL'));
    let buf = '';
    const responses: Record<string, unknown>[] = [];
    // (decoded as a stream: a character split between two chunks must not turn into two U+FFFD)
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      buf += c;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l) responses.push(JSON.parse(l));
    });
    child.stderr.resume();
    const write = (s: string) =>
      new Promise<void>((resolve) => (child.stdin.write(s + '\n') ? resolve() : child.stdin.once('drain', resolve)));
    await write(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 'init',
        method: 'initialize',
        params: { protocolVersion: PROTOCOL_VERSION, clientName: 'fuzz' },
      }),
    );
    await write(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 'big',
        method: 'audio/probe',
        params: { path: 'x'.repeat(10 * 1024 * 1024) },
      }),
    );
    await waitFor(() => responses.length >= 2, 'answers to initialize and the 10 MB frame');
    assert.equal(responses.length, 2);
    assert.ok(
      responses.find((r) => r.id === 'init' && r.result),
      `initialize answered: ${JSON.stringify(responses[0]).slice(0, 300)}`,
    );
    const big = responses.find((r) => r.id === null && (r.error as { code: number })?.code === ErrorCode.FrameTooLarge);
    assert.ok(big, `the 10 MB frame is refused as too large: ${JSON.stringify(responses).slice(0, 300)}`);
    responses.length = 0;

    const r = rng(20261124);
    const N = Number(process.env.SENSEVOICE_FUZZ_FRAMES ?? 100_000);
    const t0 = Date.now();
    // Expected answers by id (as JSON), each a list: random ids may repeat.
    const expected = new Map<string, (number | 'handled')[]>();
    let notifications = 0;
    for (let i = 0; i < N; i++) {
      const f = frame(r, i);
      const e = expectedAnswer(f);
      if (e) {
        const key = JSON.stringify(e.id);
        const list = expected.get(key);
        if (list) list.push(e.code);
        else expected.set(key, [e.code]);
      } else notifications++;
      await write(f);
    }
    await write(JSON.stringify({ jsonrpc: '2.0', id: 'after', method: 'system/info' }));
    const after = await waitFor(() => responses.find((x) => x.id === 'after'), 'system/info after the fuzz', 120_000);
    assert.ok((after.result as { node: string }).node, 'the daemon still serves');
    assert.equal(child.exitCode, null, 'and is alive');
    // Requests that do work (a probe of a missing file) may answer after system/info: wait for all.
    const answersExpected = [...expected.values()].reduce((n, l) => n + l.length, 0) + 1;
    // (A shortfall is reported below, frame by frame.)
    await waitFor(() => responses.length >= answersExpected, `${answersExpected} answers`, 30_000).catch(
      () => undefined,
    );

    const got = new Map<string, Record<string, unknown>[]>();
    for (const x of responses) {
      if (x.id === 'after') continue;
      assert.equal(x.jsonrpc, '2.0');
      assert.ok('result' in x !== 'error' in x, `a result or an error, not both: ${JSON.stringify(x).slice(0, 200)}`);
      const key = JSON.stringify(x.id);
      const list = got.get(key);
      if (list) list.push(x);
      else got.set(key, [x]);
    }
    const wrong: string[] = [];
    for (const [key, codes] of expected) {
      const answers = got.get(key) ?? [];
      got.delete(key);
      if (answers.length !== codes.length) {
        wrong.push(`id ${key}: ${codes.length} answer(s) due, ${answers.length} came`);
        continue;
      }
      // Tally by code: the exact codes due must all be there; what is left answers the 'handled' frames.
      const tally = new Map<number | 'result', number>();
      for (const a of answers) {
        const c = (a.error as { code?: number } | undefined)?.code ?? 'result';
        tally.set(c, (tally.get(c) ?? 0) + 1);
      }
      for (const c of codes) {
        if (c === 'handled') continue;
        const n = tally.get(c) ?? 0;
        if (n === 0) wrong.push(`id ${key}: an answer with code ${c} is missing; came ${JSON.stringify([...tally])}`);
        else tally.set(c, n - 1);
      }
      for (const [c, n] of tally) {
        if (n > 0 && c !== 'result' && (!APP_CODES.has(c) || c === ErrorCode.InternalError))
          wrong.push(`id ${key}: ${n} handled with code ${c}`);
      }
    }
    for (const [key, answers] of got)
      wrong.push(
        `id ${key}: ${answers.length} answer(s) to no frame that deserved one: ${JSON.stringify(answers[0]).slice(0, 200)}`,
      );
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} frames answered wrongly`);

    const codes = new Map<number, number>();
    for (const x of responses)
      if (x.error)
        codes.set((x.error as { code: number }).code, (codes.get((x.error as { code: number }).code) ?? 0) + 1);
    t.diagnostic(
      `frames fuzzed: ${N} in ${Date.now() - t0} ms; notifications ${notifications}; responses ${responses.length}; error codes ${JSON.stringify([...codes])}`,
    );
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
  },
);
