// Issue 6: the daemon dies mid-job. A scripted daemon sends a few live segments and then works on
// (answers nothing) until it is SIGKILLed; the real supervisor notices and restarts it. The job must
// fail with DaemonUnavailable, keep the finished segments in its session, offer Retry (Restart
// Daemon once the supervisor has given up), and a retry must then finish the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../../../../client/daemonConnection';
import { CrashBudget } from '../../../../extension/crashBudget';
import { DaemonSupervisor } from '../../../../extension/daemonSupervisor';
import { markFailure, runTranscriptionJob } from '../../../../extension/transcribe/transcriptionJob';
import type { HostMessage } from '../../../../common/pages/transcriptMessages';
import { TranscriptSession } from '../../../../extension/transcript/transcriptSession';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';
import { waitFor } from '../../../helpers/waitFor';

// While `<file>.busy` exists the file "takes long": three segments, then silence. Otherwise the
// whole result at once. Cancel answers Cancelled, as the real daemon does.
const FAKE_DAEMON = `
const fs = require('fs');
const rl = require('readline').createInterface({ input: process.stdin });
const send = (m) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\\n');
const seg = (start, text) => ({ start, end: start + 2, language: 'en', emotion: 'NEUTRAL', event: 'Speech', text, tokens: [] });
const running = new Map();
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.method === 'initialize') send({ id: m.id, result: { protocolVersion: 1, daemonVersion: 'fake', pid: process.pid } });
  if (m.method === 'shutdown') send({ id: m.id, result: null });
  if (m.method === '$/cancel' && running.has(m.params.token)) {
    send({ id: running.get(m.params.token), error: { code: ${ErrorCode.Cancelled}, message: 'Cancelled.' } });
    running.delete(m.params.token);
  }
  if (m.method === 'transcribe/file') {
    const { token, path } = m.params;
    const texts = ['one', 'two', 'three'];
    if (fs.existsSync(path + '.busy')) {
      texts.forEach((t, i) => send({ method: 'transcribe/segment', params: { token, index: i, segment: seg(i * 3, t) } }));
      send({ method: '$/progress', params: { token, fraction: 0.3, segmentsDone: 3 } });
      running.set(token, m.id);
      return;
    }
    send({ id: m.id, result: { file: path, durationSec: 30, model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
      segments: [...texts, 'four'].map((t, i) => seg(i * 3, t)), timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 } } });
  }
});
`;

function setUp(maxRestarts = 3) {
  const dir = tempDir('job');
  const script = path.join(dir, 'daemon.js');
  fs.writeFileSync(script, FAKE_DAEMON);
  const audio = path.join(dir, 'meeting.wav');
  fs.writeFileSync(`${audio}.busy`, '');
  let conn: DaemonConnection | undefined;
  const sup = new DaemonSupervisor({
    start: async () =>
      (conn = await DaemonConnection.start({ command: process.execPath, args: [script], clientName: 'test' })),
    budget: new CrashBudget({ maxRestarts, windowMs: 60_000 }),
    log: () => undefined,
    onState: () => undefined,
    onGiveUp: () => undefined,
  });
  const sent: HostMessage[] = [];
  const session = new TranscriptSession({ fileName: 'meeting.wav', filePath: audio, emoji: true });
  session.setListener((m) => sent.push(m));
  return { sup, session, sent, audio, daemonPid: () => conn!.child.pid! };
}

test('the daemon killed mid-job: DaemonUnavailable, finished segments kept, Retry offered, the daemon back, and a retry finishes', async () => {
  const { sup, session, sent, audio, daemonPid } = setUp();
  try {
    session.begin();
    const job = runTranscriptionJob(sup, audio, session, new AbortController().signal);
    await waitFor(() => session.segmentCount === 3, 'three live segments');
    const pid = daemonPid();
    process.kill(pid, 'SIGKILL');
    const err = await job.then(
      () => assert.fail('the job cannot succeed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SenseVoiceError && err.code === ErrorCode.DaemonUnavailable, String(err));

    const f = markFailure(session, err, sup.state.kind);
    assert.equal(f.codeName, 'DaemonUnavailable');
    assert.deepEqual(f.advice.actions, ['Retry', 'Show Logs']);
    assert.equal(f.segmentsKept, 3);
    assert.equal(
      f.text,
      'The SenseVoice daemon was killed by SIGKILL. The 3 segments finished before it stopped are kept; Retry transcribes the file again.',
    );
    const snap = session.snapshot();
    assert.equal(snap.status, 'failed');
    assert.deepEqual(snap.error, {
      code: 'DaemonUnavailable',
      message: 'The SenseVoice daemon was killed by SIGKILL.',
      canRetry: true,
    });
    assert.deepEqual(
      snap.segments.map((s) => s.text),
      ['one', 'two', 'three'],
      'the finished segments are kept',
    );
    const last = sent.at(-1)!;
    assert.ok(
      last.type === 'snapshot' && last.state.status === 'failed' && last.state.segments.length === 3,
      'the view was told, with the segments',
    );

    // The supervisor restarted the daemon within its budget.
    await waitFor(() => sup.state.kind === 'ready' && sup.state.pid !== pid, 'the daemon restarted');
    // Retry: a new run of the file on the new daemon.
    fs.rmSync(`${audio}.busy`);
    session.begin();
    assert.equal(session.segmentCount, 0, 'a new run starts empty');
    const t = await runTranscriptionJob(sup, audio, session, new AbortController().signal);
    assert.equal(t.segments.length, 4);
    assert.equal(session.snapshot().status, 'done');
    assert.deepEqual(
      session.snapshot().segments.map((s) => s.text),
      ['one', 'two', 'three', 'four'],
    );
  } finally {
    await sup.stop();
  }
});

test('once the supervisor has given up, the failure offers Restart Daemon, not a retry that cannot work', async () => {
  const { sup, session, audio, daemonPid } = setUp(0);
  try {
    session.begin();
    const job = runTranscriptionJob(sup, audio, session, new AbortController().signal);
    await waitFor(() => session.segmentCount === 3, 'three live segments');
    process.kill(daemonPid(), 'SIGKILL');
    const err = await job.catch((e: unknown) => e);
    await waitFor(() => sup.state.kind === 'error', 'the supervisor gives up');
    const f = markFailure(session, err, sup.state.kind);
    assert.deepEqual(f.advice.actions, ['Restart Daemon', 'Show Logs']);
    assert.match(f.text, /are kept\.$/);
    assert.equal(session.snapshot().segments.length, 3);
  } finally {
    await sup.stop();
  }
});

test('a cancel mid-job: the session says cancelled and keeps what arrived; nothing is reported', async () => {
  const { sup, session, audio } = setUp();
  try {
    session.begin();
    const ac = new AbortController();
    const job = runTranscriptionJob(sup, audio, session, ac.signal);
    await waitFor(() => session.segmentCount === 3, 'three live segments');
    ac.abort();
    const err = await job.catch((e: unknown) => e);
    const f = markFailure(session, err, sup.state.kind);
    assert.equal(f.code, ErrorCode.Cancelled);
    assert.equal(f.advice.silent, true);
    assert.equal(session.snapshot().status, 'cancelled');
    assert.equal(session.snapshot().segments.length, 3);
  } finally {
    await sup.stop();
  }
});
