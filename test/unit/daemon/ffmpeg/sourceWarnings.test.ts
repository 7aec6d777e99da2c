// When a decoded file counts as cut short or damaged, on ffmpeg's own log lines: the tolerance for
// encoder padding, estimated and video durations left alone, damage placed and not double-counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DamageLog, positionText, sourceWarnings } from '../../../../daemon/ffmpeg/sourceWarnings';

const log = (
  format: string,
  duration: string,
  extra = '',
  streams = '  Stream #0:0: Audio: mp3, 16000 Hz, mono, fltp, 64 kb/s',
) =>
  `${extra}Input #0, ${format}, from 'file:/a/x':
  Duration: ${duration}, start: 0.069063, bitrate: 64 kb/s
${streams}
Stream mapping:
  Stream #0:0 -> #0:0 (mp3 (mp3float) -> pcm_f32le (native))
`;
const other = { kind: 'other' } as const;

test('a header duration beyond the decoded audio by more than padding is a cut, with both positions', () => {
  const w = sourceWarnings({ stderr: log('mp3', '00:03:42.00'), container: other, decodedSec: 15.2, damage: null });
  assert.equal(w.length, 1);
  assert.equal(w[0].code, 'truncated');
  assert.equal(w[0].atSec, 15.2);
  assert.equal(w[0].expectedSec, 222);
  assert.match(w[0].message, /ends at 15\.2 s but its header promises 3:42/);
});

test('encoder padding and priming are within the tolerance: 0.5 s + 0.1 %', () => {
  // en.mp3: Duration 7.24 (frames incl. delay and padding), 7.152 s decoded.
  assert.deepEqual(
    sourceWarnings({ stderr: log('mp3', '00:00:07.24'), container: other, decodedSec: 7.152, damage: null }),
    [],
  );
  assert.deepEqual(
    sourceWarnings({ stderr: log('mp3', '00:00:07.64'), container: other, decodedSec: 7.152, damage: null }),
    [],
  );
  assert.equal(
    sourceWarnings({ stderr: log('mp3', '00:00:07.70'), container: other, decodedSec: 7.152, damage: null }).length,
    1,
  );
  // One hour: 4.1 s of slack, not 36 s as a percentage would give.
  assert.deepEqual(
    sourceWarnings({ stderr: log('mp3', '01:00:00.00'), container: other, decodedSec: 3596, damage: null }),
    [],
  );
  assert.equal(
    sourceWarnings({ stderr: log('mp3', '01:00:00.00'), container: other, decodedSec: 3590, damage: null }).length,
    1,
  );
  // Longer than promised is never a cut.
  assert.deepEqual(
    sourceWarnings({ stderr: log('mp3', '00:00:05.00'), container: other, decodedSec: 9, damage: null }),
    [],
  );
});

test('durations ffmpeg only estimates from the bitrate, and files with video, are not compared', () => {
  const estimated = log('mp3', '00:03:42.00', '[mp3 @ 0x1] Estimating duration from bitrate, this may be inaccurate\n');
  assert.deepEqual(sourceWarnings({ stderr: estimated, container: other, decodedSec: 15, damage: null }), []);
  const video = log(
    'mov,mp4,m4a,3gp,3g2,mj2',
    '00:03:42.00',
    '',
    '  Stream #0:0(und): Video: h264 (High), yuv420p, 1280x720, 30 fps\n  Stream #0:1(und): Audio: aac (LC), 48000 Hz, stereo, fltp',
  );
  assert.deepEqual(sourceWarnings({ stderr: video, container: other, decodedSec: 15, damage: null }), []);
  const cover = log(
    'mp3',
    '00:03:42.00',
    '',
    '  Stream #0:0: Audio: mp3, 44100 Hz\n  Stream #0:1: Video: mjpeg, 600x600 (attached pic)',
  );
  assert.equal(
    sourceWarnings({ stderr: cover, container: other, decodedSec: 15, damage: null }).length,
    1,
    'a cover picture is not video',
  );
});

test("WAV and Ogg are judged on their own header and end, not ffmpeg's Duration", () => {
  // ffmpeg reports a cut WAV's Duration from the bytes present: it agrees with the decode.
  const wavLog = log('wav', '00:00:03.12');
  const cut = sourceWarnings({
    stderr: wavLog,
    container: { kind: 'wav', dataBytes: 228864, byteRate: 32000, presentBytes: 99956, dataOffset: 44, format: null },
    decodedSec: 3.12,
    damage: null,
  });
  assert.deepEqual(
    cut.map((w) => [w.code, w.atSec, w.expectedSec]),
    [['truncated', 3.12, 7.152]],
  );
  assert.deepEqual(
    sourceWarnings({
      stderr: wavLog,
      container: {
        kind: 'wav',
        dataBytes: 32000 * 3.15,
        byteRate: 32000,
        presentBytes: 32000 * 3.1,
        dataOffset: 44,
        format: null,
      },
      decodedSec: 3.1,
      damage: null,
    }),
    [],
    'a few samples short: within 0.1 s',
  );
  const unsized = sourceWarnings({
    stderr: wavLog,
    container: { kind: 'wav-unsized' },
    decodedSec: 3.12,
    damage: null,
  });
  assert.deepEqual(
    unsized.map((w) => w.code),
    ['unfinished'],
  );
  assert.match(unsized[0].message, /may end early: it ends at 3\.1 s and its header never got its final sizes/);
  const oggLog = log('ogg', '00:00:03.00');
  assert.match(
    sourceWarnings({
      stderr: oggLog,
      container: { kind: 'ogg', lastPageComplete: false, endOfStream: false },
      decodedSec: 3,
      damage: null,
    })[0].message,
    /^The file ends early: it ends at 3\.0 s in the middle of an Ogg page/,
  );
  assert.match(
    sourceWarnings({
      stderr: oggLog,
      container: { kind: 'ogg', lastPageComplete: true, endOfStream: false },
      decodedSec: 3,
      damage: null,
    })[0].message,
    /may end early: it ends at 3\.0 s without the end-of-stream mark/,
  );
  assert.deepEqual(
    sourceWarnings({
      stderr: oggLog,
      container: { kind: 'ogg', lastPageComplete: true, endOfStream: true },
      decodedSec: 3,
      damage: null,
    }),
    [],
  );
});

test('the damage log counts complaints once decoding has started, with the position received by then', () => {
  const d = new DamageLog();
  d.add("[wav @ 0x1] Packet corrupt (stream = 0, dts = NOPTS).\nInput #0, wav, from 'x':\nStream mapping:\n", 0);
  d.add('[mp3float @ 0x2] Header mis', 3.6);
  d.add('sing\nsize=  100kB time=00:00:03.60\n', 3.7);
  d.add('Error while decoding stream #0:0: Invalid data found when processing input', 5.5);
  assert.deepEqual(d.end(6), { count: 2, firstSec: 3.7, lastSec: 6, line: 'Header missing' });
  assert.equal(new DamageLog().end(1), null);
  const f = new DamageLog();
  f.add('Stream mapping:\nfile:/a: b/c.wav: corrupt input packet in stream 0\n', 2);
  assert.equal(f.end(2)?.line, 'corrupt input packet in stream 0', 'the path, colons and all, is dropped');
});

test('damage beside a shortfall: one burst is the cut itself; a shortfall without proof of a cut may be either', () => {
  const garbage = { count: 2, firstSec: 3.67, lastSec: 3.67, line: 'Header missing' };
  // An MP3 with garbage in the middle: frames dropped there shorten it by 0.65 s, like a cut would.
  const either = sourceWarnings({
    stderr: log('mp3', '00:00:07.24'),
    container: other,
    decodedSec: 6.59,
    damage: garbage,
  });
  assert.deepEqual(
    either.map((w) => [w.code, w.atSec, w.expectedSec]),
    [['truncated', 6.59, 7.24]],
  );
  assert.match(
    either[0].message,
    /^The file ends early or is damaged: it ends at 6\.5 s but its header promises 7\.2 s, and ffmpeg found data/,
  );
  // ffmpeg saying the file is smaller than its header: a cut, and its broken last frame is not news.
  const cut = sourceWarnings({
    stderr: log('mp3', '00:00:07.24', '[mp3 @ 0x1] filesize and duration do not match (growing file?)\n'),
    container: other,
    decodedSec: 3.5,
    damage: { count: 1, firstSec: 0, lastSec: 0, line: 'invalid new backstep -1' },
  });
  assert.deepEqual(
    cut.map((w) => w.code),
    ['truncated'],
  );
  assert.match(cut[0].message, /^The file ends early: it ends at 3\.5 s/);
  // A cut WAV (its own header says so) whose last, partial packet ffmpeg calls corrupt.
  const wav = sourceWarnings({
    stderr: log('wav', '00:00:03.12'),
    container: { kind: 'wav', dataBytes: 228864, byteRate: 32000, presentBytes: 99956, dataOffset: 44, format: null },
    decodedSec: 3.12,
    damage: { count: 1, firstSec: 0, lastSec: 0, line: 'corrupt input packet in stream 0' },
  });
  assert.deepEqual(
    wav.map((w) => w.code),
    ['truncated'],
  );
  // Damage in several places besides a cut is said apart.
  const spread = sourceWarnings({
    stderr: log('mp3', '00:10:00.00', '[mp3 @ 0x1] filesize and duration do not match (growing file?)\n'),
    container: other,
    decodedSec: 300,
    damage: { count: 3, firstSec: 61, lastSec: 250, line: 'Header missing' },
  });
  assert.deepEqual(
    spread.map((w) => w.code),
    ['truncated', 'damaged'],
  );
  assert.match(spread[1].message, /could not decode 3 times, from about 1:01 to 4:10 \("Header missing"\)/);
});

test('damage with no shortfall is said alone, with where it was', () => {
  const w = sourceWarnings({
    stderr: log('mp3', '00:00:07.24'),
    container: other,
    decodedSec: 7.152,
    damage: { count: 1, firstSec: 2.9, lastSec: 2.9, line: 'invalid new backstep -1' },
  });
  assert.deepEqual(
    w.map((x) => [x.code, x.atSec, x.expectedSec]),
    [['damaged', 2.9, undefined]],
  );
  assert.match(
    w[0].message,
    /^The file is damaged: ffmpeg found data it could not decode around 2\.9 s \("invalid new backstep -1"\)/,
  );
});

test('positions read as tenths under a minute, as a clock beyond', () => {
  assert.equal(positionText(0.147), '0.1 s');
  assert.equal(positionText(3.7), '3.7 s');
  assert.equal(positionText(59.99), '59.9 s');
  assert.equal(positionText(222), '3:42');
  assert.equal(positionText(3723), '1:02:03');
});
