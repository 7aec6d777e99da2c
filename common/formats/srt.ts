// SubRip (.srt): numbered cues, "HH:MM:SS,mmm --> HH:MM:SS,mmm", a blank line between cues. A
// diarized transcript's cues start with the speaker's name, "Alice: …" (SRT has no speaker markup).
import type { Transcript } from '../protocol';
import { richText } from './segmentText';
import { srtTimestamp } from './time';
import { speakerNames, speakerOf } from './speakers';

export interface SubtitleOptions {
  /** Emoji for events and emotions (default true); else "[Music]"-style words. */
  emoji?: boolean;
}

/**
 * SRT has no escaping: a cue ends at a blank line and a line holding "-->" reads as a timing line
 * to many players. Text is already one line (tidyText); an arrow in it is spelled "->" instead.
 */
export function srtCueText(text: string): string {
  return text.replace(/-->/g, '->');
}

export function formatSrt(t: Pick<Transcript, 'segments' | 'speakers'>, options: SubtitleOptions = {}): string {
  const emoji = options.emoji ?? true;
  const names = speakerNames(t);
  const cues: string[] = [];
  for (const s of [...t.segments].sort((a, b) => a.start - b.start)) {
    const said = richText(s, emoji);
    if (!said) continue;
    const who = speakerOf(names, s);
    const text = srtCueText(who === undefined ? said : `${who}: ${said}`);
    cues.push(`${cues.length + 1}\n${srtTimestamp(s.start)} --> ${srtTimestamp(Math.max(s.end, s.start))}\n${text}\n`);
  }
  return cues.join('\n');
}
