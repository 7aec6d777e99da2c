// The names a re-run of the diarization keeps: a user's name follows its speaker by shared talk time
// when the match is mutual (2 -> 3: the split-off voice is new; 3 -> 2: the bigger share wins),
// default names are not carried, a name is never given twice, and a speaker without a kept name
// keeps its own unless another now has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpeakerTurn, TranscriptSpeaker } from '../../../../common/protocol';
import { isDefaultSpeakerName, keepSpeakerNames } from '../../../../daemon/diarization/keepSpeakerNames';

const turn = (start: number, end: number, speaker: string): SpeakerTurn => ({ start, end, speaker });
const speakers = (...names: string[]): TranscriptSpeaker[] =>
  names.map((name, i) => ({ id: `S${i + 1}`, name, talkSec: 0 }));
const names = (s: TranscriptSpeaker[]) => s.map((x) => x.name);

test('default names are the diarization\'s "Speaker N" only', () => {
  assert.equal(isDefaultSpeakerName('Speaker 3'), true);
  assert.equal(isDefaultSpeakerName('Speaker 12'), true);
  assert.equal(isDefaultSpeakerName('Alice'), false);
  assert.equal(isDefaultSpeakerName('Speaker'), false);
  assert.equal(isDefaultSpeakerName('Speaker 2 (guest)'), false);
});

test('2 -> 3: Alice stays where most of Alice is; the split-off voice gets its default name', () => {
  // Alice talks 0-10 and 20-30, Bob 10-20; the new run splits Alice's second turn off as S3.
  const before = {
    speakers: speakers('Alice', 'Bob'),
    turns: [turn(0, 10, 'S1'), turn(10, 20, 'S2'), turn(20, 30, 'S1')],
  };
  const after = {
    speakers: speakers('Speaker 1', 'Speaker 2', 'Speaker 3'),
    turns: [turn(0, 10, 'S1'), turn(10, 20, 'S2'), turn(20, 27, 'S3'), turn(27, 30, 'S1')],
  };
  assert.deepEqual(names(keepSpeakerNames(before, after)), ['Alice', 'Bob', 'Speaker 3']);
});

test('3 -> 2: a merged cluster takes the name of whoever talked most in it; the other name goes', () => {
  const before = {
    speakers: speakers('Alice', 'Bob', 'Carol'),
    turns: [turn(0, 10, 'S1'), turn(10, 14, 'S2'), turn(14, 30, 'S3')],
  };
  const after = {
    speakers: speakers('Speaker 1', 'Speaker 2'),
    turns: [turn(0, 14, 'S1'), turn(14, 30, 'S2')],
  };
  assert.deepEqual(names(keepSpeakerNames(before, after)), ['Alice', 'Carol']);
});

test('only mutual best matches: a name whose speaker is a small part of a bigger one is not given', () => {
  // Old S2 "Bob" talks 10-12 only; the new S1 is mostly old S1 (unnamed): Bob's best new speaker
  // is S1, but S1's best old speaker is S1, so Bob is not kept and S1 stays "Speaker 1".
  const before = { speakers: speakers('Speaker 1', 'Bob'), turns: [turn(0, 10, 'S1'), turn(10, 12, 'S2')] };
  const after = { speakers: speakers('Speaker 1'), turns: [turn(0, 12, 'S1')] };
  assert.deepEqual(names(keepSpeakerNames(before, after)), ['Speaker 1']);
});

test('default names are not carried; a kept name is never given twice; a clash falls back to "Speaker N"', () => {
  const before = {
    speakers: speakers('Speaker 1', 'Dana'),
    turns: [turn(0, 10, 'S1'), turn(10, 20, 'S2')],
  };
  // The new transcript was cached with its own names earlier: S1 "Dana" (an old rename), S2 "Eve".
  const after = {
    speakers: speakers('Dana', 'Eve'),
    turns: [turn(0, 10, 'S1'), turn(10, 20, 'S2')],
  };
  // Old Dana is now new S2: S2 becomes Dana, so S1 cannot keep "Dana" and is "Speaker 1".
  assert.deepEqual(names(keepSpeakerNames(before, after)), ['Speaker 1', 'Dana']);
});

test('nothing to keep: no named speakers, no turns, no new speakers', () => {
  const after = { speakers: speakers('Speaker 1', 'Speaker 2'), turns: [turn(0, 5, 'S1'), turn(5, 9, 'S2')] };
  assert.deepEqual(keepSpeakerNames({ speakers: speakers('Speaker 1') }, after), after.speakers);
  assert.deepEqual(names(keepSpeakerNames({ speakers: speakers('Alice'), turns: [] }, after)), [
    'Speaker 1',
    'Speaker 2',
  ]);
  assert.deepEqual(keepSpeakerNames({ speakers: speakers('Alice'), turns: [turn(0, 5, 'S1')] }, {}), []);
  assert.notEqual(keepSpeakerNames({}, after), after.speakers, 'a new array');
});
