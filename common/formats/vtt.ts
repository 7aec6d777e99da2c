// WebVTT (.vtt): "WEBVTT", then cues "HH:MM:SS.mmm --> HH:MM:SS.mmm" with HTML-escaped text; a
// diarized transcript's cues carry voice tags, `<v Alice>…`, which players show as the speaker.
import type { Transcript } from '../protocol';
import { richText } from './segmentText';
import type { SubtitleOptions } from './srt';
import { vttTimestamp } from './time';
import { speakerNames, speakerOf } from './speakers';

/**
 * Cue text is markup in WebVTT: "&", "<" and ">" must be character references, and escaping ">"
 * also keeps "-->" out of the payload, which the format forbids.
 */
export function vttCueText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function formatVtt(t: Pick<Transcript, 'segments' | 'speakers'>, options: SubtitleOptions = {}): string {
  const emoji = options.emoji ?? true;
  const names = speakerNames(t);
  const cues: string[] = ['WEBVTT\n'];
  for (const s of [...t.segments].sort((a, b) => a.start - b.start)) {
    const said = vttCueText(richText(s, emoji));
    if (!said) continue;
    const who = speakerOf(names, s);
    const text = who === undefined ? said : `<v ${vttVoiceName(who)}>${said}`;
    cues.push(`${vttTimestamp(s.start)} --> ${vttTimestamp(Math.max(s.end, s.start))}\n${text}\n`);
  }
  return cues.join('\n');
}

/** A voice tag's annotation: escaped like cue text, on one line (the names map already tidied it). */
export function vttVoiceName(name: string): string {
  return vttCueText(name.replace(/\s+/g, ' ').trim());
}
