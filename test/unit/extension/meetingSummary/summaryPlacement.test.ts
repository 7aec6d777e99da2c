// Where the summary goes in notes the extension made: above the "Transcript" heading of the notes
// block at (or above) the cursor, at that heading's level, the recording read from the block's
// timestamp links; other links, fenced examples and documents without notes are not taken for notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMarkdown } from '../../../../common/formats';
import { linkedAudio, summaryTarget } from '../../../../extension/meetingSummary/summaryPlacement';
import { timestampLink } from '../../../../extension/meetingNotes/timestampLinks';
import { meeting } from '../../common/formats/fixture';

const ID = 'sensevoice.sensevoice';
const notes = (file: string, headingLevel = 1) =>
  formatMarkdown(
    { ...meeting(), file },
    { headingLevel, timestampLink: (sec) => timestampLink('vscode', ID, file, sec) },
  ).split('\n');

test('one notes block: the section goes above its Transcript heading, at its level', () => {
  const lines = ['# Team', '', 'Agenda.', '', ...notes('/rec/a b (1).wav', 2)];
  const target = summaryTarget(lines, 0, ID);
  assert.ok(target);
  assert.equal(target.audioFile, '/rec/a b (1).wav');
  assert.equal(lines[target.line], '### Transcript');
  assert.equal(target.headingLevel, 3);
});

test('several blocks: the one the cursor is in, else the first', () => {
  const first = notes('/rec/one.wav');
  const lines = [...first, ...notes('/rec/two.wav')];
  assert.equal(summaryTarget(lines, 0, ID)?.audioFile, '/rec/one.wav');
  assert.equal(summaryTarget(lines, first.length + 2, ID)?.audioFile, '/rec/two.wav');
  assert.equal(summaryTarget(lines, lines.length - 1, ID)?.audioFile, '/rec/two.wav');
});

test('not notes: no Transcript heading, links of another extension or kind, a fenced example', () => {
  assert.equal(summaryTarget(['# Notes', 'text'], 0, ID), null);
  const other = ['## Transcript', '[0:01](<vscode://someone.else/open?file=%2Fa.wav&t=1>) hi'];
  assert.equal(summaryTarget(other, 0, ID), null);
  const fenced = ['```', '## Transcript', `[0:01](<${timestampLink('vscode', ID, '/a.wav', 1)}>)`, '```'];
  assert.equal(summaryTarget(fenced, 0, ID), null);
  assert.equal(linkedAudio('[x](<vscode://sensevoice.sensevoice/run?file=%2Fa.wav&t=1>)', ID), undefined);
  assert.equal(linkedAudio('[x](<not a url>)', ID), undefined);
  assert.equal(linkedAudio(`**B** [1:00](<${timestampLink('code-oss', ID, '/x.wav', 60)}>): hi`, ID), '/x.wav');
});
