// Which WAV files are read without ffmpeg (daemon/ffmpeg/pcmWav.ts, on containerEnd.ts's header facts): only whole 16 kHz mono 16-bit
// PCM; everything else, including a data chunk cut short, is left to ffmpeg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcmWavData } from '../../../../daemon/ffmpeg/pcmWav';
import { wavEnd } from '../../../../daemon/ffmpeg/containerEnd';
import { fmtChunk, riffChunk as chunk, riffWave as wav } from '../../../helpers/wavBytes';

const data = (n = 1000) => chunk('data', Buffer.alloc(n * 2));
// What decodeAudio does: the container's facts from the head (containerEnd.ts), then the choice.
const parse = (b: Buffer, size = b.length) => pcmWavData(wavEnd(b, size));

test('a plain 16 kHz mono 16-bit WAV: the data chunk, after other chunks, and with chunks after it', () => {
  assert.deepEqual(parse(wav(fmtChunk({}), data())), { dataOffset: 44, dataBytes: 2000 });
  const list = chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00Lavf\x00\x00', 'latin1'));
  const r = parse(wav(fmtChunk({}), list, data(), chunk('JUNK', Buffer.from('tag'))));
  assert.deepEqual(r, { dataOffset: 44 + list.length, dataBytes: 2000 });
});

test('WAVE_FORMAT_EXTENSIBLE with the PCM sub-format is read; with another sub-format it is not', () => {
  assert.ok(parse(wav(fmtChunk({ tag: 0xfffe }), data())));
  assert.equal(parse(wav(fmtChunk({ tag: 0xfffe, subFormat: 3 }), data())), null);
});

test('other rates, channels, sample formats and codecs go to ffmpeg', () => {
  for (const f of [
    { rate: 8000 },
    { rate: 48000 },
    { channels: 2 },
    { bits: 24 },
    { bits: 8 },
    { tag: 3, bits: 32 },
    { tag: 6, bits: 8 },
  ])
    assert.equal(parse(wav(fmtChunk(f), data())), null, JSON.stringify(f));
});

test('a data chunk that runs past the end of the file, is empty, odd, or comes before the format: ffmpeg', () => {
  const whole = wav(fmtChunk({}), data(1000));
  assert.equal(parse(whole, whole.length - 2), null, 'cut short');
  assert.equal(
    parse(wav(fmtChunk({}), chunk('data', Buffer.alloc(0)))),
    null,
    'empty (a recorder that never finished)',
  );
  assert.equal(parse(wav(fmtChunk({}), chunk('data', Buffer.alloc(2000), 0xffffffff))), null, 'unknown length');
  assert.equal(parse(wav(fmtChunk({}), chunk('data', Buffer.alloc(3)))), null, 'half a sample');
  assert.equal(parse(wav(data(), fmtChunk({}))), null, 'data before fmt');
});

test('not RIFF/WAVE at all, or a header cut inside its chunks: null', () => {
  assert.equal(parse(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00 mp3 follows', 'latin1')), null);
  assert.equal(parse(Buffer.from('RIFF\x00\x00\x00\x00AVI LIST', 'latin1')), null);
  const whole = wav(fmtChunk({}), data());
  assert.equal(parse(whole.subarray(0, 30), whole.length), null);
});
