// `devices/list`: the capture devices of one ffmpeg input format, asked of ffmpeg itself so the names
// are exactly what its `-i` takes. pulse and alsa answer `-sources`; AVFoundation and DirectShow
// print their lists on stderr for `-list_devices true`.
import type { CaptureDevice, CaptureFormat } from '../../common/protocol';
import { checkCaptureFormat, runFfmpeg } from './captureInput';

export async function listDevices(ffmpegPath: string, format: CaptureFormat): Promise<CaptureDevice[]> {
  await checkCaptureFormat(ffmpegPath, format);
  switch (format) {
    case 'pulse':
    case 'alsa': {
      const { out, err } = await runFfmpeg(ffmpegPath, ['-hide_banner', '-sources', format]);
      return parseSources(out + '\n' + err);
    }
    case 'avfoundation': {
      const { err } = await runFfmpeg(ffmpegPath, [
        '-hide_banner',
        '-f',
        'avfoundation',
        '-list_devices',
        'true',
        '-i',
        '',
      ]);
      return parseAvfoundation(err);
    }
    case 'dshow': {
      const { err } = await runFfmpeg(ffmpegPath, [
        '-hide_banner',
        '-f',
        'dshow',
        '-list_devices',
        'true',
        '-i',
        'dummy',
      ]);
      return parseDshow(err);
    }
  }
}

/** `ffmpeg -sources pulse|alsa`: `* name [description] (type)` per line, `*` marking the default. */
export function parseSources(text: string): CaptureDevice[] {
  const out: CaptureDevice[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\*?)\s*(\S+)\s+\[(.*)\](?:\s+\(.*\))?\s*$/.exec(line);
    if (m) out.push({ name: m[2], description: m[3], isDefault: m[1] === '*' });
  }
  return out;
}

/** AVFoundation's stderr list: audio devices follow "AVFoundation audio devices:" as `[i] Name`; `-i :Name` records one. */
export function parseAvfoundation(stderr: string): CaptureDevice[] {
  const out: CaptureDevice[] = [];
  let audio = false;
  for (const line of stderr.split(/\r?\n/)) {
    if (/AVFoundation audio devices:/.test(line)) audio = true;
    else if (/AVFoundation video devices:/.test(line)) audio = false;
    else if (audio) {
      const m = /\]\s*\[(\d+)\]\s+(.+?)\s*$/.exec(line);
      if (m) out.push({ name: `:${m[2]}`, description: m[2], isDefault: m[1] === '0' });
    }
  }
  return out;
}

/** DirectShow's stderr list: `"Name" (audio)` lines (newer ffmpeg), or names under "DirectShow audio devices" (older). */
export function parseDshow(stderr: string): CaptureDevice[] {
  const out: CaptureDevice[] = [];
  let audioSection = false;
  for (const line of stderr.split(/\r?\n/)) {
    if (/DirectShow audio devices/.test(line)) audioSection = true;
    else if (/DirectShow video devices/.test(line)) audioSection = false;
    if (/Alternative name/.test(line)) continue;
    const m = /\]\s*"(.+)"(?:\s+\((audio|video|none)\))?\s*$/.exec(line);
    if (!m) continue;
    const kind = m[2] ?? (audioSection ? 'audio' : 'video');
    if (kind === 'audio') out.push({ name: `audio=${m[1]}`, description: m[1], isDefault: out.length === 0 });
  }
  return out;
}
