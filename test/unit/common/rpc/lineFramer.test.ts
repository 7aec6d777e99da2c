import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineFramer } from '../../../../common/rpc/lineFramer';

function collect(maxFrameBytes?: number) {
  const frames: string[] = [];
  const oversize: number[] = [];
  const framer = new LineFramer({ onFrame: (l) => frames.push(l), onOversize: (n) => oversize.push(n), maxFrameBytes });
  return { framer, frames, oversize };
}

test('a frame split at every byte position is reassembled', () => {
  const frame = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"x","params":{"p":"音频 ✓ 🎼"}}\n', 'utf8');
  for (let cut = 0; cut <= frame.length; cut++) {
    const { framer, frames } = collect();
    framer.push(frame.subarray(0, cut));
    framer.push(frame.subarray(cut));
    assert.deepEqual(frames, [frame.toString('utf8').trimEnd()], `cut at ${cut}`);
  }
});

test('a multi-byte UTF-8 character split across chunks decodes whole', () => {
  const { framer, frames } = collect();
  const bytes = Buffer.from('"🎼"\n', 'utf8'); // the emoji is 4 bytes
  for (const b of bytes) framer.push(Buffer.from([b]));
  assert.deepEqual(frames, ['"🎼"']);
});

test('two frames in one chunk, and CRLF endings', () => {
  const { framer, frames } = collect();
  framer.push(Buffer.from('{"a":1}\n{"b":2}\r\n{"c"'));
  framer.push(Buffer.from(':3}\n'));
  assert.deepEqual(frames, ['{"a":1}', '{"b":2}', '{"c":3}']);
});

test('blank lines are skipped; a last frame without newline is flushed at end', () => {
  const { framer, frames } = collect();
  framer.push(Buffer.from('\n\n  \n{"a":1}'));
  assert.deepEqual(frames, []);
  framer.end();
  assert.deepEqual(frames, ['{"a":1}']);
});

test('an oversized frame is dropped and reported, and the next frame survives', () => {
  const { framer, frames, oversize } = collect(16);
  framer.push(Buffer.from('{"a":"0123456789'));
  framer.push(Buffer.from('0123456789"}\n{"ok":1}\n'));
  assert.deepEqual(frames, ['{"ok":1}']);
  assert.equal(oversize.length, 1);
  assert.ok(oversize[0] > 16);
});
