// The state of one transcript view, apart from VS Code: live segments as they come (in any order,
// each index once), progress, then the final result or the error. Every change is also handed to
// the listener (the open view, if any) as the incremental message its page needs; `snapshot()`
// gives the whole state. A session outlives its view: notes can be made from a closed one.
import type { TranscriptSegment } from '../../common/protocol';
import { realTimeFactor, segmentFields, type TranscriptData } from '../../common/formats';
import { applySpeakerEdit, type SpeakerEdit } from '../../common/formats/speakerEdits';
import type { HostMessage, ViewSegment, ViewState } from '../../common/pages/transcriptMessages';

export interface SessionOptions {
  fileName: string;
  filePath: string;
  emoji: boolean;
}

function toView(index: number, s: TranscriptSegment): ViewSegment {
  return { index, ...segmentFields(s) };
}

/** What a new run starts from: nothing known yet but that it runs. */
const FRESH_RUN = {
  status: 'running',
  origin: 'live',
  transcriptFile: null,
  fraction: null,
  segmentsDone: 0,
  durationSec: null,
  model: null,
  rtf: null,
  error: null,
  speakersUnavailable: null,
} as const satisfies Partial<ViewState>;

export class TranscriptSession {
  private state: ViewState;
  private live = new Map<number, ViewSegment>();
  /** Segments that arrived before the final result in the current run (for the log). */
  private arrivedLive = 0;
  /** The finished transcript, for exports and notes. */
  transcript: TranscriptData | null = null;
  /**
   * The speaker count the shown transcript was diarized with when the user set one in the view
   * ('auto' or N; undefined: the window's setting made it). Speaker edits and a re-run of the
   * diarization find its cache entry with it; a new run forgets it.
   */
  speakerCount: number | 'auto' | undefined;
  private listener: ((message: HostMessage) => void) | undefined;

  constructor(private readonly options: SessionOptions) {
    this.state = {
      fileName: options.fileName,
      filePath: options.filePath,
      // Set by the view that shows the session: a webview URI belongs to one webview.
      audioUri: null,
      ...FRESH_RUN,
      segments: [],
      emoji: options.emoji,
      warnings: [],
      speakers: [],
      turns: [],
    };
  }

  /** The view that shows this session, or undefined when none does. */
  setListener(listener: ((message: HostMessage) => void) | undefined): void {
    this.listener = listener;
  }

  private emit(message: HostMessage): void {
    this.listener?.(message);
  }

  get filePath(): string {
    return this.options.filePath;
  }

  get fileName(): string {
    return this.options.fileName;
  }

  /** How many segments of the current run were shown before the final result. */
  get liveSegments(): number {
    return this.arrivedLive;
  }

  /** Segments the session holds now: the final result's, or those that arrived live. */
  get segmentCount(): number {
    return this.live.size;
  }

  /** Segments finished so far, as the daemon counts them or as they arrived. */
  get segmentsDone(): number {
    return this.state.segmentsDone;
  }

  get status(): ViewState['status'] {
    return this.state.status;
  }

  snapshot(): ViewState {
    return { ...this.state, segments: this.segments(), speakerCount: this.speakerCount ?? null };
  }

  private segments(): ViewSegment[] {
    return [...this.live.values()].sort((a, b) => a.index - b.index);
  }

  private publish(): void {
    this.emit({ type: 'snapshot', state: this.snapshot() });
  }

  /** A new run: clears what an earlier run or file showed. */
  begin(): void {
    this.live.clear();
    this.arrivedLive = 0;
    this.transcript = null;
    this.speakerCount = undefined;
    this.state = { ...this.state, ...FRESH_RUN, warnings: [], speakers: [], turns: [] };
    this.publish();
  }

  /** A segment from `transcribe/segment`; ignored once the run is over (late notifications). */
  segment(index: number, segment: TranscriptSegment): void {
    if (this.state.status !== 'running' || !Number.isInteger(index) || index < 0) return;
    const v = toView(index, segment);
    if (!this.live.has(index)) this.arrivedLive++;
    this.live.set(index, v);
    this.state.segmentsDone = Math.max(this.state.segmentsDone, this.live.size);
    this.emit({ type: 'segment', segment: v });
  }

  progress(fraction: number | undefined, segmentsDone: number | undefined): void {
    if (this.state.status !== 'running') return;
    if (typeof fraction === 'number' && Number.isFinite(fraction))
      this.state.fraction = Math.min(1, Math.max(0, fraction));
    if (typeof segmentsDone === 'number' && Number.isFinite(segmentsDone))
      this.state.segmentsDone = Math.max(this.state.segmentsDone, segmentsDone);
    this.emit({ type: 'progress', fraction: this.state.fraction, segmentsDone: this.state.segmentsDone });
  }

  /**
   * The final result replaces whatever arrived live: it is the authority on every segment.
   * `transcriptFile`: the saved JSON it was read from, for origin 'file'.
   */
  finish(t: TranscriptData, origin: ViewState['origin'] = 'live', transcriptFile: string | null = null): void {
    this.transcript = t;
    this.live = new Map(t.segments.map((s, i) => [i, toView(i, s)]));
    this.state = {
      ...this.state,
      status: 'done',
      origin,
      transcriptFile: origin === 'file' ? transcriptFile : null,
      fraction: 1,
      segmentsDone: t.segments.length,
      durationSec: t.durationSec,
      model: { ...t.model },
      rtf: realTimeFactor(t),
      error: null,
      warnings: t.warnings ?? [],
      ...speakerState(t),
    };
    this.publish();
  }

  /**
   * A rename or merge of the finished transcript's speakers, shown at once; throws (a coded
   * InvalidParams) when the transcript cannot take it, and then nothing changes.
   */
  editSpeakers(edit: SpeakerEdit): TranscriptData {
    if (!this.transcript) throw new Error('There is no finished transcript to edit.');
    const t = applySpeakerEdit(this.transcript, edit);
    this.transcript = t;
    this.live = new Map(t.segments.map((s, i) => [i, toView(i, s)]));
    this.state = { ...this.state, ...speakerState(t) };
    this.publish();
    return t;
  }

  fail(code: string, message: string, canRetry: boolean): void {
    this.state = { ...this.state, status: 'failed', error: { code, message, canRetry } };
    this.publish();
  }

  cancelled(): void {
    this.state = { ...this.state, status: 'cancelled', error: null };
    this.publish();
  }

  setEmoji(emoji: boolean): void {
    if (this.state.emoji === emoji) return;
    this.state.emoji = emoji;
    this.publish();
  }

  /** A segment by its position in the file, from the final result or the live ones. */
  segmentAt(index: number): TranscriptSegment | undefined {
    if (this.transcript) return this.transcript.segments[index];
    const v = this.live.get(index);
    return (
      v && {
        start: v.start,
        end: v.end,
        language: v.language,
        emotion: v.emotion,
        event: v.event,
        text: v.text,
        tokens: [],
        ...(v.speaker !== undefined ? { speaker: v.speaker } : {}),
      }
    );
  }

  /** The segments at hand (final or live so far), as a transcript for copying. */
  partial(): TranscriptData {
    if (this.transcript) return this.transcript;
    const segments = this.segments().map((s) => ({ ...segmentFields(s), tokens: [] }));
    return {
      file: this.options.filePath,
      durationSec: this.state.durationSec ?? Math.max(0, ...segments.map((s) => s.end)),
      // Only the final result says which model ran; copies of a partial transcript do not print it.
      model: { layout: 'sherpa', quantization: 'fp32', provider: 'unknown' },
      segments,
      ...(this.state.speakers.length > 0 ? { speakers: this.state.speakers } : {}),
    };
  }
}

function speakerState(t: TranscriptData): Pick<ViewState, 'speakers' | 'turns' | 'speakersUnavailable'> {
  return {
    // The page shows names and who was recognised; the voices stay here (hundreds of numbers each).
    speakers: (t.speakers ?? []).map(({ voice: _v, ...s }) => s),
    turns: (t.turns ?? []).map((x) => ({ ...x })),
    speakersUnavailable: t.speakersUnavailable ?? null,
  };
}
