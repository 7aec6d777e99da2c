// Awkward inputs a user really meets, made at test time from the fixture clips (test/fixtures/audio) with ffmpeg.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO, CACHE } from './paths';

const dir = path.join(CACHE, 'fixtures', 'bad');

function ff(out: string, args: string[]): string {
  const file = path.join(dir, out);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `tmp-${process.pid}-${out}`);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp]);
    fs.renameSync(tmp, file);
  }
  return file;
}

function truncated(out: string, source: string, fraction: number): string {
  const file = path.join(dir, out);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const b = fs.readFileSync(source);
    fs.writeFileSync(file, b.subarray(0, Math.floor(b.length * fraction)));
  }
  return file;
}

export const EN = path.join(AUDIO, 'sense_voice/en.wav');

export function badAudio() {
  const mp3 = ff('en.mp3', ['-i', EN, '-c:a', 'libmp3lame', '-b:a', '64k']);
  return {
    truncatedWav: truncated('truncated.wav', EN, 0.5),
    truncatedMp3: truncated('truncated.mp3', mp3, 0.5),
    videoNoAudio: ff('video-no-audio.mp4', [
      '-f',
      'lavfi',
      '-i',
      'testsrc=duration=2:size=64x64:rate=10',
      '-c:v',
      'mpeg4',
    ]),
    phone8k: ff('phone-8k.wav', ['-i', EN, '-ar', '8000', '-c:a', 'pcm_s16le']),
    stereo48k: ff('stereo-48k.wav', ['-i', EN, '-ar', '48000', '-ac', '2']),
    surround51: ff('surround-5.1.m4a', [
      '-i',
      EN,
      '-ar',
      '48000',
      '-af',
      'pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0',
      '-c:a',
      'aac',
    ]),
    silence: ff('silence.wav', ['-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '10', '-c:a', 'pcm_s16le']),
  };
}
