// The source file's warnings in the exports: written in the JSON export and read back (every field
// checked), a one-line note in the Markdown notes, nothing where a file has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJson, formatMarkdown, formatTranscript, parseTranscriptJson } from '../../../../common/formats';
import type { SourceWarning, Transcript } from '../../../../common/protocol';
import { meeting } from './fixture';

const cut: SourceWarning = {
  code: 'truncated',
  message:
    'The file ends early: it ends at 0:15 but its header promises 3:42. Only the first 0:15 <b>can</b> be transcribed.',
  atSec: 15.2,
  expectedSec: 222,
};
const damaged: SourceWarning = { code: 'damaged', message: 'The file is damaged around 0:07.', atSec: 7.1 };

function partial(): Transcript {
  return { ...meeting(), warnings: [cut, damaged] };
}

test('JSON: warnings after the segments, in their key order, and back unchanged', () => {
  const text = formatJson(partial());
  const doc = JSON.parse(text);
  assert.deepEqual(Object.keys(doc), ['file', 'durationSec', 'model', 'segments', 'warnings', 'timings']);
  assert.deepEqual(Object.keys(doc.warnings[0]), ['code', 'message', 'atSec', 'expectedSec']);
  assert.deepEqual(Object.keys(doc.warnings[1]), ['code', 'message', 'atSec']);
  assert.deepEqual(parseTranscriptJson(text).warnings, [cut, damaged]);
  // The cli's one-line form keeps them too.
  assert.deepEqual(parseTranscriptJson(formatJson(partial(), { pretty: false, timings: false })).warnings, [
    cut,
    damaged,
  ]);
});

test('JSON: a whole file writes no warnings key, and an export without one reads back without', () => {
  const text = formatJson({ ...meeting(), warnings: [] });
  assert.equal('warnings' in JSON.parse(text), false);
  assert.equal('warnings' in parseTranscriptJson(text), false);
});

test('JSON: a wrong warning says where', () => {
  const bad = (warnings: unknown) => () =>
    parseTranscriptJson(JSON.stringify({ ...JSON.parse(formatJson(meeting())), warnings }));
  assert.throws(bad('cut'), /warnings is not a list/);
  assert.throws(bad([null]), /warnings\[0\] is not an object/);
  assert.throws(bad([{ ...cut, code: 'short' }]), /warnings\[0\]\.code is not one of truncated, unfinished, damaged/);
  assert.throws(bad([cut, { ...damaged, atSec: '7' }]), /warnings\[1\]\.atSec is not a number/);
  assert.throws(bad([{ ...cut, expectedSec: null }]), /warnings\[0\]\.expectedSec is not a number/);
  assert.throws(bad([{ code: 'damaged', atSec: 1 }]), /warnings\[0\]\.message is not a string/);
});

test('Markdown: one escaped note line under the facts; none for a whole file', () => {
  const md = formatMarkdown(partial());
  const notes = md.split('\n').filter((l) => l.startsWith('> '));
  assert.equal(notes.length, 1);
  assert.equal(
    notes[0],
    '> ⚠️ **Incomplete audio:** The file ends early: it ends at 0:15 but its header promises 3:42. Only the first 0:15 \\<b\\>can\\</b\\> be transcribed. The file is damaged around 0:07.',
  );
  assert.ok(md.indexOf(notes[0]) < md.indexOf('## Summary'), 'the note comes before the summary');
  assert.match(formatMarkdown(partial(), { emoji: false }), /^> \*\*Incomplete audio:\*\* The file ends early/m);
  assert.doesNotMatch(formatMarkdown(meeting()), /Incomplete audio/);
  assert.doesNotMatch(formatMarkdown({ ...meeting(), warnings: [] }), /Incomplete audio/);
});

test('the subtitle and text exports are the transcript alone: no warning in them', () => {
  for (const f of ['srt', 'vtt', 'txt'] as const)
    assert.equal(formatTranscript(partial(), f), formatTranscript(meeting(), f), f);
});
