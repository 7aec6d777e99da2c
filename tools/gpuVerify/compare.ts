// Token ids of a GPU provider against the CPU's, clip by clip, on the same fp32 model. Where they
// differ, says where and by how much: the first differing position, the edit distance, how many
// frames chose another id, and the CPU's smallest lead at those frames (a lead of a few 1e-5 is a
// near-tie that float rounding on another device can flip; a lead of 1 or more is a real fault).
import type { ClipResult } from './measure';

export interface ClipDifference {
  clip: string;
  cpuTokens: number;
  tokens: number;
  /** First index where the id sequences part (the shorter one's length if one is a prefix). */
  firstIndex: number;
  cpuId: number | null;
  id: number | null;
  /** Insertions, deletions and substitutions from the CPU's ids to these. */
  editDistance: number;
  /** Frames whose argmax differs, of all frames. */
  framesDiffering: number;
  frames: number;
  /** The CPU's smallest top-1 minus top-2 logit over the differing frames. */
  minCpuLead: number | null;
}

export interface ProviderComparison {
  provider: string;
  clips: number;
  identical: number;
  differences: ClipDifference[];
}

export function compareWithCpu(
  provider: string,
  cpu: readonly ClipResult[],
  got: readonly ClipResult[],
): ProviderComparison {
  const differences: ClipDifference[] = [];
  let identical = 0;
  for (const c of got) {
    const ref = cpu.find((x) => x.name === c.name);
    if (!ref) continue;
    if (same(ref.ids, c.ids) && same(ref.argmax, c.argmax)) {
      identical++;
      continue;
    }
    let first = 0;
    while (first < ref.ids.length && first < c.ids.length && ref.ids[first] === c.ids[first]) first++;
    let framesDiffering = 0;
    let minCpuLead: number | null = null;
    const n = Math.min(ref.argmax.length, c.argmax.length);
    for (let t = 0; t < n; t++) {
      if (ref.argmax[t] === c.argmax[t]) continue;
      framesDiffering++;
      const lead = ref.lead[t] as number;
      if (minCpuLead === null || lead < minCpuLead) minCpuLead = lead;
    }
    framesDiffering += Math.abs(ref.argmax.length - c.argmax.length);
    differences.push({
      clip: c.name,
      cpuTokens: ref.ids.length,
      tokens: c.ids.length,
      firstIndex: first,
      cpuId: ref.ids[first] ?? null,
      id: c.ids[first] ?? null,
      editDistance: editDistance(ref.ids, c.ids),
      framesDiffering,
      frames: ref.argmax.length,
      minCpuLead,
    });
  }
  return { provider, clips: got.length, identical, differences };
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function editDistance(a: readonly number[], b: readonly number[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length] as number;
}
