// WebVTT (.vtt): "WEBVTT", then cues "HH:MM:SS.mmm --> HH:MM:SS.mmm" with HTML-escaped text.
import type { Transcript } from '../protocol';
import { richText } from './segmentText';
import type { SubtitleOptions } from './srt';
import { vttTimestamp } from './time';

/**
 * Cue text is markup in WebVTT: "&", "<" and ">" must be character references, and escaping ">"
 * also keeps "-->" out of the payload, which the format forbids.
 */
export function vttCueText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function formatVtt(t: Pick<Transcript, 'segments'>, options: SubtitleOptions = {}): string {
  const emoji = options.emoji ?? true;
  const cues: string[] = ['WEBVTT\n'];
  for (const s of [...t.segments].sort((a, b) => a.start - b.start)) {
    const text = vttCueText(richText(s, emoji));
    if (!text) continue;
    cues.push(`${vttTimestamp(s.start)} --> ${vttTimestamp(Math.max(s.end, s.start))}\n${text}\n`);
  }
  return cues.join('\n');
}
