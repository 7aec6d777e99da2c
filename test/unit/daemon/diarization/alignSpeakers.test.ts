// Speakers onto ASR segments: most overlap wins, a change of speaker inside a segment splits it at
// token times, overlapping speech is marked; and the cluster numbers become ids by first appearance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpeakerTurn, Transcript, TranscriptSegment } from '../../../../common/protocol';
import {
  alignSpeakers,
  dominantSpeaker,
  overlappingSpeakers,
  talkTime,
} from '../../../../daemon/diarization/alignSpeakers';
import { labelTurns, withSpeakers } from '../../../../daemon/diarization/transcriptSpeakers';

/** A segment whose text is its tokens' (one word every `step` seconds from start). */
function seg(start: number, end: number, words: string[], step = 0.5): TranscriptSegment {
  const tokens = words.map((w, i) => ({ id: i + 1, text: ` ${w}`, start: start + i * step }));
  return {
    start,
    end,
    language: 'en',
    emotion: 'NEUTRAL',
    event: 'Speech',
    text: words.join(' '),
    tokens,
  };
}

const turn = (start: number, end: number, speaker: string): SpeakerTurn => ({ start, end, speaker });

test('the speaker with most overlap wins; with none, the nearest turn', () => {
  const turns = [turn(0, 2, 'S1'), turn(1.5, 5, 'S2'), turn(9, 10, 'S1')];
  assert.equal(dominantSpeaker(turns, 0, 1.8), 'S1');
  assert.equal(dominantSpeaker(turns, 1, 4), 'S2');
  assert.equal(dominantSpeaker(turns, 6, 6.5), 'S2', '1 s from S2, 2.5 s from S1');
  assert.equal(dominantSpeaker(turns, 8, 8.5), 'S1');
  assert.equal(dominantSpeaker([], 0, 1), undefined);
});

test('one speaker per segment: no split, every segment gets a speaker', () => {
  const segments = [seg(0, 2, ['a', 'b', 'c']), seg(3, 5, ['d', 'e', 'f']), seg(7, 7.5, ['g'])];
  const out = alignSpeakers(segments, [turn(0, 2.2, 'S1'), turn(2.8, 5.1, 'S2')]);
  assert.deepEqual(
    out.map((s) => [s.start, s.end, s.speaker, s.text]),
    [
      [0, 2, 'S1', 'a b c'],
      [3, 5, 'S2', 'd e f'],
      [7, 7.5, 'S2', 'g'],
    ],
  );
  assert.ok(out.every((s) => s.overlap === undefined));
});

test('a speaker change inside a segment splits it at the token times, text and tokens with it', () => {
  // Words every 0.5 s from 10 s: S1 says the first four (10-12 s), S2 the last four (12-14 s).
  const s = seg(10, 14, ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight']);
  const out = alignSpeakers([s], [turn(9.8, 12.05, 'S1'), turn(12.1, 14.2, 'S2')]);
  assert.equal(out.length, 2);
  assert.deepEqual(
    out.map((x) => [x.start, x.end, x.speaker, x.text, x.tokens.length]),
    [
      [10, 12, 'S1', 'one two three four', 4],
      [12, 14, 'S2', 'five six seven eight', 4],
    ],
  );
  for (const x of out) assert.equal(x.language, 'en');
});

test('a blip shorter than MIN_PIECE_SEC does not split a segment', () => {
  // Words every 0.2 s; S2 holds the word at 0.6 s alone (0.2 s): too short for a piece of its own.
  const s = seg(0, 1.6, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 0.2);
  const turns = [turn(0, 0.6, 'S1'), turn(0.6, 0.82, 'S2'), turn(0.82, 1.6, 'S1')];
  assert.equal(dominantSpeaker(turns, 0.6, 0.8), 'S2');
  const out = alignSpeakers([s], turns);
  assert.equal(out.length, 1);
  assert.equal(out[0].speaker, 'S1');
  assert.equal(out[0].text, 'a b c d e f g h');
});

test('a text that is not its tokens (edited) is not cut; it takes the dominant speaker', () => {
  const s = { ...seg(10, 14, ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight']), text: 'edited' };
  const out = alignSpeakers([s], [turn(9.8, 11.5, 'S1'), turn(11.5, 14.2, 'S2')]);
  assert.deepEqual(
    out.map((x) => [x.speaker, x.text]),
    [['S2', 'edited']],
  );
});

test('overlapping speech is marked with the other speakers, not hidden', () => {
  const turns = [turn(0, 6, 'S1'), turn(4, 5, 'S2'), turn(5.95, 8, 'S3')];
  assert.deepEqual(overlappingSpeakers(turns, 'S1', 0, 6), ['S2'], 'S3 overlaps S1 by 0.05 s only');
  const out = alignSpeakers([seg(0, 6, ['x'], 1)], turns);
  assert.equal(out[0].speaker, 'S1');
  assert.deepEqual(out[0].overlap, ['S2']);
  // Where S2 speaks alone over nobody, nothing is marked.
  assert.deepEqual(overlappingSpeakers(turns, 'S2', 4, 5), ['S1']);
  assert.deepEqual(overlappingSpeakers([turn(0, 1, 'S1'), turn(1, 2, 'S2')], 'S1', 0, 2), []);
});

test('no turns (silence): segments stay without speakers', () => {
  const segments = [seg(0, 1, ['a'])];
  const out = alignSpeakers(segments, []);
  assert.deepEqual(out, segments);
  assert.equal(out[0].speaker, undefined);
});

test('labelTurns: ids by first appearance, default names, talk time from the turns', () => {
  const { turns, speakers } = labelTurns([
    { start: 5, end: 7.5, speaker: 0 },
    { start: 0.25, end: 4, speaker: 2 },
    { start: 8, end: 9.0004, speaker: 2 },
  ]);
  assert.deepEqual(turns, [turn(0.25, 4, 'S1'), turn(5, 7.5, 'S2'), turn(8, 9, 'S1')]);
  assert.deepEqual(speakers, [
    { id: 'S1', name: 'Speaker 1', talkSec: 4.75 },
    { id: 'S2', name: 'Speaker 2', talkSec: 2.5 },
  ]);
  assert.equal(talkTime(turns, 'S2'), 2.5);
});

test('withSpeakers: segments, speakers and turns on the transcript; a stale reason is dropped', () => {
  const t: Transcript = {
    file: 'a.wav',
    durationSec: 10,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    segments: [seg(0, 2, ['a', 'b', 'c']), seg(5, 7, ['d', 'e'])],
    timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 },
    speakersUnavailable: 'old',
  };
  const out = withSpeakers(t, [
    { start: 0, end: 2, speaker: 1 },
    { start: 5, end: 7, speaker: 0 },
  ]);
  assert.deepEqual(
    out.segments.map((s) => s.speaker),
    ['S1', 'S2'],
  );
  assert.equal(out.speakers?.length, 2);
  assert.equal(out.turns?.length, 2);
  assert.equal(out.speakersUnavailable, undefined);
});
