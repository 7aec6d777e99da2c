// `transcript/editSpeakers`: a rename or merge of a diarized transcript's speakers, saved into the
// daemon's transcript cache, so a view restored from the cache (after a window reload) shows it.
// `transcript/rediarize`: the diarization alone run again with another number of speakers, on the
// cached recognition (no ASR), the names the user gave kept where their speaker still is.
import type { DiarizationOptions, TranscribeFileParams, Transcript, TranscriptSpeaker } from './transcription';

/** One change to a transcript's speakers (common/formats/speakerEdits.ts applies it). */
export type SpeakerEdit =
  /** The speaker `id` is called `name` from now on. */
  | { kind: 'rename'; id: string; name: string }
  /** Speaker `from` is the same person as `into`: `from` disappears into `into`. */
  | { kind: 'merge'; from: string; into: string };

/**
 * Parameters of `transcript/editSpeakers`: the `transcribe/file` parameters that made the transcript
 * (they find its cache entry, as a `cachedOnly` request would), and the edit.
 */
export interface EditSpeakersParams extends Omit<TranscribeFileParams, 'token' | 'cachedOnly'> {
  edit: SpeakerEdit;
}

/** The cached transcript's speakers after the edit. */
export interface EditSpeakersResult {
  speakers: TranscriptSpeaker[];
}

/**
 * Parameters of `transcript/rediarize`: the `transcribe/file` parameters that made the transcript
 * shown now (`diarization`: the options it was made with; its names are carried over from its cache
 * entry), and the new count. The result is cached as `transcribe/file` with `diarization` =
 * {...diarization, numSpeakers, threshold} would find it.
 */
export interface RediarizeParams extends Omit<TranscribeFileParams, 'cachedOnly' | 'diarization'> {
  diarization: DiarizationOptions;
  /** Exactly this many speakers, or 'auto' (0 also means automatic): found with `threshold`. */
  numSpeakers: number | 'auto';
  /** Automatic count: clusters merge up to this cosine distance (default: the diarization's, else 0.5). */
  threshold?: number;
}

/** The speaker edit requests. */
export interface SpeakerEditRequests {
  /** Client -> daemon: edit the speakers of a cached transcript; NotCached when there is none. */
  'transcript/editSpeakers': { params: EditSpeakersParams; result: EditSpeakersResult };
  /**
   * Client -> daemon: diarize again with another speaker count, reusing the cached recognition (no
   * ASR runs; NotCached when the recognition is not cached); progress under the token, cancellable.
   */
  'transcript/rediarize': { params: RediarizeParams; result: Transcript };
}
