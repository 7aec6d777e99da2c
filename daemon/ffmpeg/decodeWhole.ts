// A whole file's 16 kHz mono samples in one array, for the benchmarks and tests that need them all at
// once (the parity tests feed both engines the same array). The daemon itself streams: decodeAudio.
import { decodeAudio } from './decodeAudio';

export async function decodeWhole(file: string, ffmpegPath = 'ffmpeg'): Promise<Float32Array> {
  const chunks: Float32Array[] = [];
  await decodeAudio({ ffmpegPath, file, onSamples: (c) => void chunks.push(c) });
  const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return all;
}
