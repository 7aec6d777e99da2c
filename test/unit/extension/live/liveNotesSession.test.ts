// Record Meeting Notes without VS Code: a fake daemon (answers and notifications as the real one
// sends them) and a document that reports its changes as VS Code does, synchronously during the edit.
// Checked: the live block streams segments in the Insert Meeting Notes line format; the final notes
// replace it and nothing else; text typed before, after and inside it survives (inside: asked, kept
// and followed by the final notes unless the user chose to replace); pause and resume; the capture
// ending on its own; the daemon dying (notes and file kept, Finish Transcribing makes the final notes);
// a window that died (the block found again by its markers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMarkdown, type TranscriptData } from '../../../../common/formats';
import { markdownSegmentLine } from '../../../../common/formats/markdown';
import { ErrorCode, SenseVoiceError, type TranscriptSegment } from '../../../../common/protocol';
import { insertionPadding } from '../../../../extension/meetingNotes/notesPlacement';
import { liveMarker, type TextChange } from '../../../../extension/live/liveBlock';
import { routeLive, type LiveConnection } from '../../../../extension/live/liveRouting';
import type { DaemonExit } from '../../../../client/daemonConnection';
import {
  LiveNotesSession,
  type EditedChoice,
  type LiveDaemon,
  type LiveNotesOptions,
  type NotesDocument,
} from '../../../../extension/live/liveNotesSession';

const REC = '/notes/recording-2026-12-05-090000.ogg';
const DATE = '2026-12-05 09:00';

function seg(start: number, text: string, emotion = 'NEUTRAL'): TranscriptSegment {
  return { start, end: start + 2, language: 'en', emotion, event: 'Speech', text, tokens: [] };
}

function transcript(segments: TranscriptSegment[], file = REC): TranscriptData {
  return { file, durationSec: 12, model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' }, segments };
}

class FakeDocument implements NotesDocument {
  session: LiveNotesSession | undefined;
  constructor(public content: string) {}
  text(): string {
    return this.content;
  }
  async replace(start: number, end: number, text: string): Promise<boolean> {
    this.edit({ offset: start, length: end - start, text });
    return true;
  }
  /** An edit (the user's, or one of `replace`), reported at once like onDidChangeTextDocument. */
  edit(c: TextChange): void {
    this.content = this.content.slice(0, c.offset) + c.text + this.content.slice(c.offset + c.length);
    this.session?.documentChanged([c]);
  }
  type(at: string, text: string, after = true): void {
    const i = this.content.indexOf(at);
    assert.ok(i >= 0, `${at} in the document`);
    this.edit({ offset: after ? i + at.length : i, length: 0, text });
  }
}

class FakeDaemon implements LiveDaemon {
  calls: { method: string; params: unknown }[] = [];
  final: TranscriptData | null = transcript([seg(1, 'Hello everyone.'), seg(5, 'Let us start.', 'HAPPY')]);
  dead = false;
  async request(
    method: string,
    params: unknown,
    options?: { onProgress?: (p: { token: string; fraction?: number; message?: string }) => void },
  ): Promise<never> {
    this.calls.push({ method, params });
    if (this.dead) throw new SenseVoiceError(ErrorCode.DaemonUnavailable, 'The daemon stopped.');
    options?.onProgress?.({ token: 't', fraction: 0.9, message: 'diarizing' });
    const answers: Record<string, unknown> = {
      'live/start': { id: 'live-c1-1', path: REC, device: 'default', inputFormat: 'pulse', format: 'ogg' },
      'live/pause': { paused: true, capturedSec: 3 },
      'live/resume': { paused: false, capturedSec: 3 },
      'live/stop': { path: REC, capturedSec: 12, pausedSec: 0, transcript: this.final, ended: null },
      'transcribe/file': this.final,
    };
    if (!(method in answers)) throw new Error(`unexpected ${method}`);
    return answers[method] as never;
  }
}

async function start(
  doc: FakeDocument,
  daemon = new FakeDaemon(),
  answer?: EditedChoice,
  more: Partial<LiveNotesOptions> = {},
) {
  const asked: number[] = [];
  const session = await LiveNotesSession.start(
    {
      ...more,
      daemon,
      doc,
      emoji: true,
      askReplaceEdited: async () => {
        asked.push(1);
        return answer;
      },
      onChange: () => undefined,
      onCreated: (s) => (doc.session = s),
    },
    { at: doc.content.indexOf('CURSOR'), markerId: 'm1', dir: '/notes', date: DATE, headingLevel: 2 },
    insertionPadding,
  );
  assert.equal(doc.session, session);
  return { session, daemon, asked };
}

/** Waits for the session's queued edits (each segment is one edit, in order). */
const settle = () => new Promise((r) => setImmediate(r));

const finalNotes = (t: TranscriptData) =>
  formatMarkdown(t, { emoji: true, date: DATE, headingLevel: 2 }).replace(/\n+$/, '');

test('streams segments into the block as they come, then replaces it with the final notes, leaving the rest alone', async () => {
  const doc = new FakeDocument('# Team\n\nAgenda\nCURSOR\nEnd\n');
  const { session, daemon } = await start(doc);
  assert.deepEqual(daemon.calls[0], {
    method: 'live/start',
    params: { device: undefined, dir: '/notes', format: 'ogg' },
  });
  assert.match(
    doc.content,
    /^# Team\n\nAgenda\n\n<!-- sensevoice-live:m1 -->\n## Meeting notes: recording-2026-12-05-090000\n/,
  );
  assert.ok(doc.content.endsWith('<!-- sensevoice-live:m1 -->\n\nCURSOR\nEnd\n'), doc.content);

  session.segment({ id: 'live-c1-1', index: 0, segment: seg(1, 'Hello everyone.') });
  doc.type('# Team', ' A'); // typed above the block while recording
  session.segment({ id: 'live-c1-1', index: 1, segment: seg(5, 'Let us start.', 'HAPPY') });
  session.segment({ id: 'other-job', index: 0, segment: seg(9, 'not ours') });
  await settle();
  doc.type('End', ' of file'); // typed below
  const live = doc.content.slice(session.range.start, session.range.end);
  const first = markdownSegmentLine(seg(1, 'Hello everyone.'));
  const second = markdownSegmentLine(seg(5, 'Let us start.', 'HAPPY'));
  assert.ok(live.includes(`${first}\n\n${second}\n\n_Live notes:`), live);
  assert.ok(!doc.content.includes('not ours'));

  session.level({ id: 'live-c1-1', rmsDbfs: -20, capturedSec: 7.5, paused: false });
  assert.equal(session.recordedSec, 7.5);
  await session.stop();
  assert.equal(session.state, 'finished');
  assert.equal(doc.content, `# Team A\n\nAgenda\n\n${finalNotes(daemon.final!)}\n\nCURSOR\nEnd of file\n`);
  assert.ok(!session.userEdited);
});

test('edited inside: asked; no answer keeps the user’s version and puts the final notes after it', async () => {
  const doc = new FakeDocument('CURSOR');
  const { session, daemon, asked } = await start(doc);
  session.segment({ id: 'live-c1-1', index: 0, segment: seg(1, 'Hello everyone.') });
  await settle();
  doc.type('Hello everyone.', ' (Ann joined)');
  session.segment({ id: 'live-c1-1', index: 1, segment: seg(5, 'Let us start.') });
  await settle();
  assert.ok(doc.content.includes('Hello everyone. (Ann joined)'));
  await session.stop();
  assert.equal(asked.length, 1);
  const final = finalNotes(daemon.final!);
  assert.ok(doc.content.includes('Hello everyone. (Ann joined)'), 'the user’s edit is kept');
  assert.ok(doc.content.includes(`\n\n${final}`), 'the final notes follow');
  assert.ok(!doc.content.includes(liveMarker('m1')) && !doc.content.includes('_Live notes:'), 'only our markers go');
  assert.ok(doc.content.endsWith(`${final}\n\nCURSOR`), doc.content);
});

test('edited inside and the user chooses to replace: the final notes alone', async () => {
  const doc = new FakeDocument('before\n\nCURSOR');
  const { session, daemon } = await start(doc, new FakeDaemon(), 'replace');
  doc.type('Meeting notes', ' (draft)');
  await session.stop();
  assert.equal(doc.content, `before\n\n${finalNotes(daemon.final!)}\n\nCURSOR`);
});

test('pause and resume ask the daemon with the job id; a capture that ends on its own finishes the notes', async () => {
  const doc = new FakeDocument('CURSOR');
  const { session, daemon } = await start(doc);
  await session.pause();
  assert.equal(session.state, 'paused');
  await session.resume();
  assert.equal(session.state, 'recording');
  assert.deepEqual(
    daemon.calls.slice(1).map((c) => [c.method, c.params]),
    [
      ['live/pause', { id: 'live-c1-1' }],
      ['live/resume', { id: 'live-c1-1' }],
    ],
  );
  await session.ended({ id: 'live-c1-1', code: ErrorCode.CaptureFailed, message: 'The device went away.' });
  assert.equal(session.problem, 'The device went away.');
  assert.equal(session.state, 'finished');
  assert.ok(doc.content.includes(finalNotes(daemon.final!)));
});

test('the daemon dies mid-recording: the live notes stay; Finish Transcribing transcribes the file into the notes', async () => {
  const doc = new FakeDocument('CURSOR');
  const { session, daemon } = await start(doc);
  session.segment({ id: 'live-c1-1', index: 0, segment: seg(1, 'Hello everyone.') });
  await settle();
  session.daemonLost('the daemon was stopped by SIGKILL');
  assert.equal(session.state, 'interrupted');
  const kept = doc.content;
  assert.ok(kept.includes('Hello everyone.') && kept.includes(liveMarker('m1')));
  // A stop now reaches no daemon; the notes are left as they are.
  daemon.dead = true;
  await assert.rejects(session.pause());
  assert.equal(doc.content, kept);
  daemon.dead = false;
  await session.finishTranscribing();
  assert.deepEqual(daemon.calls.at(-1), { method: 'transcribe/file', params: { path: REC } });
  assert.equal(session.state, 'finished');
  assert.equal(doc.content, `${finalNotes(daemon.final!)}\n\nCURSOR`);
});

test('speakers on: the stop and Finish Transcribing ask for them; the final notes name who spoke; no models: said once', async () => {
  const doc = new FakeDocument('CURSOR');
  const daemon = new FakeDaemon();
  const speakers = [
    { id: 'S1', name: 'Alice', talkSec: 2 },
    { id: 'S2', name: 'Speaker 2', talkSec: 2 },
  ];
  daemon.final = {
    ...transcript([
      { ...seg(1, 'Hello everyone.'), speaker: 'S1' },
      { ...seg(5, 'Thanks, Alice.'), speaker: 'S2' },
    ]),
    speakers,
  };
  const diarization = { numSpeakers: 0, profiles: [] };
  let setting: { diarization?: typeof diarization } = { diarization };
  const unavailable: string[] = [];
  const { session } = await start(doc, daemon, undefined, {
    speakers: () => setting,
    onSpeakersUnavailable: (why) => unavailable.push(why),
  });
  const progress: [number, string][] = [];
  await session.stop((f, m) => progress.push([f, m]));
  assert.deepEqual(progress, [[0.9, 'diarizing']], 'the final transcription’s progress is passed on');
  assert.deepEqual(daemon.calls.at(-1), { method: 'live/stop', params: { id: 'live-c1-1', diarization } });
  assert.match(doc.content, /\*\*Alice\*\* \[0:01\]/);
  assert.match(doc.content, /\*\*Speaker 2\*\* \[0:05\]/);
  assert.equal(doc.content, `${finalNotes(daemon.final!)}\n\nCURSOR`);
  assert.equal(unavailable.length, 0);

  // The setting is read when the notes are finished: turned off meanwhile, none are asked for.
  const doc2 = new FakeDocument('CURSOR');
  const daemon2 = new FakeDaemon();
  daemon2.final = {
    ...transcript([seg(1, 'Hello.')]),
    speakersUnavailable: 'transcript without speakers: no models',
  } as TranscriptData;
  const second = await start(doc2, daemon2, undefined, {
    speakers: () => setting,
    onSpeakersUnavailable: (why) => unavailable.push(why),
  });
  second.session.daemonLost('the daemon was stopped by SIGKILL');
  setting = {};
  await second.session.finishTranscribing();
  assert.deepEqual(daemon2.calls.at(-1), { method: 'transcribe/file', params: { path: REC } });
  setting = { diarization };
  const third = await start(new FakeDocument('CURSOR'), daemon2, undefined, {
    speakers: () => setting,
    onSpeakersUnavailable: (why) => unavailable.push(why),
  });
  third.session.daemonLost('gone');
  await third.session.finishTranscribing();
  assert.deepEqual(daemon2.calls.at(-1), { method: 'transcribe/file', params: { path: REC, diarization } });
  assert.deepEqual(unavailable, ['transcript without speakers: no models', 'transcript without speakers: no models']);
});

test('the daemon dies during the stop: interrupted, not finished; Finish Transcribing still works', async () => {
  const doc = new FakeDocument('CURSOR');
  const { session, daemon } = await start(doc);
  daemon.dead = true;
  await assert.rejects(session.stop());
  assert.equal(session.state, 'interrupted');
  daemon.dead = false;
  await session.finishTranscribing();
  assert.equal(session.state, 'finished');
});

test('a window that died: the block is found by its markers and finished, asking first (edits unknown)', async () => {
  const doc = new FakeDocument('CURSOR');
  const first = await start(doc);
  first.session.segment({ id: 'live-c1-1', index: 0, segment: seg(1, 'Hello everyone.') });
  await settle();
  doc.session = undefined; // the window is gone; what it wrote stays
  doc.content = `typed later\n\n${doc.content}`;
  const daemon = new FakeDaemon();
  const asked: number[] = [];
  const again = LiveNotesSession.recover(
    {
      daemon,
      doc,
      emoji: true,
      askReplaceEdited: async () => (asked.push(1), 'replace'),
      onChange: () => undefined,
    },
    { ...first.session.info },
  )!;
  doc.session = again;
  assert.equal(again.state, 'interrupted');
  await again.finishTranscribing();
  assert.equal(asked.length, 1);
  assert.equal(doc.content, `typed later\n\n${finalNotes(daemon.final!)}\n\nCURSOR`);
  assert.equal(
    LiveNotesSession.recover(
      { daemon, doc, emoji: true, askReplaceEdited: async () => undefined, onChange: () => undefined },
      first.session.info,
    ),
    null,
  );
});

test('notes that cannot go into the document stop the recording (kept) and say so', async () => {
  const doc = new FakeDocument('CURSOR');
  doc.replace = async () => false;
  const daemon = new FakeDaemon();
  await assert.rejects(start(doc, daemon), /recording stopped and is kept in/);
  assert.equal(daemon.calls.at(-1)?.method, 'live/stop');
});

test('nothing recorded: the block says so', async () => {
  const doc = new FakeDocument('CURSOR');
  const daemon = new FakeDaemon();
  daemon.final = null;
  const { session } = await start(doc, daemon);
  await session.stop();
  assert.equal(doc.content, '## Meeting notes: recording-2026-12-05-090000\n\n_Nothing was recorded._\n\nCURSOR');
});

/** A daemon connection's notification and exit hooks, driven by the test. */
class FakeConnection implements LiveConnection {
  readonly handlers = new Map<string, (params: unknown) => void>();
  readonly exits: ((e: DaemonExit) => void)[] = [];
  endpoint = { onNotification: (method: string, h: (params: unknown) => void) => void this.handlers.set(method, h) };
  onExit(listener: (e: DaemonExit) => void): void {
    this.exits.push(listener);
  }
  send(method: string, params: unknown): void {
    this.handlers.get(method)?.(params);
  }
  die(e: DaemonExit): void {
    for (const l of this.exits) l(e);
  }
}

test('through a connection: segments and levels reach the session; the connection dying interrupts it, notes and file kept', async () => {
  const doc = new FakeDocument('CURSOR');
  const { session, daemon } = await start(doc);
  const conn = new FakeConnection();
  const ended: string[] = [];
  routeLive(conn, { session: () => session, onEnded: (p) => ended.push(p.message) });
  conn.send('live/segment', { id: 'live-c1-1', index: 0, segment: seg(1, 'Hello everyone.') });
  conn.send('live/level', { id: 'live-c1-1', rmsDbfs: -12, capturedSec: 2.25, paused: false });
  await settle();
  assert.ok(doc.content.includes('Hello everyone.'));
  assert.equal(session.recordedSec, 2.25);
  conn.send('live/ended', { id: 'another', code: ErrorCode.CaptureFailed, message: 'not ours' });
  assert.deepEqual(ended, []);
  conn.die({ code: null, signal: 'SIGKILL', expected: false });
  assert.equal(session.state, 'interrupted');
  assert.equal(session.problem, 'the daemon was stopped by SIGKILL');
  assert.ok(doc.content.includes('Hello everyone.') && doc.content.includes('_Live notes:'), 'the live notes stay');
  assert.ok(!daemon.calls.some((c) => c.method === 'live/stop'), 'nothing asked of a dead daemon');
  // A later exit of another connection leaves the interrupted session alone.
  conn.die({ code: 0, signal: null, expected: true });
  assert.equal(session.state, 'interrupted');
  await session.finishTranscribing();
  assert.equal(doc.content, `${finalNotes(daemon.final!)}\n\nCURSOR`);
});

test('through a connection: live/ended for the session is reported and finishes the notes', async () => {
  const doc = new FakeDocument('CURSOR');
  const { session } = await start(doc);
  const conn = new FakeConnection();
  const finishing: Promise<void>[] = [];
  routeLive(conn, { session: () => session, onEnded: (_p, f) => finishing.push(f) });
  conn.send('live/ended', { id: 'live-c1-1', code: ErrorCode.CaptureFailed, message: 'The device went away.' });
  assert.equal(finishing.length, 1);
  await finishing[0];
  assert.equal(session.state, 'finished');
});
