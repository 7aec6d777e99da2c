// Which WAV files are read without ffmpeg (daemon/ffmpeg/pcmWav.ts): only whole 16 kHz mono 16-bit
// PCM; everything else, including a data chunk cut short, is left to ffmpeg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePcmWav } from '../../../../daemon/ffmpeg/pcmWav';

interface Fmt {
  tag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  subFormat?: number;
}

function fmtChunk(f: Fmt): Buffer {
  const tag = f.tag ?? 1;
  const channels = f.channels ?? 1;
  const bits = f.bits ?? 16;
  const rate = f.rate ?? 16000;
  const body = Buffer.alloc(tag === 0xfffe ? 40 : 16);
  body.writeUInt16LE(tag, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(rate, 4);
  body.writeUInt32LE((rate * channels * bits) / 8, 8);
  body.writeUInt16LE((channels * bits) / 8, 12);
  body.writeUInt16LE(bits, 14);
  if (tag === 0xfffe) {
    body.writeUInt16LE(22, 16);
    body.writeUInt16LE(bits, 18);
    body.writeUInt16LE(f.subFormat ?? 1, 24);
    Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]).copy(body, 26);
  }
  return chunk('fmt ', body);
}

function chunk(id: string, body: Buffer, declared = body.length): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(declared, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
}

function wav(...chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

const data = (n = 1000) => chunk('data', Buffer.alloc(n * 2));
const parse = (b: Buffer, size = b.length) => parsePcmWav(b, size);

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
