// `transcript/editSpeakers`: a rename or merge of a diarized transcript's speakers, saved into the
// daemon's transcript cache, so a view restored from the cache (after a window reload) shows it.
import type { TranscribeFileParams, TranscriptSpeaker } from './transcription';

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

/** The speaker edit requests. */
export interface SpeakerEditRequests {
  /** Client -> daemon: edit the speakers of a cached transcript; NotCached when there is none. */
  'transcript/editSpeakers': { params: EditSpeakersParams; result: EditSpeakersResult };
}
