// Renaming and merging speakers: a name changes in one place and so everywhere; a merge moves every
// segment, overlap mark and turn, joins the turns and counts shared time once; bad edits are coded
// errors and leave the transcript as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SenseVoiceError, type Transcript } from '../../../../common/protocol';
import { formatMarkdown } from '../../../../common/formats';
import {
  applySpeakerEdit,
  mergeSpeakers,
  parseSpeakerEdit,
  renameSpeaker,
  talkSeconds,
} from '../../../../common/formats/speakerEdits';

function threeSpeakers(): Transcript {
  const seg = (start: number, end: number, text: string, speaker: string, overlap?: string[]) => ({
    start,
    end,
    language: 'en',
    emotion: 'NEUTRAL',
    event: 'Speech',
    text,
    tokens: [],
    speaker,
    ...(overlap ? { overlap } : {}),
  });
  return {
    file: '/rec/call.wav',
    durationSec: 20,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 },
    speakers: [
      { id: 'S1', name: 'Speaker 1', talkSec: 6 },
      { id: 'S2', name: 'Speaker 2', talkSec: 5 },
      { id: 'S3', name: 'Speaker 3', talkSec: 4 },
    ],
    segments: [
      seg(0, 5, 'hello', 'S1', ['S2']),
      seg(5, 9, 'hi there', 'S2', ['S3']),
      seg(9, 12, 'yes', 'S3'),
      seg(12, 14, 'ok', 'S1', ['S3', 'S2']),
    ],
    turns: [
      { start: 0, end: 6, speaker: 'S1' },
      { start: 4, end: 9, speaker: 'S2' },
      { start: 8, end: 12, speaker: 'S3' },
      { start: 12, end: 14, speaker: 'S1' },
    ],
  };
}

test('rename: one entry of speakers changes; segments keep their ids; notes show the new name', () => {
  const t = threeSpeakers();
  const r = renameSpeaker(t, 'S2', '  Bob \n Smith ');
  assert.deepEqual(
    r.speakers?.map((s) => s.name),
    ['Speaker 1', 'Bob Smith', 'Speaker 3'],
  );
  assert.deepEqual(r.segments, t.segments);
  assert.equal(t.speakers?.[1].name, 'Speaker 2', 'the argument is not changed');
  const md = formatMarkdown(r);
  assert.match(md, /\*\*Bob Smith\*\* \[0:05\]: hi there/);
  assert.match(md, /_\(over Bob Smith\)_/);
});

test('rename: an unknown id, an empty or too long name are InvalidParams', () => {
  const t = threeSpeakers();
  for (const [id, name] of [
    ['S9', 'Alice'],
    ['S1', '   '],
    ['S1', 'x'.repeat(81)],
  ]) {
    assert.throws(
      () => renameSpeaker(t, id, name),
      (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.InvalidParams,
    );
  }
});

test('merge: segments, overlap marks and turns move to the kept speaker; shared time counts once', () => {
  const m = mergeSpeakers(threeSpeakers(), 'S2', 'S1');
  assert.deepEqual(
    m.speakers?.map((s) => s.id),
    ['S1', 'S3'],
  );
  assert.deepEqual(
    m.segments.map((s) => [s.speaker, s.overlap]),
    [
      ['S1', undefined], // S1 over S2: now one person
      ['S1', ['S3']],
      ['S3', undefined],
      ['S1', ['S3']],
    ],
  );
  assert.deepEqual(m.turns, [
    { start: 0, end: 9, speaker: 'S1' },
    { start: 8, end: 12, speaker: 'S3' },
    { start: 12, end: 14, speaker: 'S1' },
  ]);
  // 0-9 and 12-14: 11 s, not 6 + 5 + 2 with 4-6 counted twice.
  assert.equal(m.speakers?.[0].talkSec, 11);
  assert.equal(m.speakers?.[1].talkSec, 4, 'the others keep theirs');
});

test('merge: the kept speaker keeps its name; merging into a later speaker works too', () => {
  const t = renameSpeaker(threeSpeakers(), 'S3', 'Carol');
  const m = mergeSpeakers(t, 'S1', 'S3');
  assert.deepEqual(
    m.speakers?.map((s) => [s.id, s.name]),
    [
      ['S2', 'Speaker 2'],
      ['S3', 'Carol'],
    ],
  );
  assert.ok(m.segments.every((s) => s.speaker !== 'S1' && !(s.overlap ?? []).includes('S1')));
  assert.equal(m.segments[3].overlap?.join(), 'S2', 'S3 over itself is gone, S2 stays');
  assert.equal(m.speakers?.[1].talkSec, talkSeconds(m.turns ?? [], 'S3'));
  assert.equal(m.speakers?.[1].talkSec, 6 + 6); // 0-6 and 8-14 (8-12 joins 12-14 where they touch)
});

test('merge: into itself or an unknown speaker is refused', () => {
  const t = threeSpeakers();
  assert.throws(() => mergeSpeakers(t, 'S1', 'S1'), SenseVoiceError);
  assert.throws(() => mergeSpeakers(t, 'S1', 'S7'), SenseVoiceError);
  assert.throws(() => mergeSpeakers({ ...t, speakers: undefined }, 'S1', 'S2'), SenseVoiceError);
});

test('edits from outside are checked; applySpeakerEdit routes them', () => {
  assert.deepEqual(parseSpeakerEdit({ kind: 'rename', id: 'S1', name: 'A' }), { kind: 'rename', id: 'S1', name: 'A' });
  assert.deepEqual(parseSpeakerEdit({ kind: 'merge', from: 'S1', into: 'S2' }), {
    kind: 'merge',
    from: 'S1',
    into: 'S2',
  });
  assert.equal(parseSpeakerEdit({ kind: 'rename', id: 'S1' }), null);
  assert.equal(parseSpeakerEdit({ kind: 'merge', from: '', into: 'S2' }), null);
  assert.equal(parseSpeakerEdit({ kind: 'delete', id: 'S1' }), null);
  assert.equal(parseSpeakerEdit('rename'), null);
  const t = threeSpeakers();
  assert.equal(applySpeakerEdit(t, { kind: 'rename', id: 'S1', name: 'Ann' }).speakers?.[0].name, 'Ann');
  assert.equal(applySpeakerEdit(t, { kind: 'merge', from: 'S3', into: 'S2' }).speakers?.length, 2);
});
