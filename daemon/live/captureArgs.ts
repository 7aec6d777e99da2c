// The one ffmpeg command of a live job: capture from the device, write the recording file (flushed
// every packet, Ogg pages of 200 ms, so a crash loses well under a second and the partial file
// plays) and, on stdout, 16 kHz mono float32 for the VAD and the model, from the same samples.
import type { CaptureFormat, RecordingFormat } from '../../common/protocol';
import { SAMPLE_RATE } from '../ffmpeg/decodeAudio';

export function captureArgs(o: {
  inputFormat: CaptureFormat;
  device: string;
  file: string;
  format: RecordingFormat;
}): string[] {
  // The sound server converts to what the model hears, 16 kHz mono, so the file holds exactly the
  // samples the live transcription saw (and a final transcript of a WAV recording equals the live one).
  const rate = ['-sample_rate', String(SAMPLE_RATE), '-channels', '1'];
  const input =
    o.inputFormat === 'pulse'
      ? // Timestamps from 0, not the wall clock; 100 ms fragments keep the live stream moving.
        ['-f', 'pulse', '-wallclock', '0', ...rate, '-fragment_size', '3200', '-i', o.device]
      : o.inputFormat === 'alsa'
        ? ['-f', 'alsa', ...rate, '-i', o.device]
        : ['-f', o.inputFormat, '-i', o.device];
  const encode =
    o.format === 'ogg'
      ? ['-c:a', 'libopus', '-b:a', '48k', '-page_duration', '200000', '-f', 'ogg']
      : // A killed ffmpeg leaves 0xFFFFFFFF sizes in the header, which ffmpeg reads to the end of the file.
        ['-c:a', 'pcm_s16le', '-f', 'wav'];
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'info',
    // Never overwrite: a file that appeared since the name was chosen makes ffmpeg refuse.
    '-n',
    ...input,
    '-map',
    '0:a:0',
    ...encode,
    '-flush_packets',
    '1',
    `file:${o.file}`,
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
    'pipe:1',
  ];
}
