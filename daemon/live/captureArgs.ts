// The two ffmpeg commands of a live job. The capture reads the device and streams 16 kHz mono float32
// on stdout; the daemon passes on what is not paused, as 16-bit samples, to the encoder, which writes the recording file
// from its stdin (flushed every packet, Ogg pages of 200 ms, so a crash loses well under a second and
// the partial file plays; when the daemon dies, the encoder sees the end of its input and finishes
// the file). The file therefore holds exactly the samples the live transcription saw, without the
// paused stretches, and a final transcript of it equals the live one.
import type { CaptureFormat, RecordingFormat } from '../../common/protocol';
import { SAMPLE_RATE } from '../ffmpeg/decodeAudio';

const QUIET = ['-hide_banner', '-nostats', '-loglevel', 'info'];

/** Device in, 16 kHz mono f32le out on stdout. */
export function captureArgs(o: { inputFormat: CaptureFormat; device: string }): string[] {
  // The sound server converts to what the model hears, 16 kHz mono, where the input format allows.
  const rate = ['-sample_rate', String(SAMPLE_RATE), '-channels', '1'];
  const input =
    o.inputFormat === 'pulse'
      ? // Timestamps from 0, not the wall clock; 100 ms fragments keep the live stream moving.
        ['-f', 'pulse', '-wallclock', '0', ...rate, '-fragment_size', '3200', '-i', o.device]
      : o.inputFormat === 'alsa'
        ? ['-f', 'alsa', ...rate, '-i', o.device]
        : ['-f', o.inputFormat, '-i', o.device];
  return [
    ...QUIET,
    ...input,
    '-map',
    '0:a:0',
    '-ac',
    '1',
    '-ar',
    String(SAMPLE_RATE),
    '-c:a',
    'pcm_f32le',
    '-f',
    'f32le',
    // Every packet at once, not a 64 KB buffer (a second of audio) at a time: the live view keeps up.
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}

/** 16 kHz mono s16le on stdin, the recording file out (never over an existing file). */
export function encodeArgs(o: { file: string; format: RecordingFormat }): string[] {
  const encode =
    o.format === 'ogg'
      ? ['-c:a', 'libopus', '-b:a', '48k', '-page_duration', '200000', '-f', 'ogg']
      : // A killed ffmpeg leaves 0xFFFFFFFF sizes in the header, which ffmpeg reads to the end of the file.
        ['-c:a', 'pcm_s16le', '-f', 'wav'];
  return [
    ...QUIET,
    // Never overwrite: a file that appeared since the name was chosen makes ffmpeg refuse.
    '-n',
    '-f',
    's16le',
    '-ar',
    String(SAMPLE_RATE),
    '-ac',
    '1',
    '-i',
    'pipe:0',
    ...encode,
    '-flush_packets',
    '1',
    `file:${o.file}`,
  ];
}
