// An ID3v2 tag's TLEN: v2.3 (plain sizes) and v2.4 (syncsafe), Latin-1 and UTF-16 text, and the
// tags it leaves alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { id3LengthSec } from '../../../../daemon/ffmpeg/id3Length';

function frame(id: string, body: Buffer, major: 3 | 4): Buffer {
  const h = Buffer.alloc(10);
  h.write(id, 0, 'latin1');
  if (major === 4) h.set(syncsafe(body.length), 4);
  else h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

function syncsafe(n: number): number[] {
  return [(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f];
}

function tag(major: 3 | 4, frames: Buffer[], flags = 0): Buffer {
  const body = Buffer.concat([...frames, Buffer.alloc(32)]); // padding after the frames
  return Buffer.concat([Buffer.from([0x49, 0x44, 0x33, major, 0, flags, ...syncsafe(body.length)]), body]);
}

const text = (s: string) => Buffer.concat([Buffer.from([0]), Buffer.from(s, 'latin1')]);

test('TLEN in milliseconds, after other frames, in v2.3 and v2.4', () => {
  for (const major of [3, 4] as const) {
    const t = tag(major, [frame('TIT2', text('Stand-up'), major), frame('TLEN', text('222000'), major)]);
    assert.equal(id3LengthSec(Buffer.concat([t, Buffer.from([0xff, 0xfb, 0x90, 0x64])])), 222, `v2.${major}`);
  }
  const utf16 = Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from('7152\0', 'utf16le')]);
  assert.equal(id3LengthSec(tag(3, [frame('TLEN', utf16, 3)])), 7.152);
});

test('no tag, no TLEN, a TLEN that is not a number, or a tag this reader skips: null', () => {
  assert.equal(id3LengthSec(Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0])), null);
  assert.equal(id3LengthSec(tag(4, [frame('TIT2', text('x'), 4)])), null);
  assert.equal(id3LengthSec(tag(4, [frame('TLEN', text('3:42'), 4)])), null);
  assert.equal(id3LengthSec(tag(4, [frame('TLEN', text('0'), 4)])), null);
  assert.equal(id3LengthSec(tag(4, [frame('TLEN', text('222000'), 4)], 0x80)), null, 'unsynchronised');
  const v22 = tag(3, [frame('TLEN', text('222000'), 3)]);
  v22[3] = 2;
  assert.equal(id3LengthSec(v22), null, 'v2.2 has 3-letter frames');
  // A frame that runs past the head read: not trusted.
  assert.equal(id3LengthSec(tag(3, [frame('TLEN', text('222000'), 3)]).subarray(0, 20)), null);
});
