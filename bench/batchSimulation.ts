// The batches daemon/jobs/batchScheduler.ts would form if every segment were already waiting (its
// `take`: the oldest segment, then the nearest in length within a 1.5 ratio, up to batchSize and
// batchSeconds), for timing padded batches against one-at-a-time runs on the same segments.
// Lengths are in feature frames (60 ms).

const SIMILAR = 1.5;
const FRAME_SEC = 0.06;

/** Indices of `frames` grouped into batches, in the order the scheduler would run them. */
export function simulateBatches(frames: readonly number[], batchSize: number, batchSeconds = 120): number[][] {
  const waiting = frames.map((f, i) => ({ i, seconds: f * FRAME_SEC }));
  const out: number[][] = [];
  while (waiting.length > 0) {
    const first = waiting.shift()!;
    const batch = [first.i];
    let seconds = first.seconds;
    const candidates = waiting
      .map((e, k) => ({ e, k }))
      .filter(({ e }) => Math.max(e.seconds, first.seconds) <= SIMILAR * Math.max(Math.min(e.seconds, first.seconds), 0.5))
      .sort((a, b) => Math.abs(a.e.seconds - first.seconds) - Math.abs(b.e.seconds - first.seconds));
    const taken = new Set<number>();
    for (const { e, k } of candidates) {
      if (batch.length >= batchSize) break;
      if (seconds + e.seconds > batchSeconds) continue;
      batch.push(e.i);
      seconds += e.seconds;
      taken.add(k);
    }
    const rest = waiting.filter((_, k) => !taken.has(k));
    waiting.length = 0;
    waiting.push(...rest);
    out.push(batch);
  }
  return out;
}
