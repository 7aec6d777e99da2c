// A small WAV reader and writer, so gpu:verify runs where ffmpeg is absent (a bare GPU machine): the
// fixture clips are 16-bit PCM WAV at 16 kHz mono, which needs no codec. Reads PCM 8/16/24/32-bit,
// float 32/64 and WAVE_FORMAT_EXTENSIBLE; mixes channels down and resamples linearly to 16 kHz only
// when the file is not already 16 kHz. int16 becomes float as ffmpeg makes it (x / 32768), so the
// samples, and the features after them, are the same bit for bit as the daemon's ffmpeg decoding.
import fs from 'node:fs';

export const SAMPLE_RATE = 16_000;

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  format: 'pcm' | 'float';
}

/** The samples of `file` as 16 kHz mono float32 in [-1, 1], and what the file held. */
export function readWav(file: string): { samples: Float32Array; info: WavInfo } {
  const b = fs.readFileSync(file);
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE')
    throw new Error(`${file} is not a RIFF/WAVE file (without ffmpeg only WAV can be read)`);
  let info: WavInfo | null = null;
  let data: Buffer | null = null;
  for (let off = 12; off + 8 <= b.length;) {
    const id = b.toString('latin1', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    const body = b.subarray(off + 8, Math.min(b.length, off + 8 + size));
    if (id === 'fmt ') info = parseFormat(file, body);
    else if (id === 'data') data = body;
    off += 8 + size + (size % 2); // chunks are word-aligned
  }
  if (!info) throw new Error(`${file}: no fmt chunk`);
  if (!data) throw new Error(`${file}: no data chunk`);
  const mono = toMono(data, info);
  return { samples: info.sampleRate === SAMPLE_RATE ? mono : resample(mono, info.sampleRate, SAMPLE_RATE), info };
}

function parseFormat(file: string, fmt: Buffer): WavInfo {
  let tag = fmt.readUInt16LE(0);
  const channels = fmt.readUInt16LE(2);
  const sampleRate = fmt.readUInt32LE(4);
  const bitsPerSample = fmt.readUInt16LE(14);
  // The sub-format GUID's first two bytes are the format tag.
  if (tag === EXTENSIBLE && fmt.length >= 26) tag = fmt.readUInt16LE(24);
  const ok =
    (tag === PCM && [8, 16, 24, 32].includes(bitsPerSample)) || (tag === FLOAT && [32, 64].includes(bitsPerSample));
  if (!ok || channels < 1 || sampleRate < 1)
    throw new Error(
      `${file}: WAV format ${tag} with ${bitsPerSample}-bit samples is not one this reader knows (PCM 8/16/24/32, float 32/64); install ffmpeg for other files`,
    );
  return { sampleRate, channels, bitsPerSample, format: tag === FLOAT ? 'float' : 'pcm' };
}

function toMono(data: Buffer, info: WavInfo): Float32Array {
  const bytes = info.bitsPerSample / 8;
  const frames = Math.floor(data.length / (bytes * info.channels));
  const out = new Float32Array(frames);
  const read = sampleReader(data, info);
  for (let i = 0; i < frames; i++) {
    if (info.channels === 1) {
      out[i] = read(i * bytes);
      continue;
    }
    let sum = 0;
    for (let c = 0; c < info.channels; c++) sum += read((i * info.channels + c) * bytes);
    out[i] = sum / info.channels;
  }
  return out;
}

function sampleReader(d: Buffer, info: WavInfo): (offset: number) => number {
  if (info.format === 'float') return info.bitsPerSample === 32 ? (o) => d.readFloatLE(o) : (o) => d.readDoubleLE(o);
  switch (info.bitsPerSample) {
    case 8:
      return (o) => (d.readUInt8(o) - 128) / 128;
    case 16:
      return (o) => d.readInt16LE(o) / 32768;
    case 24:
      return (o) => d.readIntLE(o, 3) / 8388608;
    default:
      return (o) => d.readInt32LE(o) / 2147483648;
  }
}

/** Linear interpolation: enough for timing and for clips that are not 16 kHz (the fixtures are). */
export function resample(x: Float32Array, from: number, to: number): Float32Array {
  const n = Math.floor((x.length * to) / from);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = (i * from) / to;
    const k = Math.floor(t);
    const f = t - k;
    out[i] = (x[k] ?? 0) * (1 - f) + (x[k + 1] ?? x[k] ?? 0) * f;
  }
  return out;
}

/** Writes 16 kHz mono 16-bit PCM (the fixtures' own format), clipping to [-1, 1). */
export function writeWav16(file: string, samples: Float32Array): void {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++)
    data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768))), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8, 'latin1');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(PCM, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(SAMPLE_RATE, 24);
  head.writeUInt32LE(SAMPLE_RATE * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36, 'latin1');
  head.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([head, data]));
}
