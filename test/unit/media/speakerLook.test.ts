// The transcript view's speaker pieces without a DOM: colours stay with a speaker (through renames
// and merges), the participants line, the overlap mark and one lane per speaker from the turns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nameOf,
  overlapText,
  participants,
  SPEAKER_COLOURS,
  speakerLanes,
  speakerLook,
} from '../../../media/speakerLook';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/paths';

const speakers = [
  { id: 'S1', name: 'Alice', talkSec: 90 },
  { id: 'S2', name: 'Speaker 2', talkSec: 30 },
];

test('a colour per speaker by its id, unchanged by a rename or by merging another speaker away', () => {
  const look = speakerLook(speakers);
  assert.deepEqual(
    [...look.colours],
    [
      ['S1', 0],
      ['S2', 1],
    ],
  );
  const afterMerge = speakerLook([{ id: 'S2', name: 'Bob', talkSec: 120 }]);
  assert.equal(afterMerge.colours.get('S2'), 1, 'S2 keeps its colour when S1 is gone');
  const many = speakerLook(Array.from({ length: 10 }, (_, i) => ({ id: `S${i + 1}`, name: `P${i}`, talkSec: 1 })));
  assert.equal(many.colours.get('S9'), 0, 'the palette repeats after its last colour');
  assert.ok([...many.colours.values()].every((c) => c >= 0 && c < SPEAKER_COLOURS));
  assert.equal(speakerLook([{ id: 'x', name: 'X', talkSec: 1 }]).colours.get('x'), 0, 'a foreign id gets its position');
});

test('the palette in transcript.css has a colour for every slot, for light and for dark themes', () => {
  const css = fs.readFileSync(path.join(ROOT, 'media', 'transcript.css'), 'utf8');
  for (let i = 0; i < SPEAKER_COLOURS; i++) {
    assert.equal(css.match(new RegExp(`--speaker-${i}: #[0-9a-f]{6};`, 'g'))?.length, 2, `--speaker-${i}`);
    assert.match(css, new RegExp(`\\[data-colour='${i}'\\]`));
  }
});

test('names, overlap marks and participants', () => {
  const look = speakerLook(speakers);
  assert.equal(nameOf(look, 'S1'), 'Alice');
  assert.equal(nameOf(look, 'S7'), 'S7');
  assert.equal(overlapText(look, ['S2']), '+ Speaker 2');
  assert.equal(overlapText(look, ['S1', 'S2']), '+ Alice, Speaker 2');
  assert.equal(overlapText(look, undefined), '');
  assert.equal(overlapText(look, []), '');
  assert.deepEqual(participants(look, speakers), [
    { id: 'S1', name: 'Alice', colour: 0, talk: '1 min 30 s', share: 0.75 },
    { id: 'S2', name: 'Speaker 2', colour: 1, talk: '30 s', share: 0.25 },
  ]);
  assert.deepEqual(participants(speakerLook([]), []), []);
});

test('one lane per speaker, its turns sorted; empty turns dropped; a speaker without turns has an empty lane', () => {
  const look = speakerLook(speakers);
  const lanes = speakerLanes(look, speakers, [
    { start: 5, end: 9, speaker: 'S1' },
    { start: 0, end: 4, speaker: 'S1' },
    { start: 3, end: 3, speaker: 'S1' },
    { start: 9, end: 2, speaker: 'S1' },
  ]);
  assert.deepEqual(lanes, [
    {
      id: 'S1',
      name: 'Alice',
      colour: 0,
      spans: [
        { start: 0, end: 4 },
        { start: 5, end: 9 },
      ],
    },
    { id: 'S2', name: 'Speaker 2', colour: 1, spans: [] },
  ]);
});
