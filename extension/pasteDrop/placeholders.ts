// The placeholder an "Insert transcript" paste or drop leaves in the document while the audio is
// transcribed, and how it is found again. A visible line (so the user sees what is coming) with an
// HTML comment carrying the job's id (so it is found even after edits around it). Pure functions.
import { escapeMarkdown } from '../../common/formats';
import { isAudioPath } from '../transcribe/audioFiles';

const MARKER = /<!-- sensevoice-transcript:([a-z0-9]+) -->/g;

export function placeholderText(id: string, fileName: string): string {
  return `_Transcribing ${escapeMarkdown(fileName)} with SenseVoice…_ <!-- sensevoice-transcript:${id} -->`;
}

/** Ids of every placeholder in a piece of text. */
export function placeholderIds(text: string): string[] {
  return [...text.matchAll(MARKER)].map((m) => m[1]);
}

/** Offsets of the whole placeholder line for `id` (from its line's start to its marker's end). */
export function findPlaceholder(text: string, id: string): { start: number; end: number } | null {
  const marker = `<!-- sensevoice-transcript:${id} -->`;
  const at = text.indexOf(marker);
  if (at < 0) return null;
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const line = text.slice(lineStart, at);
  // Only our own line: "_Transcribing … with SenseVoice…_ ". Text the user typed before it stays.
  const ours = line.lastIndexOf('_Transcribing ');
  return { start: ours >= 0 ? lineStart + ours : at, end: at + marker.length };
}

/** Audio files in a text/uri-list (RFC 2483: one URI a line, "#" comments). */
export function audioUrisFromUriList(list: string): string[] {
  return list
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .filter((l) => {
      try {
        return isAudioPath(decodeURIComponent(new URL(l).pathname));
      } catch {
        return false;
      }
    });
}
