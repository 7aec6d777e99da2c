import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerComplete, parseExactContainerDuration, parseSourceInfo } from '../../../../daemon/ffmpeg/sourceInfo';

const banner = (stream: string) => `Input #0, wav, from 'file:/a b/x.wav':
  Duration: 00:00:07.15, bitrate: 256 kb/s
${stream}
Stream mapping:
  Stream #0:0 -> #0:0 (pcm_s16le (native) -> pcm_f32le (native))
Output #0, f32le, to 'pipe:1':
  Stream #0:0: Audio: pcm_f32le, 16000 Hz, mono, flt, 512 kb/s`;

test('parses codec, rate and channel layouts as ffmpeg prints them', () => {
  const cases: [string, { codec: string; sampleRate: number; channels: number }][] = [
    [
      '  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 16000 Hz, mono, s16, 256 kb/s',
      { codec: 'pcm_s16le', sampleRate: 16000, channels: 1 },
    ],
    ['  Stream #0:0: Audio: mp3, 48000 Hz, stereo, fltp, 128 kb/s', { codec: 'mp3', sampleRate: 48000, channels: 2 }],
    [
      '  Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, 5.1(side), fltp, 384 kb/s (default)',
      { codec: 'aac', sampleRate: 44100, channels: 6 },
    ],
    ['  Stream #0:0: Audio: opus, 48000 Hz, stereo, fltp', { codec: 'opus', sampleRate: 48000, channels: 2 }],
    ['  Stream #0:0: Audio: flac, 8000 Hz, 3 channels, s16', { codec: 'flac', sampleRate: 8000, channels: 3 }],
    [
      '  Stream #0:0[0x1](eng): Audio: aac (HE-AAC), 22050 Hz, stereo, fltp',
      { codec: 'aac', sampleRate: 22050, channels: 2 },
    ],
  ];
  for (const [line, expected] of cases) assert.deepEqual(parseSourceInfo(banner(line)), expected, line);
});

test('takes the first audio stream of input #0, not the output or a video stream', () => {
  const text = banner(
    '  Stream #0:0: Video: h264, yuv420p, 640x480\n  Stream #0:1: Audio: aac (LC), 44100 Hz, stereo, fltp',
  );
  assert.deepEqual(parseSourceInfo(text), { codec: 'aac', sampleRate: 44100, channels: 2 });
});

test('no audio stream listed gives null', () => {
  assert.equal(parseSourceInfo(banner('  Stream #0:0: Video: h264, yuv420p, 640x480')), null);
  assert.equal(parseSourceInfo(''), null);
});

test('exact container duration: MP4 family only, and the stream mapping ends the header', () => {
  const m4a =
    "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/x.m4a':\n  Duration: 00:01:03.53, start: 0.000000, bitrate: 66 kb/s\n";
  assert.equal(parseExactContainerDuration(m4a), 63.53);
  const mp3 = "Input #0, mp3, from 'file:/x.mp3':\n  Duration: 00:00:03.55, start: 0.025057, bitrate: 64 kb/s\n";
  assert.equal(parseExactContainerDuration(mp3), null, 'an mp3 duration may be a bitrate estimate');
  assert.equal(
    parseExactContainerDuration("Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x':\n  Duration: N/A, bitrate: N/A\n"),
    null,
  );
  assert.equal(headerComplete(m4a), false);
  assert.equal(headerComplete(m4a + 'Stream mapping:\n  Stream #0:0 -> #0:0\n'), true);
});
