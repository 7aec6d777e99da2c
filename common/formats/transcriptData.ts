// The transcript the exports and the viewer work from: a protocol Transcript, or one read back
// from a file, where the timings may be missing (older exports, hand-made files).
import type { Transcript, TranscriptTimings } from '../protocol';

export type TranscriptData = Omit<Transcript, 'timings'> & { timings?: TranscriptTimings };
