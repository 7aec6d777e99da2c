// Which files the Transcribe command takes: audio, and video with a sound track (ffmpeg reads both).
// package.json's explorer menu `when` clause spells the same list; a unit test keeps them equal.

export const AUDIO_EXTENSIONS = [
  'wav',
  'mp3',
  'm4a',
  'aac',
  'flac',
  'ogg',
  'opus',
  'webm',
  'mp4',
  'mov',
  'mkv',
  'amr',
  'wma',
] as const;

/** The explorer menu's `when` clause: files (not folders) with one of AUDIO_EXTENSIONS, any case. */
export const AUDIO_WHEN_CLAUSE = `!explorerResourceIsFolder && resourceExtname =~ /^\\.(${AUDIO_EXTENSIONS.join('|')})$/i`;

/** A glob for findFiles and the like: "**\/*.{wav,mp3,…}" (lower case: most file systems here are). */
export const AUDIO_GLOB = `**/*.{${AUDIO_EXTENSIONS.join(',')}}`;

export function isAudioPath(p: string): boolean {
  const m = /\.([^./\\]+)$/.exec(p);
  return !!m && (AUDIO_EXTENSIONS as readonly string[]).includes(m[1].toLowerCase());
}
