// The live notes block in a Markdown document, as pure functions over text and offsets (no vscode):
// what the block says while recording (a head in the format of Insert Meeting Notes, one line per
// segment, a trailer saying that the final notes will replace it), and where it is after the user's
// edits. The block carries an HTML comment with the recording's id at both ends, so a window that
// comes back after a crash can find it again.
import { baseName, escapeMarkdown, markdownSegmentLine } from '../../common/formats/markdown';
import type { TranscriptSegment } from '../../common/protocol';

/** One change of a document, as VS Code reports it: the replaced range by offsets, and the new text. */
export interface TextChange {
  offset: number;
  length: number;
  text: string;
}

/** `<!-- sensevoice-live:ID -->`: the marker at both ends of a live block. */
export function liveMarker(id: string): string {
  return `<!-- sensevoice-live:${id} -->`;
}

export interface LiveHeadOptions {
  id: string;
  /** The recording file's path. */
  recording: string;
  /** A ready-made date line (the recording's start). */
  date: string;
  headingLevel: number;
}

/** The top of the live block: the marker, the title and facts, the transcript heading. */
export function liveBlockHead(o: LiveHeadOptions): string {
  const h = '#'.repeat(Math.min(4, Math.max(1, o.headingLevel)));
  return [
    liveMarker(o.id),
    `${h} ${escapeMarkdown(`Meeting notes: ${baseName(o.recording)}`)}`,
    '',
    `- **Date:** ${escapeMarkdown(o.date)}`,
    `- **Audio:** ${escapeMarkdown(baseName(o.recording, true))} (recording)`,
    '',
    `${h}# Transcript`,
    '',
    '',
  ].join('\n');
}

/** One streamed segment with the blank line after it: the same line as in the final notes. */
export function liveSegmentText(s: TranscriptSegment, emoji: boolean): string {
  return `${markdownSegmentLine(s, emoji)}\n\n`;
}

/** The last line of the live block. */
export function liveTrailer(id: string): string {
  return `_Live notes: the final notes replace this block when the recording stops._ ${liveMarker(id)}`;
}

/** Where the next segment goes in the block's text: before the trailer, or at the end when the user removed it. */
export function segmentInsertAt(blockText: string, id: string): number {
  const at = blockText.lastIndexOf(liveTrailer(id));
  return at >= 0 ? at : blockText.length;
}

/** The live block between its two markers (from the first marker to the end of the trailer's), or null. */
export function findLiveBlock(text: string, id: string): { start: number; end: number } | null {
  const marker = liveMarker(id);
  const start = text.indexOf(marker);
  if (start < 0) return null;
  const last = text.lastIndexOf(marker);
  if (last === start) return null;
  return { start, end: last + marker.length };
}

/** The notes for a recording that holds no audio. */
export function nothingRecorded(recording: string, headingLevel: number): string {
  const h = '#'.repeat(Math.min(4, Math.max(1, headingLevel)));
  return `${h} ${escapeMarkdown(`Meeting notes: ${baseName(recording)}`)}\n\n_Nothing was recorded._`;
}

/** The user's version of a live block without the parts that were only ours (its markers and trailer), for keeping beside the final notes. */
export function userVersion(blockText: string, id: string): string {
  return blockText
    .replace(liveTrailer(id), '')
    .replace(`${liveMarker(id)}\n`, '')
    .replace(/\n+$/, '');
}

/** The ids of the live blocks in a document. */
export function liveBlockIds(text: string): string[] {
  return [...new Set([...text.matchAll(/<!-- sensevoice-live:([\w.-]+) -->/g)].map((m) => m[1]))];
}

/**
 * A range of the document that follows the edits around it: an edit before it moves it, an edit
 * after it leaves it, an edit inside or across it grows or shrinks it. An insertion at either
 * boundary falls outside (the user typing just before or after the notes), unless it was announced
 * with `expect` (the notes' own growth at their end).
 */
export class TrackedBlock {
  private expected: TextChange | null = null;

  constructor(
    public start: number,
    public end: number,
  ) {}

  /** The next change equal to `c` is the block's own: at its end, it extends the block. */
  expect(c: TextChange): void {
    this.expected = c;
  }

  /**
   * Follows one change (several changes of one event are applied in the order reported, last first)
   * and says where it was: 'own' for the expected change, else before, after or inside the block.
   */
  apply(c: TextChange): 'own' | 'before' | 'after' | 'inside' {
    const e = this.expected;
    // A CRLF document reports the '\n' it was given as '\r\n'.
    const own =
      e !== null && e.offset === c.offset && e.length === c.length && e.text === c.text.replace(/\r\n/g, '\n');
    if (own) this.expected = null;
    const delta = c.text.length - c.length;
    const changeEnd = c.offset + c.length;
    if (changeEnd <= this.start && !(own && c.offset === this.start)) {
      this.start += delta;
      this.end += delta;
      return own ? 'own' : 'before';
    }
    if (c.offset >= this.end && !(own && c.offset === this.end)) return own ? 'own' : 'after';
    this.start = Math.min(this.start, c.offset);
    this.end = Math.max(this.end + delta, c.offset + c.text.length);
    return own ? 'own' : 'inside';
  }
}
