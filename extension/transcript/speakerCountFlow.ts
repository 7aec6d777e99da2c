// "Set Number of Speakers" on a transcript view, apart from VS Code (the questions and the progress
// come in as an interface, so this is unit-tested with fakes): ask for a count (automatic or 1..10),
// have the daemon run the diarization alone again on the cached recognition (`transcript/rediarize`:
// no ASR, the names the user gave kept where their speaker still is), and show the result in the
// same view: chips, filter, lanes and segments change in place. The session remembers the count, so
// later renames and merges are saved to the new transcript's cache entry.
import { ErrorCode, SenseVoiceError, type Transcript } from '../../common/protocol';
import { sessionParams, type SpeakerEditSaving } from './speakerEditing';
import type { TranscriptSession } from './transcriptSession';

/** Counts the pick offers besides "automatic" (the daemon takes more: the cli's --speakers). */
export const MAX_PICKED_SPEAKERS = 10;

/** The questions and the progress of the flow (VS Code's quick pick and notification in the extension). */
export interface SpeakerCountUi {
  /** 'auto', a count, or undefined when the user backed out; `found`: speakers in the shown transcript. */
  pickCount(found: number, current: number | 'auto'): Promise<number | 'auto' | undefined>;
  /** Runs `work` under a cancellable progress notification titled `title`. */
  withProgress<T>(
    title: string,
    work: (signal: AbortSignal, report: (fraction: number) => void) => Promise<T>,
  ): Promise<T>;
  warn(message: string): void;
}

/** What became of it: the view shows the new speakers, or nothing changed (and why was said). */
export type SpeakerCountOutcome = 'done' | 'cancelled' | 'failed';

export async function setSpeakerCountFlow(
  session: TranscriptSession,
  ui: SpeakerCountUi,
  saving: Pick<SpeakerEditSaving, 'sup' | 'params'>,
): Promise<SpeakerCountOutcome> {
  const t = session.transcript;
  const view = session.snapshot();
  if (!t || view.status !== 'done') {
    ui.warn('SenseVoice: the transcript is not finished yet; set the number of speakers once it is.');
    return 'cancelled';
  }
  if (view.origin === 'file') {
    ui.warn(
      'SenseVoice: this transcript was opened from a JSON file, so its recognition is not in the cache. Transcribe the audio (with speakers on) to set the number of speakers.',
    );
    return 'cancelled';
  }
  const params = sessionParams(session, saving);
  if (!params.diarization || !t.speakers) {
    ui.warn(
      'SenseVoice: this transcript has no speakers. Turn on "sensevoice.diarization.enabled" (and download the speaker models), then transcribe again.',
    );
    return 'cancelled';
  }
  const current = params.diarization.numSpeakers ? params.diarization.numSpeakers : 'auto';
  const count = await ui.pickCount(t.speakers.length, current);
  if (count === undefined) return 'cancelled';
  let result: Transcript;
  try {
    result = await ui.withProgress(`Finding ${countText(count)} in ${session.fileName}`, (signal, report) =>
      saving.sup.request(
        'transcript/rediarize',
        { ...params, diarization: params.diarization!, path: session.filePath, numSpeakers: count },
        { signal, onProgress: (p) => typeof p.fraction === 'number' && report(p.fraction) },
      ),
    );
  } catch (err) {
    if (err instanceof SenseVoiceError && err.code === ErrorCode.Cancelled) return 'cancelled';
    ui.warn(`SenseVoice: the speakers could not be found again: ${err instanceof Error ? err.message : String(err)}`);
    return 'failed';
  }
  // The view may have started another run meanwhile: that run's result is the one to show.
  if (session.transcript !== t) return 'cancelled';
  // Before finish: its snapshot carries the count, which the page saves for a window reload.
  session.speakerCount = count;
  session.finish(result, view.origin);
  return 'done';
}

function countText(n: number | 'auto'): string {
  return n === 'auto' ? 'the speakers' : n === 1 ? '1 speaker' : `${n} speakers`;
}

/** The pick's items: automatic, then 1..MAX_PICKED_SPEAKERS; the current choice says so. */
export function speakerCountChoices(
  found: number,
  current: number | 'auto',
): { label: string; description?: string; count: number | 'auto' }[] {
  const mark = (c: number | 'auto') => (c === current ? 'current' : undefined);
  const items: { label: string; description?: string; count: number | 'auto' }[] = [
    {
      label: 'Automatic',
      description:
        [mark('auto'), current === 'auto' ? `found ${found}` : undefined].filter(Boolean).join(', ') || undefined,
      count: 'auto',
    },
  ];
  for (let n = 1; n <= MAX_PICKED_SPEAKERS; n++) items.push({ label: String(n), description: mark(n), count: n });
  return items.map((i) => (i.description === undefined ? { label: i.label, count: i.count } : i));
}
