// Word and character error rates for comparing transcripts with references.

/** Levenshtein distance between two sequences. */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Lower case, no punctuation, single spaces: what error rates compare. */
export function normalizeText(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function wordErrorRate(hypothesis: string, reference: string): number {
  const ref = normalizeText(reference).split(' ').filter(Boolean);
  return editDistance(normalizeText(hypothesis).split(' ').filter(Boolean), ref) / Math.max(ref.length, 1);
}

export function charErrorRate(hypothesis: string, reference: string): number {
  const ref = [...normalizeText(reference).replace(/ /g, '')];
  return editDistance([...normalizeText(hypothesis).replace(/ /g, '')], ref) / Math.max(ref.length, 1);
}
