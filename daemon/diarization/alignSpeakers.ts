// Who said each segment: the diarization's turns laid over the ASR segments. Every segment gets the
// speaker whose turns cover most of it (the nearest turn's when none does); where the speaker
// changes inside a segment, the segment is cut at its token times so each piece has one speaker;
// other speakers talking at the same time are listed in `overlap`, not hidden. Pure: no I/O.
import type { SpeakerTurn, TranscriptSegment, TranscriptToken } from '../../common/protocol';

/** Runs of tokens shorter than this (seconds) are not worth their own piece: they join a neighbour. */
export const MIN_PIECE_SEC = 0.3;
/** Overlapping speech shorter than this (seconds) is boundary jitter, not a second voice. */
export const MIN_OVERLAP_SEC = 0.1;

const covered = (turns: readonly SpeakerTurn[], speaker: string, start: number, end: number) => {
  let sum = 0;
  for (const t of turns) if (t.speaker === speaker) sum += Math.max(0, Math.min(end, t.end) - Math.max(start, t.start));
  return sum;
};

/** The speaker with most overlap with [start, end]; the nearest turn's when no turn overlaps it. */
export function dominantSpeaker(turns: readonly SpeakerTurn[], start: number, end: number): string | undefined {
  const time = new Map<string, number>();
  for (const t of turns) {
    const o = Math.max(0, Math.min(end, t.end) - Math.max(start, t.start));
    if (o > 0) time.set(t.speaker, (time.get(t.speaker) ?? 0) + o);
  }
  let best: string | undefined;
  let bestTime = 0;
  for (const [speaker, o] of time)
    if (o > bestTime) {
      best = speaker;
      bestTime = o;
    }
  if (best !== undefined) return best;
  let gap = Infinity;
  for (const t of turns) {
    const g = Math.max(t.start - end, start - t.end, 0);
    if (g < gap) {
      gap = g;
      best = t.speaker;
    }
  }
  return best;
}

/** Other speakers whose turns overlap `speaker`'s own inside [start, end] by at least MIN_OVERLAP_SEC. */
export function overlappingSpeakers(
  turns: readonly SpeakerTurn[],
  speaker: string,
  start: number,
  end: number,
): string[] {
  const mine = turns.filter((t) => t.speaker === speaker && t.end > start && t.start < end);
  const time = new Map<string, number>();
  for (const t of turns) {
    if (t.speaker === speaker) continue;
    for (const m of mine) {
      const o = Math.min(end, t.end, m.end) - Math.max(start, t.start, m.start);
      if (o > 0) time.set(t.speaker, (time.get(t.speaker) ?? 0) + o);
    }
  }
  return [...time]
    .filter(([, o]) => o >= MIN_OVERLAP_SEC)
    .map(([s]) => s)
    .sort();
}

interface Run {
  speaker: string;
  tokens: TranscriptToken[];
}

/** Consecutive tokens by speaker, with runs under MIN_PIECE_SEC folded into a neighbour. */
function tokenRuns(s: TranscriptSegment, turns: readonly SpeakerTurn[]): Run[] {
  const runs: Run[] = [];
  s.tokens.forEach((tk, i) => {
    const end = i + 1 < s.tokens.length ? s.tokens[i + 1].start : Math.max(s.end, tk.start);
    const speaker = dominantSpeaker(turns, tk.start, Math.max(end, tk.start + 1e-3)) as string;
    const last = runs.at(-1);
    if (last?.speaker === speaker) last.tokens.push(tk);
    else runs.push({ speaker, tokens: [tk] });
  });
  const span = (i: number) =>
    (i + 1 < runs.length ? runs[i + 1].tokens[0].start : s.end) - (i === 0 ? s.start : runs[i].tokens[0].start);
  for (;;) {
    if (runs.length < 2) return runs;
    let shortest = -1;
    for (let i = 0; i < runs.length; i++)
      if (span(i) < MIN_PIECE_SEC && (shortest < 0 || span(i) < span(shortest))) shortest = i;
    if (shortest < 0) return runs;
    // Into the previous run (the next for the first), then join neighbours that now agree.
    const into = shortest === 0 ? 1 : shortest - 1;
    const merged =
      shortest < into
        ? [...runs[shortest].tokens, ...runs[into].tokens]
        : [...runs[into].tokens, ...runs[shortest].tokens];
    runs.splice(Math.min(shortest, into), 2, { speaker: runs[into].speaker, tokens: merged });
    for (let i = runs.length - 1; i > 0; i--)
      if (runs[i].speaker === runs[i - 1].speaker)
        runs.splice(i - 1, 2, { speaker: runs[i].speaker, tokens: [...runs[i - 1].tokens, ...runs[i].tokens] });
  }
}

const tokensText = (tokens: readonly TranscriptToken[]) =>
  tokens
    .map((t) => t.text)
    .join('')
    .replace(/^ +| +$/g, '');

function withSpeaker(s: TranscriptSegment, speaker: string, turns: readonly SpeakerTurn[]): TranscriptSegment {
  const { overlap: _old, speaker: _was, ...rest } = s;
  const overlap = overlappingSpeakers(turns, speaker, s.start, s.end);
  return { ...rest, speaker, ...(overlap.length > 0 ? { overlap } : {}) };
}

/**
 * The segments with speakers. Turns must use the ids the transcript's `speakers` list; with no
 * turns (silence, nobody found) the segments come back as they are, without speakers.
 */
export function alignSpeakers(
  segments: readonly TranscriptSegment[],
  turns: readonly SpeakerTurn[],
): TranscriptSegment[] {
  if (turns.length === 0) return segments.map((s) => ({ ...s }));
  const out: TranscriptSegment[] = [];
  for (const s of segments) {
    // A text that is not its tokens' (an edited transcript) cannot be cut at token times.
    const runs = s.tokens.length > 1 && tokensText(s.tokens) === s.text ? tokenRuns(s, turns) : [];
    if (runs.length < 2) {
      out.push(withSpeaker(s, dominantSpeaker(turns, s.start, Math.max(s.end, s.start + 1e-3)) as string, turns));
      continue;
    }
    runs.forEach((run, i) => {
      const start = i === 0 ? s.start : run.tokens[0].start;
      const end = i + 1 < runs.length ? runs[i + 1].tokens[0].start : s.end;
      const piece: TranscriptSegment = { ...s, start, end, text: tokensText(run.tokens), tokens: run.tokens };
      out.push(withSpeaker(piece, run.speaker, turns));
    });
  }
  return out;
}

/** Seconds `speaker` talks in `turns` (its turns never overlap each other: the pipeline merges them). */
export function talkTime(turns: readonly SpeakerTurn[], speaker: string): number {
  return covered(turns, speaker, -Infinity, Infinity);
}
