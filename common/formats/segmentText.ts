// A segment's text as the exports print it: whitespace tidied, tags as emoji or as words.
import type { TranscriptSegment } from '../protocol';
import { emotionEmoji, emotionName, eventEmoji, eventName, isMoodless, isPlainSpeechEvent } from './labels';

type Tagged = Pick<TranscriptSegment, 'text' | 'emotion' | 'event'>;

/** The recognised text on one line: line breaks and runs of spaces become one space. */
export function tidyText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Subtitle and plain-text rendering. With emoji: the event's emoji first and the emotion's last
 * ("🎼 Hello 😊", SenseVoice's rich-text convention with spaces for reading). Without: the event in
 * brackets, the SDH way ("[Music] Hello"); a mood has no conventional words in subtitles.
 */
export function richText(s: Tagged, emoji: boolean): string {
  const text = tidyText(s.text);
  if (emoji) {
    return [eventEmoji(s.event), text, emotionEmoji(s.emotion)].filter(Boolean).join(' ');
  }
  const event = isPlainSpeechEvent(s.event) ? '' : `[${eventName(s.event)}]`;
  return [event, text].filter(Boolean).join(' ');
}

/** The mood of a segment in words, for notes without emoji: "happy"; '' for neutral/unknown. */
export function moodWord(s: Pick<TranscriptSegment, 'emotion'>): string {
  return isMoodless(s.emotion) ? '' : emotionName(s.emotion).toLowerCase();
}
