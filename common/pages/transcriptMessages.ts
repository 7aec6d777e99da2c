// The messages between the transcript view's page (media/transcriptView.ts) and its host
// (extension/transcript/transcriptPanels.ts). Data only: transcript text crosses as strings and the
// page renders it as text.
import { EXPORT_FORMAT_IDS, isOneOf, type ExportFormat } from '../values';
import type { SourceWarning, SpeakerTurn, TranscriptSegment, TranscriptSpeaker } from '../protocol';

/** A segment as the page shows it: the protocol's segment without tokens, plus its position in the file
 * (from 0; live segments can arrive out of order). */
export type ViewSegment = Omit<TranscriptSegment, 'tokens'> & { index: number };

export type ViewStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** Everything the page draws; sent whole after `ready` and whenever the job starts or ends. */
export interface ViewState {
  fileName: string;
  filePath: string;
  /** A webview URI the page's <audio> can load, or null when the audio is not at hand. */
  audioUri: string | null;
  status: ViewStatus;
  /** Where the transcript came from: a run of the model now, or a saved JSON file. */
  origin: 'live' | 'file';
  /** The saved JSON file a transcript was read from (origin 'file'), so a reloaded window reads it again. */
  transcriptFile: string | null;
  /** 0..1 while running, when the daemon says. */
  fraction: number | null;
  segmentsDone: number;
  durationSec: number | null;
  model: { layout: string; quantization: string; provider: string } | null;
  /** Processing seconds per audio second. */
  rtf: number | null;
  segments: ViewSegment[];
  error: { code: string; message: string; canRetry: boolean } | null;
  /** The `sensevoice.exportEmoji` setting, for the copy buttons. */
  emoji: boolean;
  /** The file ends early or is damaged (the final result's warnings); a banner says so. */
  warnings?: SourceWarning[];
  /** A diarized transcript's speakers (id, name, talk time); empty when it has none. */
  speakers: TranscriptSpeaker[];
  /** A diarized transcript's turns, for the speaker lanes; empty when it has none. */
  turns: SpeakerTurn[];
  /** Why a transcript that asked for speakers has none ("transcript without speakers: …"), else null. */
  speakersUnavailable: string | null;
  /** The speaker count set in this view (kept across a window reload); null: the window's setting made it. */
  speakerCount?: number | 'auto' | null;
}

/** Host -> page. */
export type HostMessage =
  /** The whole state: the answer to `ready`, and at every change of status. */
  | { type: 'snapshot'; state: ViewState }
  /** One finished segment, as the daemon sends it. */
  | { type: 'segment'; segment: ViewSegment }
  /** Progress of the running job. */
  | { type: 'progress'; fraction: number | null; segmentsDone: number }
  /** A short confirmation to show in the page (copied, exported). */
  | { type: 'notice'; text: string }
  /** Go to this moment (seconds) and play from there: a timestamp link of meeting notes was opened. */
  | { type: 'seek'; sec: number };

/** Page -> host. */
export type PageMessage =
  /** The page's script runs and wants a snapshot. */
  | { type: 'ready' }
  | { type: 'export'; format: ExportFormat }
  /** Copy the whole transcript (as plain text or Markdown) or one segment. */
  | { type: 'copy'; what: 'text' | 'markdown' | 'segment'; index?: number }
  | { type: 'cancel' }
  | { type: 'retry' }
  /** The user clicked a speaker's name: the host asks for the new one. */
  | { type: 'renameSpeaker'; id: string }
  /** The user wants two speakers merged: the host asks which, and into which (`id` preselects the first). */
  | { type: 'mergeSpeakers'; id?: string }
  /** The user wants another number of speakers: the host asks how many and re-runs the diarization alone. */
  | { type: 'setSpeakerCount' };

/** Checks a message from the page: it is untrusted input like any other. */
export function parsePageMessage(raw: unknown): PageMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'cancel':
    case 'retry':
      return { type: m.type };
    case 'export':
      return isOneOf(EXPORT_FORMAT_IDS, m.format) ? { type: 'export', format: m.format } : null;
    case 'copy':
      if (m.what !== 'text' && m.what !== 'markdown' && m.what !== 'segment') return null;
      if (m.what === 'segment')
        return typeof m.index === 'number' && Number.isInteger(m.index)
          ? { type: 'copy', what: 'segment', index: m.index }
          : null;
      return { type: 'copy', what: m.what };
    case 'renameSpeaker':
      return isSpeakerId(m.id) ? { type: 'renameSpeaker', id: m.id } : null;
    case 'mergeSpeakers':
      if (m.id === undefined) return { type: 'mergeSpeakers' };
      return isSpeakerId(m.id) ? { type: 'mergeSpeakers', id: m.id } : null;
    case 'setSpeakerCount':
      return { type: 'setSpeakerCount' };
    default:
      return null;
  }
}

function isSpeakerId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 64;
}
