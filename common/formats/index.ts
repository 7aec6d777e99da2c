// The export formats behind one call, for the extension and the cli (`--format srt|vtt|md|txt|json`).
// Pure functions: no vscode, no file system.
import { formatJson, parseTranscriptJson, TranscriptParseError } from './json';
import { formatMarkdown } from './markdown';
import { formatSrt } from './srt';
import { formatText } from './text';
import type { TranscriptData } from './transcriptData';
import { formatVtt } from './vtt';
import { EXPORT_FORMAT_IDS, isOneOf, type ExportFormat } from '../values';

export type { ExportFormat };

/** Every option any format reads; each format ignores the ones it has no use for. */
export interface FormatOptions {
  /** Events and emotions as emoji (default true; the `sensevoice.exportEmoji` setting). */
  emoji?: boolean;
  /** md: the heading (default "Meeting notes: <file>"). */
  title?: string;
  /** md: a date line, already formatted. */
  date?: string;
  /** md: the title's heading level (default 1). */
  headingLevel?: number;
  /** txt: "[m:ss]" before each line (default true). */
  timestamps?: boolean;
  /** json: indented (default true). */
  pretty?: boolean;
  /** json: include tokens (default true). */
  tokens?: boolean;
}

export interface ExportFormatInfo {
  format: ExportFormat;
  /** What a person picks from a list. */
  label: string;
  /** Appended to the audio file's base name: "meeting" + ".srt". */
  suffix: string;
  /** For save dialogs' filters. */
  extensions: string[];
}

export const EXPORT_FORMATS: readonly ExportFormatInfo[] = [
  { format: 'md', label: 'Markdown meeting notes', suffix: '.md', extensions: ['md'] },
  { format: 'srt', label: 'SubRip subtitles (SRT)', suffix: '.srt', extensions: ['srt'] },
  { format: 'vtt', label: 'WebVTT subtitles (VTT)', suffix: '.vtt', extensions: ['vtt'] },
  {
    format: 'json',
    label: 'JSON (reopens in the transcript viewer)',
    suffix: '.transcript.json',
    extensions: ['json'],
  },
  { format: 'txt', label: 'Plain text', suffix: '.txt', extensions: ['txt'] },
];

export function isExportFormat(v: unknown): v is ExportFormat {
  return isOneOf(EXPORT_FORMAT_IDS, v);
}

export function formatInfo(format: ExportFormat): ExportFormatInfo {
  const f = EXPORT_FORMATS.find((x) => x.format === format);
  if (!f) throw new Error(`unknown export format ${String(format)}`);
  return f;
}

export function formatTranscript(t: TranscriptData, format: ExportFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'md':
      return formatMarkdown(t, options);
    case 'srt':
      return formatSrt(t, options);
    case 'vtt':
      return formatVtt(t, options);
    case 'json':
      return formatJson(t, options);
    case 'txt':
      return formatText(t, options);
    default:
      throw new Error(`unknown export format ${String(format)}`);
  }
}

export { formatJson, formatMarkdown, formatSrt, formatText, formatVtt, parseTranscriptJson, TranscriptParseError };
export type { TranscriptData };
export { escapeMarkdown, baseName } from './markdown';
export { srtCueText } from './srt';
export { vttCueText } from './vtt';
export { richText, tidyText } from './segmentText';
export { srtTimestamp, vttTimestamp, clockTime, clockSpan, localDateTime } from './time';
export { summarize, realTimeFactor } from './summary';
export { segmentFields, type SegmentFields } from './transcriptData';
export { speakerNames, speakerOf, hasSpeakers, renameSpeakers } from './speakers';
export { vttVoiceName } from './vtt';
