// Decodes any file ffmpeg reads to 16 kHz mono float32, streamed from ffmpeg's stdout in chunks
// (never a temp WAV), so memory stays bounded whatever the file's length. Cancellation kills ffmpeg.
// A whole WAV that is already 16 kHz mono 16-bit is read as it is, without ffmpeg (pcmWav.ts).
// The same pass says whether the file ends before its header promises, or is damaged
// (sourceWarnings.ts): a 20-minute file decodes as fast with the check as without it (WAV 944 vs
// 983 ms, MP3 2166 vs 2290 ms wall, medians of 9 interleaved runs on a loaded 2-core machine; the
// daemon's own CPU unchanged, 318 -> 290 and 507 -> 507 ms; `npx tsx bench/decodeSpeed.ts`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type SourceWarning } from '../../common/protocol';
import { readContainerEnd, type ContainerEnd } from './containerEnd';
import {
  headerComplete,
  parseContainerDuration,
  parseExactContainerDuration,
  parseSourceInfo,
  type SourceInfo,
} from './sourceInfo';
import { DamageLog, sourceWarnings } from './sourceWarnings';
import { pcmWavData, readPcmWav, type PcmWav } from './pcmWav';

export const SAMPLE_RATE = 16_000;

export interface DecodeOptions {
  ffmpegPath: string;
  file: string;
  /**
   * Receives decoded samples in order; chunk boundaries are arbitrary. When it returns a promise,
   * ffmpeg's output is paused until it settles (backpressure: a slow consumer bounds memory).
   */
  onSamples: (chunk: Float32Array) => void | Promise<void>;
  /** Called once ffmpeg has described the input: the source format and its duration estimate. */
  onInfo?: (info: { source: SourceInfo | null; durationSec: number | null }) => void;
  signal?: AbortSignal;
}

export interface DecodeResult {
  source: SourceInfo;
  samples: number;
  /** The file ends before its header promises, was never finished, or is damaged; empty when whole. */
  warnings: SourceWarning[];
}

/** Checks the path before ffmpeg sees it, so the common mistakes get their own codes. */
export async function checkAudioFile(file: string): Promise<string> {
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(abs);
  } catch {
    throw new SenseVoiceError(
      ErrorCode.FileNotFound,
      `File not found: ${abs}. Check the path and that the file still exists.`,
      { path: abs },
    );
  }
  if (!st.isFile()) {
    throw new SenseVoiceError(
      ErrorCode.NotAFile,
      `Not a file: ${abs} is a ${st.isDirectory() ? 'directory' : 'special file'}. Choose an audio or video file.`,
      { path: abs },
    );
  }
  if (st.size === 0) {
    throw new SenseVoiceError(
      ErrorCode.EmptyFile,
      `The file is empty (0 bytes): ${abs}. It may still be downloading or recording; try again when it has content.`,
      { path: abs },
    );
  }
  return abs;
}

export function ffmpegDecodeArgs(absPath: string): string[] {
  // "file:" stops ffmpeg from reading a leading dash as an option or a name as a protocol URL.
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-loglevel',
    'info',
    '-i',
    `file:${absPath}`,
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-ac',
    '1',
    '-ar',
    String(SAMPLE_RATE),
    '-f',
    'f32le',
    '-acodec',
    'pcm_f32le',
    'pipe:1',
  ];
}

export async function decodeAudio(options: DecodeOptions): Promise<DecodeResult> {
  const abs = await checkAudioFile(options.file);
  if (options.signal?.aborted) throw cancelled();
  // A few kB of the head (and an Ogg's tail); an unreadable header only loses the check.
  const container = await readContainerEnd(abs).catch((): ContainerEnd => ({ kind: 'other' }));
  const wav = pcmWavData(container);
  if (wav) return readWav(abs, wav, options);
  return new Promise<DecodeResult>((resolve, reject) => {
    const child = spawn(options.ffmpegPath, ffmpegDecodeArgs(abs), {
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stderr = '';
    let carry: Buffer | null = null;
    let samples = 0;
    let receivedBytes = 0;
    const damage = new DamageLog();
    let settled = false;
    const finish = (err: Error | null, result?: DecodeResult) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(result!);
    };
    // Settle only once ffmpeg has exited, so a cancelled decode leaves no process behind.
    const onAbort = () => {
      if (child.exitCode !== null || child.signalCode !== null) finish(cancelled());
      else {
        child.once('close', () => finish(cancelled()));
        child.kill('SIGKILL');
      }
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    // Samples are held back until ffmpeg has described its input, so a cap from the container's
    // exact duration is known before the first sample is delivered.
    let header = false;
    let cap = Infinity;
    const held: Buffer[] = [];
    // Consumer calls run one after another; while any is pending, ffmpeg's stdout is paused.
    let chain: Promise<void> = Promise.resolve();
    let inFlight = 0;
    const deliver = (buf: Buffer) => {
      const whole = buf.length - (buf.length % 4);
      carry = whole < buf.length ? Buffer.from(buf.subarray(whole)) : null;
      const n = Math.min(whole / 4, Math.max(0, cap - samples));
      if (n === 0) return;
      // Copy into an aligned buffer: Float32Array needs a 4-byte aligned offset.
      const out = new Float32Array(n);
      new Uint8Array(out.buffer).set(buf.subarray(0, n * 4));
      samples += n;
      inFlight++;
      child.stdout.pause();
      chain = chain
        .then(() => (settled ? undefined : options.onSamples(out)))
        .then(() => {
          inFlight--;
          if (inFlight === 0 && !settled) child.stdout.resume();
        });
      chain.catch((err: unknown) => {
        child.kill('SIGKILL');
        finish(err instanceof Error ? err : new Error(String(err)));
      });
    };
    const push = (chunk: Buffer) => deliver(carry ? Buffer.concat([carry, chunk]) : chunk);
    const openGate = () => {
      if (header) return;
      header = true;
      const exact = parseExactContainerDuration(stderr);
      if (exact !== null) cap = Math.round(exact * SAMPLE_RATE);
      options.onInfo?.({ source: parseSourceInfo(stderr), durationSec: parseContainerDuration(stderr) });
      for (const c of held.splice(0)) if (!settled) push(c);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      receivedBytes += chunk.length;
      if (header) push(chunk);
      else held.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      // Keep the head (stream info) and the tail (the error); the middle can be megabytes of warnings.
      stderr = stderr.length < 64_000 ? stderr + s : stderr.slice(0, 32_000) + stderr.slice(-32_000) + s;
      damage.add(s, receivedBytes / 4 / SAMPLE_RATE);
      if (!header && headerComplete(stderr)) openGate();
    });
    child.on('error', (err) =>
      finish(
        new SenseVoiceError(
          ErrorCode.FfmpegNotFound,
          `Could not start ffmpeg at ${options.ffmpegPath}: ${err.message}`,
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (settled) return;
      openGate();
      // Let the consumer finish the last chunks before the decode counts as done.
      chain.then(
        async () => {
          const source = parseSourceInfo(stderr);
          if (code !== 0 || !source) return finish(classifyFailure(abs, stderr, code, signal));
          const decodedSec = samples / SAMPLE_RATE;
          const warnings = sourceWarnings({
            stderr,
            container,
            decodedSec,
            damage: damage.end(receivedBytes / 4 / SAMPLE_RATE),
          });
          finish(null, { source, samples, warnings });
        },
        () => undefined,
      );
    });
  });
}

/** A whole 16 kHz mono 16-bit WAV: its samples as they are, without ffmpeg (pcmWav.ts). */
async function readWav(abs: string, wav: PcmWav, options: DecodeOptions): Promise<DecodeResult> {
  const source: SourceInfo = { codec: 'pcm_s16le', sampleRate: SAMPLE_RATE, channels: 1 };
  options.onInfo?.({ source, durationSec: wav.dataBytes / 2 / SAMPLE_RATE });
  const samples = await readPcmWav(abs, wav, options.onSamples, () => options.signal?.aborted === true);
  if (options.signal?.aborted) throw cancelled();
  return { source, samples, warnings: [] };
}

function classifyFailure(
  file: string,
  stderr: string,
  code: number | null,
  signal: NodeJS.Signals | null,
): SenseVoiceError {
  const tail = lastLines(stderr, 4);
  if (/matches no streams|does not contain any stream|Output file #0 does not contain any stream/.test(stderr)) {
    return new SenseVoiceError(
      ErrorCode.NoAudioStream,
      `No audio stream in ${file}: it has nothing to transcribe. Choose a file with sound.`,
      { path: file },
    );
  }
  if (signal) {
    return new SenseVoiceError(
      ErrorCode.DecodeFailed,
      `ffmpeg was stopped by ${signal} while decoding ${file}. Try again; if it repeats, check the ffmpeg log in "SenseVoice: Show Logs".`,
      { path: file, stderr: tail },
    );
  }
  if (
    /Invalid data found when processing input|could not find codec parameters|Format .* detected only with low score|moov atom not found/i.test(
      stderr,
    )
  ) {
    return new SenseVoiceError(
      ErrorCode.DecodeFailed,
      `ffmpeg cannot read ${file} as audio or video (${tail.split('\n').pop()}). The file may be damaged or not a media file.`,
      { path: file, stderr: tail },
    );
  }
  if (/No such file or directory/.test(stderr)) {
    return new SenseVoiceError(
      ErrorCode.FileNotFound,
      `File not found by ffmpeg: ${file}. It may have been moved or deleted.`,
      { path: file },
    );
  }
  return new SenseVoiceError(ErrorCode.DecodeFailed, `ffmpeg failed (exit ${code}) decoding ${file}: ${tail}`, {
    path: file,
    stderr: tail,
  });
}

function lastLines(s: string, n: number): string {
  return s.trim().split(/\r?\n/).filter(Boolean).slice(-n).join('\n');
}

function cancelled(): SenseVoiceError {
  return new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
}
