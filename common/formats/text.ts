// Plain text (.txt): one line per segment, "[0:07] text", for reading and pasting anywhere.
import type { Transcript } from '../protocol';
import { richText } from './segmentText';
import { clockTime } from './time';

export interface TextOptions {
  /** Emoji for events and emotions (default true). */
  emoji?: boolean;
  /** "[m:ss] " before each line (default true). */
  timestamps?: boolean;
}

export function formatText(t: Pick<Transcript, 'segments'>, options: TextOptions = {}): string {
  const emoji = options.emoji ?? true;
  const stamps = options.timestamps ?? true;
  const lines: string[] = [];
  for (const s of [...t.segments].sort((a, b) => a.start - b.start)) {
    const text = richText(s, emoji);
    if (!text) continue;
    lines.push(stamps ? `[${clockTime(s.start)}] ${text}` : text);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
