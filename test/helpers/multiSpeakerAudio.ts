// Multi-speaker recordings made from the fixture clips (test/fixtures/audio: the two LibriSpeech
// readers 1089 and 1221, and the five SenseVoice clips' other voices), placed at given times with
// silence between them, or overlapping, and mixed with ffmpeg (cached in .cache/fixtures/speakers).
// The diarization tests run sherpa-onnx and our engine on these.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO, CACHE } from './paths';
import { wavDurationSec } from './audioFixtures';

export interface Placement {
  /** Relative to test/fixtures/audio. */
  clip: string;
  /** Who speaks (the clip's corpus speaker or voice), for the tests' own checks. */
  speaker: string;
  start: number;
  end: number;
}

export interface MultiSpeakerAudio {
  file: string;
  durationSec: number;
  placements: Placement[];
}

const SPEAKER_OF: Record<string, string> = {
  'librispeech/1089-134686-0001.wav': '1089',
  'librispeech/1221-135766-0001.wav': '1221',
  'librispeech/1221-135766-0002.wav': '1221',
};
const speakerOf = (clip: string) => SPEAKER_OF[clip] ?? path.basename(clip, '.wav');

/** A clip and the gap before it; a negative gap overlaps it with the one before. */
export type Turn = readonly [clip: string, gapBeforeSec: number];

const A = 'librispeech/1089-134686-0001.wav';
const B1 = 'librispeech/1221-135766-0001.wav';
const B2 = 'librispeech/1221-135766-0002.wav';

/** The recordings the tests use. */
export const SCENARIOS = {
  /** Two readers taking turns, ~45 s. */
  twoSpeakers: [
    [A, 0.5],
    [B1, 1.2],
    [A, 0.8],
    [B2, 1.5],
    [A, 0.6],
  ],
  /** Three voices, ~40 s. */
  threeSpeakers: [
    [A, 0.4],
    [B1, 1.0],
    ['sense_voice/en.wav', 0.9],
    [A, 1.3],
    ['sense_voice/en.wav', 0.7],
  ],
  /** Two readers, the second starting 2 s before the first ends. */
  overlap: [
    [A, 0.5],
    [B1, -2],
    [A, 1.0],
  ],
  /** Two readers, ~20 s: played into a sound server in real time by the live recording tests. */
  shortMeeting: [
    [A, 0.3],
    [B2, 0.8],
    [A, 0.6],
  ],
  /** One reader only. */
  oneSpeaker: [
    [B1, 0.5],
    [B2, 1.0],
    [B1, 0.7],
  ],
  /** About a minute: the timing comparison. */
  oneMinute: [
    [A, 0.5],
    [B1, 1.2],
    ['sense_voice/en.wav', 0.8],
    [B2, 1.5],
    [A, 0.6],
    ['sense_voice/en.wav', 1.1],
    [B1, 0.9],
  ],
} satisfies Record<string, readonly Turn[]>;

export function makeMultiSpeakerAudio(name: keyof typeof SCENARIOS): MultiSpeakerAudio {
  return buildMultiSpeakerAudio(name, SCENARIOS[name]);
}

export function buildMultiSpeakerAudio(name: string, turns: readonly Turn[]): MultiSpeakerAudio {
  const dir = path.join(CACHE, 'fixtures', 'speakers');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.wav`);
  const placements: Placement[] = [];
  let t = 0;
  for (const [clip, gap] of turns) {
    const start = Math.max(0, t + gap);
    const end = start + wavDurationSec(path.join(AUDIO, clip));
    placements.push({ clip, speaker: speakerOf(clip), start, end });
    t = Math.max(t, end);
  }
  const durationSec = t + 0.5;
  if (!fs.existsSync(file)) {
    const inputs = placements.flatMap((p) => ['-i', path.join(AUDIO, p.clip)]);
    const delays = placements.map((p, i) => `[${i}:a]adelay=${Math.round(p.start * 1000)}:all=1[d${i}]`);
    const mix = `${placements.map((_, i) => `[d${i}]`).join('')}amix=inputs=${placements.length}:normalize=0:duration=longest,apad=whole_dur=${durationSec}[out]`;
    const tmp = `${file}.tmp.${process.pid}.wav`;
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      ...inputs,
      '-filter_complex',
      [...delays, mix].join(';'),
      '-map',
      '[out]',
      '-ar',
      '16000',
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      tmp,
    ]);
    fs.renameSync(tmp, file);
  }
  return { file, durationSec, placements };
}

/** Writes 16 kHz mono PCM16 (clipped to [-1, 1]): the edge-case files (silence, cuts) both engines read. */
export function writeWav16k(file: string, samples: Float32Array): string {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++)
    data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(16000, 24);
  h.writeUInt32LE(32000, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([h, data]));
  return file;
}
