// WAV files built chunk by chunk, for tests of the readers that must accept or refuse them
// (daemon/ffmpeg/pcmWav.ts, tools/gpuVerify/wavFile.ts).

export interface FmtFields {
  /** Format tag: 1 PCM, 3 IEEE float, 6 A-law, 0xfffe WAVE_FORMAT_EXTENSIBLE. */
  tag?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  /** WAVE_FORMAT_EXTENSIBLE's sub-format code (1 PCM), in the standard GUID. */
  subFormat?: number;
}

/** A RIFF chunk: id, size (`declared`, else the body's) and body, padded to an even length. */
export function riffChunk(id: string, body: Buffer, declared = body.length): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(declared >>> 0, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
}

/** A "fmt " chunk, 16 kHz mono 16-bit PCM unless told otherwise. */
export function fmtChunk(f: FmtFields = {}): Buffer {
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
  return riffChunk('fmt ', body);
}

/** RIFF/WAVE around `chunks`, its size that of what follows. */
export function riffWave(...chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
  return Buffer.concat([riffChunk('RIFF', Buffer.alloc(0), body.length), body]);
}
