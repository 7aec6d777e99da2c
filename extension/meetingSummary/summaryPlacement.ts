// Where "Summarize Meeting" puts its section in a notes document the extension made: the notes
// block at (or above) the cursor, found by its "Transcript" heading, whose timestamp links name the
// recording; the section goes just above that heading, at its level, so nothing the user wrote is
// replaced or moved apart. Pure (the document's lines in, a line number out): unit-tested.
import { parseTimestampLink } from '../meetingNotes/timestampLinks';

/** A notes block of the document: the recording it was made from and where its summary goes. */
export interface SummaryTarget {
  /** The audio file its timestamp links open. */
  audioFile: string;
  /** The line the section is inserted before (the notes' "Transcript" heading). */
  line: number;
  /** The heading level of the section (that of the notes' other sections). */
  headingLevel: number;
}

/** The recording a line's first SenseVoice timestamp link (`[m:ss](<scheme://id/open?…>)`) names. */
export function linkedAudio(line: string, extensionId: string): string | undefined {
  for (const m of line.matchAll(/\]\(<([^<>\s]+)>\)/g)) {
    let u: URL;
    try {
      u = new URL(m[1]);
    } catch {
      continue;
    }
    if (u.host.toLowerCase() !== extensionId.toLowerCase()) continue;
    const target = parseTimestampLink(u.pathname, u.search.slice(1));
    if (target) return target.file;
  }
  return undefined;
}

/** The notes block the cursor is in (else the last one above it, else the first), or null without one. */
export function summaryTarget(lines: readonly string[], cursorLine: number, extensionId: string): SummaryTarget | null {
  const blocks: (SummaryTarget & { start: number })[] = [];
  let inFence = false;
  // The line of the latest heading of each level (1-6) above, cleared below a new heading.
  const latest: (number | undefined)[] = [];
  let open: { line: number; level: number; start: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      if (open && level <= open.level) open = null;
      if (/^transcript$/i.test(heading[2])) {
        // The block starts at the notes' title: the nearest heading above of a higher level.
        const title = latest.slice(1, level).filter((l) => l !== undefined);
        open = { line: i, level, start: title.length > 0 ? Math.max(...title) : i };
      }
      latest[level] = i;
      latest.length = level + 1;
      continue;
    }
    if (!open) continue;
    const audio = linkedAudio(line, extensionId);
    if (audio) {
      blocks.push({ audioFile: audio, line: open.line, headingLevel: open.level, start: open.start });
      open = null;
    }
  }
  if (blocks.length === 0) return null;
  const chosen = blocks.filter((b) => b.start <= cursorLine).at(-1) ?? blocks[0];
  return { audioFile: chosen.audioFile, line: chosen.line, headingLevel: chosen.headingLevel };
}
