// The live notes block's range follows the document's edits (before, after, inside, across, at its
// boundaries, and its own growth), and its markers find it again after a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TrackedBlock,
  findLiveBlock,
  liveBlockHead,
  liveBlockIds,
  liveTrailer,
  segmentInsertAt,
  userVersion,
  type TextChange,
} from '../../../../extension/live/liveBlock';

/** Applies a change to a string, as the document would. */
function edit(text: string, c: TextChange): string {
  return text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length);
}

test('edits before the block move it; edits after it leave it; the block text stays the same', () => {
  let doc = 'intro\nBLOCK\noutro';
  const b = new TrackedBlock(6, 11);
  const changes: TextChange[] = [
    { offset: 0, length: 0, text: '# Title\n' }, // typed at the top
    { offset: 0, length: 2, text: '' }, // deleted before
    { offset: 17, length: 0, text: ' more' }, // typed after (doc is now '# Title\nintro\nBLOCK...' shifted)
  ];
  for (const c of changes) {
    doc = edit(doc, c);
    assert.notEqual(b.apply(c), 'inside');
  }
  assert.equal(doc.slice(b.start, b.end), 'BLOCK');
});

test('an insertion exactly at either boundary falls outside; one announced with expect() is the block’s own', () => {
  let doc = 'aaBLOCKbb';
  const b = new TrackedBlock(2, 7);
  const before = { offset: 2, length: 0, text: 'X' };
  assert.equal(b.apply(before), 'before');
  doc = edit(doc, before);
  const after = { offset: 8, length: 0, text: 'Y' };
  assert.equal(b.apply(after), 'after');
  doc = edit(doc, after);
  assert.equal(doc.slice(b.start, b.end), 'BLOCK');
  const own = { offset: 8, length: 0, text: '+seg' };
  b.expect(own);
  assert.equal(b.apply(own), 'own');
  doc = edit(doc, own);
  assert.equal(doc.slice(b.start, b.end), 'BLOCK+seg');
  assert.equal(doc, 'aaXBLOCK+segYbb');
});

test('edits inside or across the block are inside: it grows or shrinks with them', () => {
  let doc = '0123BLOCK5678';
  const b = new TrackedBlock(4, 9);
  const inside = { offset: 6, length: 1, text: 'ooo' };
  assert.equal(b.apply(inside), 'inside');
  doc = edit(doc, inside);
  assert.equal(doc.slice(b.start, b.end), 'BLoooCK');
  const across = { offset: 2, length: 4, text: '!' }; // deletes '23BL', types '!'
  assert.equal(b.apply(across), 'inside');
  doc = edit(doc, across);
  assert.equal(doc.slice(b.start, b.end), '!oooCK');
});

test('an expected change reported with CRLF is still the block’s own', () => {
  const b = new TrackedBlock(0, 3);
  b.expect({ offset: 3, length: 0, text: 'a\nb' });
  assert.equal(b.apply({ offset: 3, length: 0, text: 'a\r\nb' }), 'own');
  assert.equal(b.end, 7);
});

test('the block is found by its markers; the user’s version drops only the markers and trailer', () => {
  const head = liveBlockHead({
    id: 'ab12',
    recording: '/n/recording-1.ogg',
    date: '2026-12-05 09:00',
    headingLevel: 2,
  });
  const block = head + '**[0:01]** hello\n\n' + liveTrailer('ab12');
  const doc = `# Notes\n\n${block}\n\nafter\n`;
  const found = findLiveBlock(doc, 'ab12')!;
  assert.equal(doc.slice(found.start, found.end), block);
  assert.deepEqual(liveBlockIds(doc), ['ab12']);
  assert.equal(findLiveBlock(doc, 'zz'), null);
  assert.equal(segmentInsertAt(block, 'ab12'), block.length - liveTrailer('ab12').length);
  assert.equal(segmentInsertAt('trailer removed', 'ab12'), 'trailer removed'.length);
  const mine = userVersion(block.replace('hello', 'hello, edited'), 'ab12');
  assert.ok(!mine.includes('sensevoice-live'));
  assert.match(mine, /^## Meeting notes: recording-1\n/);
  assert.match(mine, /hello, edited$/);
});
