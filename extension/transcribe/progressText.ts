// The progress notification's line for a batch: "45% · 3 segments", plus, for several files,
// "1 of 3 files done · meeting.wav". Pure, so the wording is tested without VS Code.

export interface FileProgress {
  name: string;
  /** 0..1 as the daemon reports it. */
  fraction: number;
  segments: number;
  done: boolean;
}

/** The batch's share done, 0..1: finished files count whole, running ones by their fraction. */
export function batchFraction(files: readonly FileProgress[]): number {
  if (files.length === 0) return 1;
  return files.reduce((a, f) => a + (f.done ? 1 : Math.min(1, Math.max(0, f.fraction))), 0) / files.length;
}

export function progressMessage(files: readonly FileProgress[]): string {
  if (files.every((f) => !f.done && f.fraction === 0 && f.segments === 0)) return 'starting…';
  const pct = Math.floor(batchFraction(files) * 100);
  const segs = files.reduce((a, f) => a + f.segments, 0);
  const parts = [`${pct}%`, `${segs} segment${segs === 1 ? '' : 's'}`];
  if (files.length > 1) {
    parts.push(`${files.filter((f) => f.done).length} of ${files.length} files done`);
    const active = files.filter((f) => !f.done && (f.fraction > 0 || f.segments > 0)).map((f) => f.name);
    if (active.length > 0) parts.push(active.join(', '));
  }
  return parts.join(' · ');
}
