// How far two diarizations agree, labels up to a permutation: the share of a 1 ms grid where both
// have the same set of speakers (after mapping ours onto theirs by greatest overlap, one to one), and
// the largest boundary difference between turns matched by speaker and overlap.
import type { Turn } from './sherpaDiarization';

export interface Agreement {
  /** 0..1 of the grid over [0, durationSec). */
  agreement: number;
  /** Seconds; Infinity when a turn has no counterpart. */
  maxBoundaryDiff: number;
  /** Our speaker -> theirs. */
  mapping: Map<number, number>;
}

const overlap = (a: Turn, b: Turn) => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));

export function compareDiarizations(ours: Turn[], theirs: Turn[], durationSec: number): Agreement {
  // Greedy one-to-one mapping by total overlap (exact for the near-identical results compared here).
  const totals = new Map<string, number>();
  for (const a of ours)
    for (const b of theirs) {
      const o = overlap(a, b);
      if (o > 0) totals.set(`${a.speaker},${b.speaker}`, (totals.get(`${a.speaker},${b.speaker}`) ?? 0) + o);
    }
  const mapping = new Map<number, number>();
  const used = new Set<number>();
  for (const [key] of [...totals].sort((x, y) => y[1] - x[1])) {
    const [o, t] = key.split(',').map(Number);
    if (mapping.has(o) || used.has(t)) continue;
    mapping.set(o, t);
    used.add(t);
  }
  let next = 1000;
  for (const a of ours) if (!mapping.has(a.speaker)) mapping.set(a.speaker, next++);
  const mapped = ours.map((t) => ({ ...t, speaker: mapping.get(t.speaker) as number }));

  const steps = Math.max(1, Math.round(durationSec * 1000));
  const setAt = (turns: Turn[], t: number) =>
    turns
      .filter((x) => x.start <= t && t < x.end)
      .map((x) => x.speaker)
      .sort((a, b) => a - b)
      .join(',');
  let same = 0;
  for (let i = 0; i < steps; i++) {
    const t = (i + 0.5) / 1000;
    if (setAt(mapped, t) === setAt(theirs, t)) same++;
  }

  let maxBoundaryDiff = 0;
  const match = (from: Turn[], to: Turn[]) => {
    for (const a of from) {
      let best: Turn | undefined;
      for (const b of to)
        if (b.speaker === a.speaker && (best === undefined || overlap(a, b) > overlap(a, best))) best = b;
      if (best === undefined || overlap(a, best) === 0) maxBoundaryDiff = Infinity;
      else maxBoundaryDiff = Math.max(maxBoundaryDiff, Math.abs(a.start - best.start), Math.abs(a.end - best.end));
    }
  };
  match(mapped, theirs);
  match(theirs, mapped);
  return { agreement: same / steps, maxBoundaryDiff, mapping };
}
