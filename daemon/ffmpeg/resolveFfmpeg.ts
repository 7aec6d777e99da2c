// Finds a working ffmpeg, in this order: the user's setting / --ffmpeg flag, ffmpeg-static's binary
// (absent where its download failed at install), then `ffmpeg` on PATH. Each candidate must answer
// `-version`; when none does, FfmpegNotFound says what was tried and how to fix each.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type FfmpegInfo } from '../../common/protocol';

export interface ResolveFfmpegOptions {
  /** The `sensevoice.ffmpegPath` setting or the cli's `--ffmpeg` flag. */
  settingPath?: string;
  /** Path that ffmpeg-static reports, or null when the package or its binary is missing. */
  staticPath: () => string | null;
  /** The PATH to search. */
  pathEnv: string | undefined;
  platform?: NodeJS.Platform;
  /** Runs `<candidate> -version` and returns its version string; throws when it does not run. */
  readVersion?: (candidate: string) => Promise<string>;
}

export interface ResolvedFfmpeg extends FfmpegInfo {
  /** Candidates that were tried before this one and why they were passed over. */
  skipped: string[];
}

export async function resolveFfmpeg(options: ResolveFfmpegOptions): Promise<ResolvedFfmpeg> {
  const readVersion = options.readVersion ?? readFfmpegVersion;
  const platform = options.platform ?? process.platform;
  const skipped: string[] = [];
  const candidates: { source: FfmpegInfo['source']; find: () => string | null; missing: string }[] = [
    {
      source: 'setting',
      find: () => (options.settingPath && options.settingPath.trim() ? options.settingPath.trim() : null),
      missing: 'the sensevoice.ffmpegPath setting (or --ffmpeg) is not set',
    },
    {
      source: 'ffmpeg-static',
      find: () => {
        const p = safe(options.staticPath);
        return p && fs.existsSync(p) ? p : null;
      },
      missing: "ffmpeg-static's binary is not installed (its download at install time failed or was skipped)",
    },
    {
      source: 'path',
      find: () => findOnPath(platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg', options.pathEnv, platform),
      missing: 'no ffmpeg on PATH',
    },
  ];
  for (const c of candidates) {
    const found = c.find();
    if (!found) {
      skipped.push(`${c.source}: ${c.missing}`);
      continue;
    }
    try {
      const version = await readVersion(found);
      return { path: found, source: c.source, version, skipped };
    } catch (err) {
      skipped.push(`${c.source}: ${found} did not run (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  throw new SenseVoiceError(
    ErrorCode.FfmpegNotFound,
    [
      'ffmpeg was not found. SenseVoice needs ffmpeg to decode audio. Tried, in order:',
      ...skipped.map((s, i) => `  ${i + 1}. ${s}`),
      'Fix one of them:',
      '  1. set "sensevoice.ffmpegPath" in VS Code settings (or pass --ffmpeg /path/to/ffmpeg) to an ffmpeg binary;',
      '  2. reinstall with network access so the ffmpeg-static package can download its binary (npm rebuild ffmpeg-static);',
      '  3. install ffmpeg so it is on PATH (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg).',
    ].join('\n'),
    { tried: skipped },
  );
}

/** ffmpeg-static's binary path, or null when the optional package is not installed. */
export function ffmpegStaticPath(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const p = require('ffmpeg-static') as string | null | { default?: string };
    if (typeof p === 'string') return p;
    return p && typeof p === 'object' && typeof p.default === 'string' ? p.default : null;
  } catch {
    return null;
  }
}

export function findOnPath(
  name: string,
  pathEnv: string | undefined,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (!pathEnv) return null;
  const sep = platform === 'win32' ? ';' : ':';
  for (const dir of pathEnv.split(sep)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      const st = fs.statSync(candidate);
      if (!st.isFile()) continue;
      if (platform !== 'win32') fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here, or not executable: keep looking
    }
  }
  return null;
}

export function readFfmpegVersion(binary: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['-hide_banner', '-version'], { timeout: 15_000, windowsHide: true }, (err, stdout) => {
      if (err) {
        reject(new Error(err.message.split('\n')[0]));
        return;
      }
      const m = /ffmpeg version (\S+)/.exec(stdout);
      if (!m) {
        reject(new Error('it does not identify itself as ffmpeg'));
        return;
      }
      resolve(m[1]);
    });
  });
}

function safe(f: () => string | null): string | null {
  try {
    return f();
  } catch {
    return null;
  }
}
