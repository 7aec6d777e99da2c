// ffmpeg for the GPU check: which one, and whether it decodes the compressed formats people record
// in (mp3, aac, opus). A minimal build can lack some; then those files fail with DecodeFailed.
import type { FfmpegCheck } from '../../common/protocol';
import type { ResolvedFfmpeg } from '../ffmpeg/resolveFfmpeg';
import { runCommand, type CommandOutcome } from './nvidiaSmi';

/** Decoders that read each format ("mp3float", "libopus", "aac_at" on macOS, "aac_mf" on Windows…). */
const FAMILIES: Record<keyof FfmpegCheck['decoders'], RegExp> = {
  mp3: /^mp3(float)?$|^mp3_(at|mf)$/,
  aac: /^aac(_fixed|_at|_mf|_latm)?$|^libfdk_aac$/,
  opus: /^(lib)?opus$/,
};

/** Audio decoder names from `ffmpeg -hide_banner -decoders` (lines like " A....D mp3float   MP3 …"). */
export function parseAudioDecoders(output: string): string[] {
  const names: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s*A[.A-Z]{5}\s+(\S+)\s/.exec(line);
    if (m) names.push(m[1] as string);
  }
  return names;
}

export function decodersByFormat(audioDecoders: string[]): FfmpegCheck['decoders'] {
  return {
    mp3: audioDecoders.filter((d) => FAMILIES.mp3.test(d)),
    aac: audioDecoders.filter((d) => FAMILIES.aac.test(d)),
    opus: audioDecoders.filter((d) => FAMILIES.opus.test(d)),
  };
}

export async function checkFfmpeg(
  resolve: () => Promise<ResolvedFfmpeg>,
  run: (file: string, args: string[], timeoutMs: number) => Promise<CommandOutcome> = runCommand,
): Promise<FfmpegCheck> {
  const none = { mp3: [], aac: [], opus: [] };
  let f: ResolvedFfmpeg;
  try {
    f = await resolve();
  } catch (err) {
    return {
      path: null,
      version: null,
      source: null,
      decoders: none,
      error: err instanceof Error ? err.message : String(err),
    };
  }
  const out = await run(f.path, ['-hide_banner', '-decoders'], 10_000);
  if (out.code !== 0) {
    return {
      path: f.path,
      version: f.version,
      source: f.source,
      decoders: none,
      error: `ffmpeg -decoders failed: ${(out.spawnError ?? out.stderr.trim().split('\n').pop()) || `exit ${out.code}`}`,
    };
  }
  return {
    path: f.path,
    version: f.version,
    source: f.source,
    decoders: decodersByFormat(parseAudioDecoders(out.stdout)),
  };
}
