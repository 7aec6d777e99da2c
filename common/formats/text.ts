// Plain text (.txt): one line per segment, "[0:07] text" ("[0:07] Alice: text" when diarized), for
// reading and pasting anywhere.
import type { Transcript } from '../protocol';
import { richText } from './segmentText';
import { clockTime } from './time';
import { speakerNames, speakerOf } from './speakers';

export interface TextOptions {
  /** Emoji for events and emotions (default true). */
  emoji?: boolean;
  /** "[m:ss] " before each line (default true). */
  timestamps?: boolean;
}

export function formatText(t: Pick<Transcript, 'segments' | 'speakers'>, options: TextOptions = {}): string {
  const names = speakerNames(t);
  const emoji = options.emoji ?? true;
  const stamps = options.timestamps ?? true;
  const lines: string[] = [];
  for (const s of [...t.segments].sort((a, b) => a.start - b.start)) {
    const said = richText(s, emoji);
    if (!said) continue;
    const who = speakerOf(names, s);
    const text = who === undefined ? said : `${who}: ${said}`;
    lines.push(stamps ? `[${clockTime(s.start)}] ${text}` : text);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
