// Markdown meeting notes (.md): title, facts, a summary of audio events and moods, then the
// transcript with timestamps and emotion marks. A diarized transcript reads like notes: a
// participants line with talk times, and `**Alice** [12:03]: …` with one speaker's consecutive
// segments joined. Transcript text is escaped, so whatever the model
// heard ("<img …>", "*", "[x](y)") shows literally in a Markdown preview.
import { emotionEmoji, emotionName, eventEmoji, eventName, isPlainSpeechEvent, languageName } from './labels';
import { moodWord, tidyText } from './segmentText';
import { realTimeFactor, summarize, type TagShare } from './summary';
import { clockSpan, clockTime } from './time';
import { durationText } from '../units';
import type { TranscriptData } from './transcriptData';
import type { TranscriptSegment } from '../protocol';
import { hasSpeakers, speakerNames, speakerOf } from './speakers';
import { sourceWarningsNote } from './sourceWarnings';

export interface MarkdownOptions {
  /** Emoji for events and moods (default true); else words. */
  emoji?: boolean;
  /** The heading; default "Meeting notes: <file name without extension>". */
  title?: string;
  /** A ready-made date line (e.g. localDateTime(the file's mtime)); no date line when absent. */
  date?: string;
  /** Heading level of the title, 1-4 (default 1); the sections sit one level below. */
  headingLevel?: number;
  /** Makes each transcript timestamp a link to this URI (the moment, in seconds); plain text when absent. */
  timestampLink?: (sec: number) => string;
}

/** Backslash-escapes what Markdown would read as syntax inside a paragraph (CommonMark allows any). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>&|~#!]/g, (c) => `\\${c}`);
}

/** 'meeting' for '/a/b/meeting.final.wav' (works on either slash, no node:path: the webview reads it too). */
export function baseName(file: string, keepExtension = false): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  if (keepExtension) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function moodLabel(tag: string, emoji: boolean): string {
  const e = emoji ? emotionEmoji(tag) : '';
  return e ? `${e} ${emotionName(tag)}` : emotionName(tag);
}

function languagesLine(languages: TagShare[]): string {
  if (languages.length === 0) return 'none detected';
  if (languages.length === 1) return `${languageName(languages[0].tag)} (${languages[0].tag})`;
  return languages.map((l) => `${languageName(l.tag)} (${l.tag}) ${percent(l.share)}`).join(', ');
}

/** One transcript line of the notes: time, event mark, escaped text, emotion (also streamed by live notes). */
export function markdownSegmentLine(
  s: TranscriptSegment,
  emoji = true,
  names: ReadonlyMap<string, string> = new Map(),
): string {
  return [`**[${clockTime(s.start)}]**`, ...segmentBody(s, emoji, names)].join(' ');
}

export function formatMarkdown(t: TranscriptData, options: MarkdownOptions = {}): string {
  const emoji = options.emoji ?? true;
  const level = Math.min(4, Math.max(1, Math.round(options.headingLevel ?? 1)));
  const h = '#'.repeat(level);
  const summary = summarize(t.segments);
  const out: string[] = [];

  out.push(`${h} ${escapeMarkdown(options.title ?? `Meeting notes: ${baseName(t.file)}`)}`, '');
  if (options.date) out.push(`- **Date:** ${escapeMarkdown(options.date)}`);
  out.push(`- **Audio:** ${escapeMarkdown(baseName(t.file, true))}`);
  out.push(`- **Duration:** ${clockTime(t.durationSec)} (${durationText(t.durationSec)})`);
  out.push(`- **Languages:** ${languagesLine(summary.languages)}`);
  const rtf = realTimeFactor(t);
  const model = `SenseVoiceSmall (${t.model.layout}, ${t.model.quantization}) on ${escapeMarkdown(t.model.provider)}`;
  const speed = rtf === null ? '' : `, real-time factor ${rtf < 0.001 ? 'under 0.001' : rtf.toFixed(3)}`;
  out.push(`- **Transcribed with:** ${model}${speed}`);
  const diarized = hasSpeakers(t);
  const names = speakerNames(t);
  if (diarized) {
    const who = (t.speakers ?? []).map(
      (p) => `${escapeMarkdown(names.get(p.id) ?? p.id)} (${durationText(p.talkSec)})`,
    );
    out.push(`- **Participants:** ${who.join(', ')}`);
  } else if (t.speakersUnavailable) {
    out.push(`- **Speakers:** ${escapeMarkdown(t.speakersUnavailable)}`);
  }
  out.push('');
  const note = sourceWarningsNote(t.warnings, escapeMarkdown, emoji);
  if (note) out.push(note, '');

  out.push(`${h}# Summary`, '');
  const byEvent = new Map<string, string[]>();
  for (const span of summary.events) {
    const list = byEvent.get(span.tag) ?? [];
    list.push(clockSpan(span.start, span.end));
    byEvent.set(span.tag, list);
  }
  if (byEvent.size === 0) out.push('- No music, laughter, applause or other sounds besides speech.');
  for (const [tag, times] of byEvent) {
    const e = emoji ? eventEmoji(tag) : '';
    out.push(`- ${e ? `${e} ` : ''}**${escapeMarkdown(eventName(tag))}:** ${times.join(', ')}`);
  }
  const moods = summary.moods.filter((m) => m.share > 0);
  if (moods.length > 0)
    out.push(`- **Moods:** ${moods.map((m) => `${moodLabel(m.tag, emoji)} ${percent(m.share)}`).join(' · ')}`);
  const byMood = new Map<string, string[]>();
  for (const span of summary.moodSpans) {
    if (span.tag === 'OTHER') continue;
    const list = byMood.get(span.tag) ?? [];
    list.push(clockSpan(span.start, span.end));
    byMood.set(span.tag, list);
  }
  // Where each mood is heard; not worth a line when one mood holds throughout.
  if (moods.length > 1 || summary.moodSpans.length > 1) {
    for (const [tag, times] of byMood) out.push(`  - ${moodLabel(tag, emoji)}: ${times.join(', ')}`);
  }
  out.push('');

  out.push(`${h}# Transcript`, '');
  // An angle-bracketed destination: the URI may hold parentheses; it holds no spaces, < or >.
  const stamp = (sec: number) => {
    const link = options.timestampLink?.(sec).replace(/[\s<>]/g, (c) => encodeURIComponent(c));
    return link ? `[${clockTime(sec)}](<${link}>)` : `[${clockTime(sec)}]`;
  };
  const segments = [...t.segments].sort((a, b) => a.start - b.start);
  if (segments.length === 0) out.push('_Nothing was recognised._', '');
  if (diarized) {
    for (const turn of speakerParagraphs(segments, names)) {
      const body = turn.segments.map((s) => segmentBody(s, emoji, names).join(' ')).join(' ');
      out.push(`**${escapeMarkdown(turn.name)}** ${stamp(turn.segments[0].start)}: ${body}`, '');
    }
    return out.join('\n');
  }
  for (const s of segments) out.push([`**${stamp(s.start)}**`, ...segmentBody(s, emoji, names)].join(' '), '');
  return out.join('\n');
}

/** One speaker's consecutive segments (a segment without a speaker stands alone, as "Unknown"). */
function speakerParagraphs(
  segments: readonly TranscriptSegment[],
  names: ReadonlyMap<string, string>,
): { name: string; segments: TranscriptSegment[] }[] {
  const out: { speaker: string | undefined; name: string; segments: TranscriptSegment[] }[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (last && s.speaker !== undefined && last.speaker === s.speaker) last.segments.push(s);
    else out.push({ speaker: s.speaker, name: speakerOf(names, s) ?? 'Unknown', segments: [s] });
  }
  return out;
}

/** A segment's event mark, text, mood and overlapping speakers, escaped. */
function segmentBody(s: TranscriptSegment, emoji: boolean, names: ReadonlyMap<string, string>): string[] {
  const parts: string[] = [];
  if (!isPlainSpeechEvent(s.event)) {
    const e = emoji ? eventEmoji(s.event) : '';
    parts.push(e || `\\[${escapeMarkdown(eventName(s.event))}\\]`);
  }
  const text = tidyText(s.text);
  parts.push(text ? escapeMarkdown(text) : '_(no speech)_');
  if (emoji) {
    const e = emotionEmoji(s.emotion);
    if (e) parts.push(e);
  } else {
    const w = moodWord(s);
    if (w) parts.push(`_(${w})_`);
  }
  if (s.overlap && s.overlap.length > 0)
    parts.push(`_(over ${s.overlap.map((id) => escapeMarkdown(names.get(id) ?? id)).join(', ')})_`);
  return parts;
}
