// Long recordings made from the fixture clips (test/fixtures/audio): the clips in turn with silences between them, to the
// length asked (cached in .cache/fixtures/long). Used by the long-audio tests and the benchmark.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO, CACHE, fixtureClips } from './paths';
import { wavDurationSec } from './audioFixtures';

export interface LongAudio {
  file: string;
  durationSec: number;
  /** Where each clip sits, in seconds. */
  clips: { clip: string; start: number; end: number }[];
}

const SILENCES = [0.8, 1.6, 2.4, 1.2, 3.0];

export function makeLongAudio(minutes: number, ext: 'wav' | 'mp3' = 'wav'): LongAudio {
  const dir = path.join(CACHE, 'fixtures', 'long');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `long-${minutes}min.${ext}`);
  const clips = fixtureClips();
  const layout: LongAudio['clips'] = [];
  const list: string[] = [];
  let t = 0;
  for (let i = 0; t < minutes * 60; i++) {
    const gap = SILENCES[i % SILENCES.length];
    const silence = path.join(dir, `silence-${gap}.wav`);
    if (!fs.existsSync(silence)) {
      execFileSync('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `anullsrc=r=16000:cl=mono`,
        '-t',
        String(gap),
        '-c:a',
        'pcm_s16le',
        silence,
      ]);
    }
    list.push(`file '${silence}'`);
    t += gap;
    const clip = clips[i % clips.length];
    const d = wavDurationSec(path.join(AUDIO, clip));
    list.push(`file '${path.join(AUDIO, clip)}'`);
    layout.push({ clip, start: t, end: t + d });
    t += d;
  }
  if (!fs.existsSync(file)) {
    const listFile = path.join(dir, `long-${minutes}min.txt`);
    fs.writeFileSync(listFile, list.join('\n') + '\n');
    const codec = ext === 'mp3' ? ['-c:a', 'libmp3lame', '-b:a', '48k'] : ['-c:a', 'pcm_s16le'];
    const tmp = `${file}.tmp.${ext}`;
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      listFile,
      ...codec,
      tmp,
    ]);
    fs.renameSync(tmp, file);
  }
  return { file, durationSec: t, clips: layout };
}
