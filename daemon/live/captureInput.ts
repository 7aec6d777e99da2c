// Which ffmpeg input format captures audio on this platform, and whether the ffmpeg in use has it.
// Builds differ (ffmpeg-static's Linux binary has no PulseAudio input, for one), so the check reads
// `ffmpeg -devices` and, when the format is missing, says which ffmpeg was asked and how to get one.
import { execFile } from 'node:child_process';
import { ErrorCode, SenseVoiceError, type CaptureFormat } from '../../common/protocol';

/** The capture format a platform uses when the client names none. */
export function defaultCaptureFormat(platform: NodeJS.Platform = process.platform): CaptureFormat {
  if (platform === 'darwin') return 'avfoundation';
  if (platform === 'win32') return 'dshow';
  return 'pulse';
}

/** The input formats (demuxers) in `ffmpeg -devices` output: lines like ` D  pulse   Pulse audio input`. */
export function parseInputDevices(devicesOutput: string): Set<string> {
  const found = new Set<string>();
  for (const line of devicesOutput.split(/\r?\n/)) {
    const m = /^\s*D[E ]?\s+(\S+)\s/.exec(line);
    if (m) for (const name of m[1].split(',')) found.add(name);
  }
  return found;
}

/** Runs ffmpeg with `args` and gives its stdout and stderr, whatever its exit status. */
export function runFfmpeg(
  ffmpegPath: string,
  args: string[],
  timeoutMs = 15_000,
): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath, args, { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT')
        reject(
          new SenseVoiceError(ErrorCode.FfmpegNotFound, `Could not start ffmpeg at ${ffmpegPath}: ${error.message}`),
        );
      else resolve({ out: String(stdout), err: String(stderr) });
    });
  });
}

/** Throws InputFormatUnsupported unless the ffmpeg at `ffmpegPath` can read from `format`. */
export async function checkCaptureFormat(ffmpegPath: string, format: CaptureFormat): Promise<void> {
  const { out } = await runFfmpeg(ffmpegPath, ['-hide_banner', '-devices']);
  if (parseInputDevices(out).has(format)) return;
  throw new SenseVoiceError(ErrorCode.InputFormatUnsupported, unsupportedMessage(ffmpegPath, format), {
    ffmpeg: ffmpegPath,
    inputFormat: format,
  });
}

function unsupportedMessage(ffmpegPath: string, format: CaptureFormat): string {
  const how: Record<CaptureFormat, string> = {
    pulse:
      "install your distribution's ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; Fedora: sudo dnf install ffmpeg), which reads PulseAudio and PipeWire, and point sensevoice.ffmpegPath (or --ffmpeg) at it, e.g. /usr/bin/ffmpeg",
    alsa: "install your distribution's ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg) and point sensevoice.ffmpegPath (or --ffmpeg) at it",
    avfoundation:
      'install ffmpeg with Homebrew (brew install ffmpeg) and point sensevoice.ffmpegPath (or --ffmpeg) at it, e.g. /opt/homebrew/bin/ffmpeg',
    dshow:
      'install a full ffmpeg build (winget install ffmpeg, or the gyan.dev "full" build) and point sensevoice.ffmpegPath (or --ffmpeg) at its ffmpeg.exe',
  };
  return `The ffmpeg at ${ffmpegPath} cannot record audio: it was built without the "${format}" input device (see ffmpeg -devices). To record, ${how[format]}.`;
}
