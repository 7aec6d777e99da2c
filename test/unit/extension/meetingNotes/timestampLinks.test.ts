// The notes' timestamp links: built for the editor's scheme and this extension, read back exactly,
// anything else refused (any web page can open such a URI); in the notes each [m:ss] is a Markdown
// link whose destination survives spaces and parentheses in the path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMarkdown } from '../../../../common/formats';
import { parseTimestampLink, timestampLink } from '../../../../extension/meetingNotes/timestampLinks';
import { meeting } from '../../common/formats/fixture';

test('a link names the file and the moment (to 0.1 s, rounded down) and reads back', () => {
  const file = '/home/me/Meetings (May)/stand up#1 & more.wav';
  const link = timestampLink('vscode', 'sensevoice.sensevoice', file, 723.46);
  assert.ok(link.startsWith('vscode://sensevoice.sensevoice/open?file='));
  assert.doesNotMatch(link, /[\s<>]/);
  const u = new URL(link);
  assert.deepEqual(parseTimestampLink(u.pathname, u.search.slice(1)), { file, sec: 723.4 });
  assert.match(timestampLink('code-oss', 'a.b', '/x.wav', -3), /&t=0$/);
});

test('anything but an /open link with an absolute file and a plain number is refused', () => {
  const q = (file: string, t: string) => `file=${encodeURIComponent(file)}&t=${t}`;
  assert.deepEqual(parseTimestampLink('/open', q('C:\\rec\\a.wav', '5')), { file: 'C:\\rec\\a.wav', sec: 5 });
  assert.equal(parseTimestampLink('/run', q('/a.wav', '5')), null);
  assert.equal(parseTimestampLink('/open', q('a.wav', '5')), null, 'relative path');
  assert.equal(parseTimestampLink('/open', q('/a\0.wav', '5')), null);
  assert.equal(parseTimestampLink('/open', q('/a.wav', '-1')), null);
  assert.equal(parseTimestampLink('/open', q('/a.wav', '1e9')), null);
  assert.equal(parseTimestampLink('/open', q('/a.wav', 'NaN')), null);
  assert.equal(parseTimestampLink('/open', 't=5'), null);
  assert.equal(parseTimestampLink('/open', `file=${encodeURIComponent('/a.wav')}`), null);
});

test('notes: each timestamp links to its moment; without the option they stay plain', () => {
  const link = (sec: number) => timestampLink('vscode', 'sensevoice.sensevoice', '/r/my meeting (1).wav', sec);
  const t = meeting();
  const md = formatMarkdown(t, { timestampLink: link });
  const first = t.segments[0];
  const stamps = [...md.matchAll(/\[([\d:]+)\]\(<([^<>\s]+)>\)/g)];
  assert.equal(stamps.length, t.segments.length);
  const u = new URL(stamps[0][2]);
  assert.deepEqual(parseTimestampLink(u.pathname, u.search.slice(1)), {
    file: '/r/my meeting (1).wav',
    sec: Math.floor(first.start * 10) / 10,
  });
  assert.doesNotMatch(formatMarkdown(t), /\]\(</);
});

test('diarized notes: "**Alice** [m:ss](<link>): …" per speaker turn', () => {
  const t = meeting();
  t.speakers = [
    { id: 'S1', name: 'Alice', talkSec: 10 },
    { id: 'S2', name: 'Bob', talkSec: 5 },
  ];
  t.segments = t.segments.map((s, i) => ({ ...s, speaker: i % 2 === 0 ? 'S1' : 'S2' }));
  const md = formatMarkdown(t, { timestampLink: (sec) => `vscode://x.y/open?file=%2Fa.wav&t=${sec}` });
  assert.match(md, /^\*\*Alice\*\* \[0:0\d\]\(<vscode:\/\/x\.y\/open\?file=%2Fa\.wav&t=[\d.]+>\): /m);
  assert.match(md, /^\*\*Bob\*\* \[\d+:\d\d\]\(<vscode:/m);
});
