// The batches daemon/jobs/batchScheduler.ts would form if every segment were already waiting (its
// own takeBatch, run until none is left), for timing padded batches against one-at-a-time runs on
// the same segments. Lengths are in feature frames (60 ms).
import { takeBatch } from '../daemon/jobs/batchScheduler';

const FRAME_SEC = 0.06;

/** Indices of `frames` grouped into batches, in the order the scheduler would run them. */
export function simulateBatches(frames: readonly number[], batchSize: number, batchSeconds = 120): number[][] {
  const waiting = frames.map((f, i) => ({ i, seconds: f * FRAME_SEC }));
  const out: number[][] = [];
  while (waiting.length > 0) out.push(takeBatch(waiting, { batchSize, batchSeconds }).map((e) => e.i));
  return out;
}
