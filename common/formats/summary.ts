// What a transcript amounts to: its languages, where the audio events happen and which moods it
// carries. The Markdown notes and the transcript view's header and timeline read it from here.
import type { Transcript, TranscriptSegment } from '../protocol';
import { isMoodless, isPlainSpeechEvent } from './labels';

/** A stretch of time where one tag holds, merged over neighbouring segments. */
export interface TagSpan {
  tag: string;
  start: number;
  end: number;
}

/** A tag and the share of the transcript's speech time it covers (0..1). */
export interface TagShare {
  tag: string;
  seconds: number;
  share: number;
}

export interface TranscriptSummary {
  /** Spoken languages, most time first; `nospeech` left out. */
  languages: TagShare[];
  /** Audio events other than plain speech (music, laughter, applause…), in time order. */
  events: TagSpan[];
  /** Emotions other than neutral/unknown, in time order. */
  moodSpans: TagSpan[];
  /** Emotions of the speech (no-speech segments and unknowns left out) with their share of its time, most first. */
  moods: TagShare[];
}

/** Segments further apart than this are separate occurrences of an event, even with the same tag. */
const MERGE_GAP_SEC = 1;

type Segmentish = Pick<TranscriptSegment, 'start' | 'end' | 'language' | 'emotion' | 'event'>;

/** Spans of `key` over the segments, skipping tags `skip` says are not worth a span. */
export function tagSpans(
  segments: readonly Segmentish[],
  key: 'event' | 'emotion' | 'language',
  skip: (tag: string) => boolean,
): TagSpan[] {
  const ordered = [...segments].sort((a, b) => a.start - b.start);
  const spans: TagSpan[] = [];
  let open: TagSpan | null = null;
  for (const s of ordered) {
    const tag = s[key];
    if (skip(tag)) {
      open = null;
      continue;
    }
    if (open && open.tag === tag && s.start - open.end <= MERGE_GAP_SEC) {
      open.end = Math.max(open.end, s.end);
      continue;
    }
    open = { tag, start: s.start, end: s.end };
    spans.push(open);
  }
  return spans;
}

/** Seconds per tag, most first; ties keep the order of first appearance. */
export function tagShares(
  segments: readonly Segmentish[],
  key: 'emotion' | 'language',
  skip: (tag: string) => boolean = () => false,
): TagShare[] {
  const seconds = new Map<string, number>();
  let total = 0;
  for (const s of segments) {
    const tag = s[key];
    if (skip(tag)) continue;
    const d = Math.max(0, s.end - s.start);
    seconds.set(tag, (seconds.get(tag) ?? 0) + d);
    total += d;
  }
  const out = [...seconds].map(([tag, sec]) => ({ tag, seconds: sec, share: total > 0 ? sec / total : 0 }));
  // A stable sort keeps first appearance among equals.
  return out.sort((a, b) => b.seconds - a.seconds);
}

export function summarize(segments: readonly Segmentish[]): TranscriptSummary {
  return {
    languages: tagShares(segments, 'language', (t) => t === 'nospeech' || t === ''),
    events: tagSpans(segments, 'event', isPlainSpeechEvent),
    moodSpans: tagSpans(segments, 'emotion', isMoodless),
    moods: tagShares(
      segments.filter((s) => s.language !== 'nospeech'),
      'emotion',
      (t) => t === 'EMO_UNKNOWN' || t === '',
    ),
  };
}

/**
 * Seconds of processing per second of audio (lower is faster); null when either is unknown, or when
 * the transcript came from the cache (its time measured a lookup, not a model run).
 */
export function realTimeFactor(
  t: Pick<Transcript, 'durationSec' | 'cached'> & { timings?: Pick<Transcript['timings'], 'totalMs'> },
): number | null {
  const ms = t.timings?.totalMs;
  if (t.cached || typeof ms !== 'number' || !(t.durationSec > 0)) return null;
  return ms / 1000 / t.durationSec;
}
