// Shared test helpers for the front end: deterministic signals, a PCM16 WAV reader, bit-level
// comparison of float32 arrays, and where the fixture clips and am.mvn live (test/fixtures).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ASSETS, AUDIO } from '../../../helpers/paths';

export const FIXTURE_AUDIO_DIR = AUDIO;
export const AM_MVN_PATH = path.join(ASSETS, 'am.mvn');

/** Reads a 16-bit PCM mono WAV as floats in [-1, 1) (sample / 32768), with its sample rate. */
export function readPcm16Wav(file: string): { sampleRate: number; samples: Float32Array } {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${file}: not a WAV file`);
  let off = 12;
  let fmt: { channels: number; sampleRate: number; bits: number; format: number } | undefined;
  let data: Buffer | undefined;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      fmt = {
        format: b.readUInt16LE(off + 8),
        channels: b.readUInt16LE(off + 10),
        sampleRate: b.readUInt32LE(off + 12),
        bits: b.readUInt16LE(off + 22),
      };
    } else if (id === 'data') {
      data = b.subarray(off + 8, Math.min(b.length, off + 8 + size));
    }
    off += 8 + size + (size & 1);
  }
  if (!fmt || !data || fmt.format !== 1 || fmt.bits !== 16 || fmt.channels !== 1) {
    throw new Error(`${file}: expected 16-bit PCM mono, got ${JSON.stringify(fmt)}`);
  }
  const samples = new Float32Array(data.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(2 * i) / 32768;
  return { sampleRate: fmt.sampleRate, samples };
}

/** A sine of `freqHz` at 16 kHz. */
export function sine({
  freqHz,
  numSamples,
  amplitude = 0.5,
  sampleRate = 16000,
}: {
  freqHz: number;
  numSamples: number;
  amplitude?: number;
  sampleRate?: number;
}): Float32Array {
  return Float32Array.from(
    { length: numSamples },
    (_, i) => amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate),
  );
}

/** A linear chirp from `fromHz` to `toHz` over `numSamples`. */
export function chirp({
  fromHz,
  toHz,
  numSamples,
  amplitude = 0.5,
  sampleRate = 16000,
}: {
  fromHz: number;
  toHz: number;
  numSamples: number;
  amplitude?: number;
  sampleRate?: number;
}): Float32Array {
  const duration = numSamples / sampleRate;
  const rate = (toHz - fromHz) / duration;
  return Float32Array.from({ length: numSamples }, (_, i) => {
    const t = i / sampleRate;
    return amplitude * Math.sin(2 * Math.PI * (fromHz * t + 0.5 * rate * t * t));
  });
}

/** Uniform noise in [-amplitude, amplitude) from a fixed LCG, identical on every machine. */
export function lcgNoise({
  numSamples,
  amplitude,
  seed,
}: {
  numSamples: number;
  amplitude: number;
  seed: number;
}): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: numSamples }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * amplitude;
  });
}

/** SHA-256 (hex) of a float32 array's bytes (little-endian on every machine Node supports). */
export function sha256OfFloats(a: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
}

/** Distance in float32 units in the last place (ulps) between two float32 values. */
export function ulpDistance(a: number, b: number): number {
  const buf = new Float32Array([a, b]);
  const bits = new Int32Array(buf.buffer);
  // Map the sign-magnitude bit patterns onto a monotonic integer line.
  const key = (i: number): number => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(key(bits[0]) - key(bits[1]));
}

/** First index where two float32 arrays differ bit-wise, with the ulp gap there; null if identical. */
export function firstBitDifference(
  a: Float32Array,
  b: Float32Array,
): { index: number; ours: number; theirs: number; ulps: number } | null {
  const n = Math.min(a.length, b.length);
  const ia = new Int32Array(a.buffer, a.byteOffset, a.length);
  const ib = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < n; i++) {
    if (ia[i] !== ib[i]) return { index: i, ours: a[i], theirs: b[i], ulps: ulpDistance(a[i], b[i]) };
  }
  return a.length === b.length ? null : { index: n, ours: NaN, theirs: NaN, ulps: Infinity };
}
