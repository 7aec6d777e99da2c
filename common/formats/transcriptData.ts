// The transcript the exports and the viewer work from: a protocol Transcript, or one read back
// from a file, where the timings may be missing (older exports, hand-made files).
import type { Transcript, TranscriptSegment, TranscriptTimings } from '../protocol';

export type TranscriptData = Omit<Transcript, 'timings'> & { timings?: TranscriptTimings };

/** What a segment says, without its tokens, in the documented key order (speaker and overlap when diarized). */
export type SegmentFields = Omit<TranscriptSegment, 'tokens'>;

export function segmentFields(s: SegmentFields): SegmentFields {
  return {
    start: s.start,
    end: s.end,
    language: s.language,
    emotion: s.emotion,
    event: s.event,
    text: s.text,
    ...(s.speaker !== undefined ? { speaker: s.speaker } : {}),
    ...(s.overlap !== undefined && s.overlap.length > 0 ? { overlap: [...s.overlap] } : {}),
  };
}
