// A recording never replaces a file: an explicit path that exists is refused with its own code, a
// name picked in a folder skips the names taken, and ffmpeg itself is told never to overwrite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { recordingPath } from '../../../../daemon/live/recordingPath';
import { captureArgs, encodeArgs } from '../../../../daemon/live/captureArgs';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';

test('an existing --out is refused (RecordingExists) and left as it was', () => {
  const dir = tempDir('rec-path');
  const mine = path.join(dir, 'meeting.ogg');
  fs.writeFileSync(mine, 'my notes');
  assert.throws(
    () => recordingPath({ out: mine, format: 'ogg' }),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.RecordingExists,
  );
  assert.equal(fs.readFileSync(mine, 'utf8'), 'my notes');
  assert.equal(recordingPath({ out: path.join(dir, 'new.wav'), format: 'wav' }), path.join(dir, 'new.wav'));
});

test('in a folder: recording-<date>-<time>.<ext>, then -2, -3 when taken', () => {
  const dir = tempDir('rec-dir');
  const now = new Date(2026, 11, 4, 9, 5, 7);
  const first = recordingPath({ dir, format: 'ogg', now });
  assert.equal(first, path.join(dir, 'recording-2026-12-04-090507.ogg'));
  fs.writeFileSync(first, '');
  assert.equal(recordingPath({ dir, format: 'ogg', now }), path.join(dir, 'recording-2026-12-04-090507-2.ogg'));
  assert.equal(recordingPath({ dir, format: 'wav', now }), path.join(dir, 'recording-2026-12-04-090507.wav'));
});

test('a missing folder is a FileNotFound, not a crash in ffmpeg', () => {
  assert.throws(
    () => recordingPath({ out: path.join(tempDir('rec-missing'), 'no', 'such', 'x.ogg'), format: 'ogg' }),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.FileNotFound,
  );
});

test('the encoder is run with -n (never overwrite) and flushes the recording every packet; the capture writes no file', () => {
  const args = encodeArgs({ file: '/r/a.ogg', format: 'ogg' });
  assert.ok(args.indexOf('-n') >= 0 && args.indexOf('-n') < args.indexOf('-i'));
  assert.deepEqual(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2), ['-i', 'pipe:0']);
  const fileAt = args.indexOf('file:/r/a.ogg');
  assert.equal(fileAt, args.length - 1);
  assert.ok(args.join(' ').includes('-flush_packets 1'));
  assert.ok(args.join(' ').includes('-page_duration 200000'), 'Ogg pages of 200 ms');
  const capture = captureArgs({ inputFormat: 'pulse', device: 'x.monitor' });
  assert.deepEqual(capture.slice(-5), ['-f', 'f32le', '-flush_packets', '1', 'pipe:1']);
  assert.ok(!capture.some((a) => a.startsWith('file:')));
});
