// Where and how notes go into a Markdown document: the heading level that fits below what the
// document already has, and the blank lines that keep the notes their own blocks. Pure functions.

/** 1 for a document without a title above the cursor, else one level below the nearest heading above (at most 4). */
export function headingLevelAt(linesAbove: readonly string[]): number {
  let inFence = false;
  let nearest = 0;
  for (const line of linesAbove) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const m = /^(#{1,6})\s/.exec(line);
    if (m) nearest = m[1].length;
  }
  return nearest === 0 ? 1 : Math.min(4, nearest + 1);
}

/** The blank lines a block needs before and after it to stand apart from the text around the cursor. */
export function insertionPadding(before: string, after: string): { lead: string; trail: string } {
  const lead = before.length === 0 || /\n\s*\n$/.test(before) ? '' : before.endsWith('\n') ? '\n' : '\n\n';
  const trail = after.length === 0 ? '\n' : /^\n\s*\n/.test(after) ? '' : after.startsWith('\n') ? '\n' : '\n\n';
  return { lead, trail };
}

/** The notes with the blank lines they need to stand apart from the text around the cursor. */
export function padForInsertion(notes: string, before: string, after: string): string {
  const { lead, trail } = insertionPadding(before, after);
  return lead + notes.replace(/\n+$/, '') + trail;
}
