// Audio made from the fixture clips (test/fixtures/audio) with ffmpeg at test time (cached in .cache/fixtures), so tests
// cover real codecs without committing binaries.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO, CACHE } from './paths';

export interface Variant {
  name: string;
  ext: string;
  args: string[];
}

export const VARIANTS: Variant[] = [
  { name: 'mp3', ext: 'mp3', args: ['-c:a', 'libmp3lame', '-b:a', '64k'] },
  { name: 'flac', ext: 'flac', args: ['-c:a', 'flac'] },
  { name: 'opus', ext: 'ogg', args: ['-c:a', 'libopus', '-b:a', '32k'] },
  { name: 'aac', ext: 'm4a', args: ['-c:a', 'aac', '-b:a', '64k'] },
  { name: '8k', ext: 'wav', args: ['-ar', '8000', '-c:a', 'pcm_s16le'] },
  { name: '48k-stereo', ext: 'wav', args: ['-ar', '48000', '-ac', '2', '-c:a', 'pcm_s16le'] },
];

/** Transcodes `clip` (relative to test/fixtures/audio) and returns the new file's path. */
export function makeVariant(clip: string, v: Variant): string {
  const dir = path.join(CACHE, 'fixtures', v.name);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${clip.replace(/[\\/]/g, '__').replace(/\.wav$/, '')}.${v.ext}`);
  if (!fs.existsSync(out)) {
    const tmp = `${out}.tmp.${process.pid}.${v.ext}`;
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', path.join(AUDIO, clip), ...v.args, tmp]);
    fs.renameSync(tmp, out);
  }
  return out;
}

/** Samples of a PCM16 mono WAV's data chunk, for checking durations against the source. */
export function wavDurationSec(file: string): number {
  const b = fs.readFileSync(file);
  const rate = b.readUInt32LE(24);
  const channels = b.readUInt16LE(22);
  const bits = b.readUInt16LE(34);
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'data') return size / (rate * channels * (bits / 8));
    off += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}
