// The audio gpu:verify feeds the model: the fixture clips (for token ids), and 30 s files made by
// joining them (for end-to-end time and for 4 files at once), and the decoder that reads them: ffmpeg
// as the daemon uses it when one is found, else the WAV reader (a GPU machine may have no ffmpeg).
import fs from 'node:fs';
import path from 'node:path';
import { decodeAudio } from '../../daemon/ffmpeg/decodeAudio';
import { ffmpegStaticPath, resolveFfmpeg } from '../../daemon/ffmpeg/resolveFfmpeg';
import { readWav, SAMPLE_RATE, writeWav16 } from './wavFile';

export type DecoderSetting = 'auto' | 'ffmpeg' | 'native';

/** How audio files are turned into samples in this run. */
export interface AudioDecoder {
  kind: 'ffmpeg' | 'native-wav';
  ffmpegPath: string | null;
  ffmpegVersion: string | null;
  /** Why this one: "ffmpeg 6.1 on PATH", or why ffmpeg was not used. */
  why: string;
}

export async function chooseDecoder(setting: DecoderSetting): Promise<AudioDecoder> {
  if (setting === 'native')
    return { kind: 'native-wav', ffmpegPath: null, ffmpegVersion: null, why: '--decoder native' };
  try {
    const ff = await resolveFfmpeg({ staticPath: ffmpegStaticPath, pathEnv: process.env.PATH });
    return {
      kind: 'ffmpeg',
      ffmpegPath: ff.path,
      ffmpegVersion: ff.version,
      why: `ffmpeg ${ff.version} (${ff.source}: ${ff.path}), as the daemon decodes`,
    };
  } catch (err) {
    if (setting === 'ffmpeg') throw err;
    // FfmpegNotFound lists every place tried ("path: no ffmpeg on PATH").
    const tried = (err as { data?: { tried?: string[] } }).data?.tried;
    const detail =
      tried?.filter((t) => !t.startsWith('setting:')).join('; ') ??
      (err instanceof Error ? err.message : String(err)).split('\n')[0];
    return {
      kind: 'native-wav',
      ffmpegPath: null,
      ffmpegVersion: null,
      why: `no ffmpeg (${detail}): WAV files read by tools/gpuVerify/wavFile.ts`,
    };
  }
}

/** A file's samples, 16 kHz mono float32, by the decoder chosen. */
export async function decodeFile(decoder: AudioDecoder, file: string): Promise<Float32Array> {
  if (decoder.kind === 'native-wav') return readWav(file).samples;
  const chunks: Float32Array[] = [];
  await decodeAudio({ ffmpegPath: decoder.ffmpegPath as string, file, onSamples: (c) => void chunks.push(c) });
  return concat(chunks);
}

export interface Clip {
  /** Relative to test/fixtures/audio, e.g. "sense_voice/en.wav". */
  name: string;
  file: string;
  durationSec: number;
}

/** The fixture clips in name order: all of them, or the five sense_voice ones with --quick. */
export function sampleClips(audioDir: string, quick: boolean): Clip[] {
  const clips: Clip[] = [];
  for (const sub of fs.readdirSync(audioDir, { withFileTypes: true })) {
    if (!sub.isDirectory() || (quick && sub.name !== 'sense_voice')) continue;
    for (const f of fs.readdirSync(path.join(audioDir, sub.name))) {
      if (!f.endsWith('.wav')) continue;
      const file = path.join(audioDir, sub.name, f);
      clips.push({ name: `${sub.name}/${f}`, file, durationSec: readWav(file).samples.length / SAMPLE_RATE });
    }
  }
  if (clips.length === 0) throw new Error(`no .wav clips under ${audioDir}`);
  return clips.sort((a, b) => a.name.localeCompare(b.name));
}

export interface JoinedInput {
  file: string;
  durationSec: number;
  /** The clips it is made of, in order (the last one may be cut). */
  clips: string[];
}

const GAP_SEC = 0.3;

/**
 * `count` files of exactly `seconds` each: the clips one after another with short silences, each
 * file starting at a different clip, so the files at once are different audio of the same length
 * (a batch without padding, as the daemon forms one from 30 s segments).
 */
export function joinedInputs(clips: readonly Clip[], dir: string, seconds: number, count: number): JoinedInput[] {
  fs.mkdirSync(dir, { recursive: true });
  const decoded = clips.map((c) => readWav(c.file).samples);
  const total = Math.round(seconds * SAMPLE_RATE);
  const gap = Math.round(GAP_SEC * SAMPLE_RATE);
  const out: JoinedInput[] = [];
  for (let k = 0; k < count; k++) {
    const samples = new Float32Array(total);
    const used: string[] = [];
    let at = 0;
    for (let i = k; at < total; i++) {
      const c = decoded[i % decoded.length]!;
      samples.set(c.subarray(0, Math.min(c.length, total - at)), at);
      used.push(clips[i % clips.length]!.name);
      at += c.length + gap;
    }
    const file = path.join(dir, `joined-${seconds}s-${k + 1}.wav`);
    writeWav16(file, samples);
    out.push({ file, durationSec: seconds, clips: used });
  }
  return out;
}

export function concat(chunks: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
