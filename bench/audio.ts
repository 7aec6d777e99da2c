// The benchmark's inputs: long recordings from test/helpers/longAudio.ts (the clips of test/fixtures/audio
// with silences between them), and per-run copies of them whose bytes differ but whose audio does
// not, so the daemon's transcript cache (keyed by content) and its job joining (keyed by path and
// settings) never answer for a run.
import fs from 'node:fs';
import path from 'node:path';
import { makeLongAudio, type LongAudio } from '../test/helpers/longAudio';

export type { LongAudio };

export function longAudio(minutes: number): LongAudio {
  return makeLongAudio(minutes);
}

/**
 * A copy of a WAV file with a JUNK chunk appended that holds `tag`: every reader skips the chunk
 * (ffmpeg reads the data chunk by its declared size), so the audio is the same sample for sample.
 */
export function uniqueCopy(src: string, dir: string, tag: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `${path.basename(src, '.wav')}-${tag.replace(/[^\w.-]/g, '_')}.wav`);
  const head = Buffer.alloc(12);
  const fdIn = fs.openSync(src, 'r');
  fs.readSync(fdIn, head, 0, 12, 0);
  fs.closeSync(fdIn);
  if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE')
    throw new Error(`${src} is not a RIFF/WAVE file`);
  let payload = Buffer.from(tag, 'utf8');
  if (payload.length % 2) payload = Buffer.concat([payload, Buffer.alloc(1)]); // RIFF chunks are word-aligned
  const chunk = Buffer.alloc(8 + payload.length);
  chunk.write('JUNK', 0, 'latin1');
  chunk.writeUInt32LE(payload.length, 4);
  payload.copy(chunk, 8);
  fs.copyFileSync(src, target);
  fs.appendFileSync(target, chunk);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(fs.statSync(target).size - 8);
  const fd = fs.openSync(target, 'r+');
  fs.writeSync(fd, size, 0, 4, 4);
  fs.closeSync(fd);
  return target;
}
