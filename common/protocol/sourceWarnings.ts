// Warnings about the source file itself, found while decoding it: it ends before its header says it
// should (cut by a crash, a failed copy), it was never finished, or ffmpeg met damaged data. The
// transcript or probe result is still given for what is there; the warning says what is missing.
// Its own file (not transcription.ts) so the Transcript type only gains one optional field.

/** The kinds of source warning, declared once. */
export const SOURCE_WARNING_CODES = ['truncated', 'unfinished', 'damaged'] as const;

/**
 * truncated: the header promises more audio than the file holds (expectedSec says how much);
 * unfinished: the file ends without its end marker or final sizes (a recording stopped by a crash);
 * damaged: ffmpeg reported corrupt packets or data it could not decode (around atSec).
 */
export type SourceWarningCode = (typeof SOURCE_WARNING_CODES)[number];

/** Something the user should know about the file: the transcript covers less than it should. */
export interface SourceWarning {
  code: SourceWarningCode;
  /** One sentence for people: "The file ends at 0:15 but its header promises 3:42 …". */
  message: string;
  /** Where the decoded audio ends, in seconds; for damaged, roughly where (within a few seconds). */
  atSec: number;
  /** How long the header says the audio is (truncated only). */
  expectedSec?: number;
}
