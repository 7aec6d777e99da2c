import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TranscriptSegment } from '../../../../common/protocol';
import type { HostMessage } from '../../../../common/pages/transcriptMessages';
import { TranscriptSession } from '../../../../extension/transcript/transcriptSession';
import { meeting } from '../../common/formats/fixture';

function seg(start: number, text: string): TranscriptSegment {
  return {
    start,
    end: start + 1,
    language: 'en',
    emotion: 'HAPPY',
    event: 'Speech',
    text,
    tokens: [{ id: 1, text: 'x', start }],
  };
}

function session() {
  const sent: HostMessage[] = [];
  const s = new TranscriptSession({ fileName: 'a.wav', filePath: '/r/a.wav', emoji: true });
  s.setListener((m) => sent.push(m));
  return { s, sent };
}

test('live segments arrive out of order and the snapshot lists them by index, without tokens', () => {
  const { s, sent } = session();
  s.begin();
  s.segment(2, seg(20, 'third'));
  s.segment(0, seg(0, 'first'));
  s.segment(2, seg(20, 'third again'));
  s.progress(0.5, 3);
  const snap = s.snapshot();
  assert.deepEqual(
    snap.segments.map((x) => [x.index, x.text]),
    [
      [0, 'first'],
      [2, 'third again'],
    ],
  );
  assert.equal('tokens' in snap.segments[0], false);
  assert.equal(snap.segmentsDone, 3);
  assert.equal(snap.fraction, 0.5);
  assert.deepEqual(
    sent.map((m) => m.type),
    ['snapshot', 'segment', 'segment', 'segment', 'progress'],
  );
  assert.equal(s.segmentAt(2)?.text, 'third again');
  assert.equal(s.liveSegments, 2, 'a repeated index counts once');
  assert.deepEqual(
    s.partial().segments.map((x) => x.text),
    ['first', 'third again'],
  );
});

test('the final result replaces the live segments; late notifications are ignored', () => {
  const { s, sent } = session();
  s.begin();
  s.segment(0, seg(0, 'live text'));
  const t = meeting();
  s.finish(t);
  s.segment(7, seg(70, 'late'));
  s.progress(0.1, 1);
  const snap = s.snapshot();
  assert.equal(snap.status, 'done');
  assert.deepEqual(
    snap.segments.map((x) => x.text),
    t.segments.map((x) => x.text),
  );
  assert.equal(snap.rtf, t.timings.totalMs / 1000 / t.durationSec);
  assert.deepEqual(snap.model, t.model);
  assert.equal(s.transcript, t);
  assert.equal(sent.at(-1)?.type, 'snapshot', 'nothing after the final snapshot');
});

test('with no live segments at all the final result alone fills the view', () => {
  const { s } = session();
  s.begin();
  s.finish(meeting());
  assert.equal(s.snapshot().segments.length, 4);
});

test('failure and cancel keep what arrived and say why; a new run starts clean', () => {
  const { s } = session();
  s.begin();
  s.segment(0, seg(0, 'kept'));
  s.fail('DecodeFailed', 'ffmpeg could not read it', false);
  assert.deepEqual(s.snapshot().error, { code: 'DecodeFailed', message: 'ffmpeg could not read it', canRetry: false });
  assert.equal(s.snapshot().segments.length, 1);
  s.begin();
  assert.equal(s.snapshot().segments.length, 0);
  assert.equal(s.snapshot().error, null);
  s.cancelled();
  assert.equal(s.status, 'cancelled');
});

test('without a view nothing is sent, and the state is still kept', () => {
  const s = new TranscriptSession({ fileName: 'a.wav', filePath: '/r/a.wav', emoji: false });
  s.begin();
  s.segment(0, seg(0, 'x'));
  assert.equal(s.snapshot().segments.length, 1);
  assert.equal(s.snapshot().emoji, false);
});

test('speakers: a diarized result brings speakers, turns and segment speakers; a new run clears them', () => {
  const { s, sent } = session();
  s.begin();
  const t = meeting();
  t.speakers = [{ id: 'S1', name: 'Alice', talkSec: 3 }];
  t.turns = [{ start: 0, end: 3, speaker: 'S1' }];
  t.segments = t.segments.map((x) => ({ ...x, speaker: 'S1' }));
  s.finish(t);
  const snap = s.snapshot();
  assert.deepEqual(snap.speakers, t.speakers);
  assert.deepEqual(snap.turns, t.turns);
  assert.equal(snap.speakersUnavailable, null);
  assert.ok(snap.segments.every((x) => x.speaker === 'S1'));
  assert.equal(s.segmentAt(0)?.speaker, 'S1');
  s.editSpeakers({ kind: 'rename', id: 'S1', name: 'Ann' });
  const last = sent.at(-1);
  assert.ok(last?.type === 'snapshot' && last.state.speakers[0].name === 'Ann');
  assert.equal(s.transcript?.speakers?.[0].name, 'Ann');
  assert.throws(() => s.editSpeakers({ kind: 'rename', id: 'S5', name: 'X' }));
  assert.equal(s.transcript?.speakers?.[0].name, 'Ann', 'a refused edit changes nothing');
  s.begin();
  assert.deepEqual(s.snapshot().speakers, []);
  assert.deepEqual(s.snapshot().turns, []);
});

test('speakers: a transcript without them says why when diarization could not run, and has none', () => {
  const { s } = session();
  s.begin();
  s.finish({ ...meeting(), speakersUnavailable: 'transcript without speakers: no models' });
  const snap = s.snapshot();
  assert.equal(snap.speakersUnavailable, 'transcript without speakers: no models');
  assert.deepEqual(snap.speakers, []);
  assert.ok(snap.segments.every((x) => x.speaker === undefined));
  assert.throws(() => s.editSpeakers({ kind: 'merge', from: 'S1', into: 'S2' }));
});
