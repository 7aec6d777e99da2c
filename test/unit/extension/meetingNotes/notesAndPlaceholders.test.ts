import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headingLevelAt, padForInsertion } from '../../../../extension/meetingNotes/notesPlacement';
import {
  audioUrisFromUriList,
  findPlaceholder,
  placeholderIds,
  placeholderText,
} from '../../../../extension/pasteDrop/placeholders';

test('notes take the heading level below the nearest heading above the cursor', () => {
  assert.equal(headingLevelAt([]), 1);
  assert.equal(headingLevelAt(['some text']), 1);
  assert.equal(headingLevelAt(['# Team', '', 'x']), 2);
  assert.equal(headingLevelAt(['# Team', '## Monday', 'x']), 3);
  assert.equal(headingLevelAt(['#### deep']), 4);
  assert.equal(headingLevelAt(['```', '# not a heading', '```']), 1, 'fenced code is not a heading');
  assert.equal(headingLevelAt(['#hashtag']), 1);
});

test('notes are padded into their own blocks', () => {
  assert.equal(padForInsertion('# N\n\nbody\n', '', ''), '# N\n\nbody\n');
  assert.equal(padForInsertion('# N\n', 'text', ''), '\n\n# N\n');
  assert.equal(padForInsertion('# N\n', 'text\n', 'more'), '\n# N\n\n');
  assert.equal(padForInsertion('# N\n', 'text\n\n', '\n\nmore'), '# N');
});

test('placeholders are found by id, even with text typed around them', () => {
  const p = placeholderText('ab12', 'a_b.wav');
  assert.equal(p, '_Transcribing a\\_b.wav with SenseVoice…_ <!-- sensevoice-transcript:ab12 -->');
  const doc = `# Notes\n\nbefore ${p} after\n`;
  assert.deepEqual(placeholderIds(doc), ['ab12']);
  const at = findPlaceholder(doc, 'ab12')!;
  assert.equal(doc.slice(0, at.start) + 'X' + doc.slice(at.end), '# Notes\n\nbefore X after\n');
  assert.equal(findPlaceholder(doc, 'zz'), null);
});

test('audio files are picked out of a uri-list', () => {
  const list =
    '# comment\r\nfile:///home/a/meeting%20one.WAV\r\nfile:///home/a/notes.txt\nfile:///x/y.mp4\nnot a uri\n';
  assert.deepEqual(audioUrisFromUriList(list), ['file:///home/a/meeting%20one.WAV', 'file:///x/y.mp4']);
  assert.deepEqual(audioUrisFromUriList(''), []);
});
