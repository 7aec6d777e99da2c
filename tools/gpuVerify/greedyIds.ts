// Token ids from logits, for comparing providers: the argmax of every frame (query frames included)
// with its lead over the runner-up, and the greedy CTC sequence (repeats merged, blanks dropped).
// The same tie rule as daemon/decoding/ctcDecode.ts (the first maximum wins), but every frame's
// choice is kept: where two providers differ, the CPU's lead at that frame says whether it was a
// near-tie that float rounding can flip, or a real difference.

export interface GreedyIds {
  /** Collapsed ids: the four query tags, then the text tokens. */
  ids: number[];
  /** Per frame: the best id. */
  argmax: number[];
  /** Per frame: best logit minus the second best. */
  lead: number[];
}

export function greedyIds(logits: Float32Array, frames: number, vocab: number, blankId: number): GreedyIds {
  const ids: number[] = [];
  const argmax: number[] = [];
  const lead: number[] = [];
  let prev = -1;
  for (let t = 0; t < frames; t++) {
    let best = -Infinity;
    let second = -Infinity;
    let id = -1;
    for (let j = 0, o = t * vocab; j < vocab; j++) {
      const v = logits[o + j]!;
      if (id < 0 || v > best) {
        second = best;
        best = v;
        id = j;
      } else if (v > second) second = v;
    }
    argmax.push(id);
    lead.push(Math.fround(best - second));
    if (id !== blankId && id !== prev) ids.push(id);
    prev = id;
  }
  return { ids, argmax, lead };
}
