// One "Record Meeting Notes" recording and its notes block, without vscode (the command wires it to
// an editor): starts the live job, streams each segment into the block as it comes, pauses, resumes
// and stops, then puts the final notes (the daemon's transcript of the recording file) in the
// block's place (with who said what when the window diarizes its transcripts). Edits are
// serialised; the block follows the user's edits around and inside it.
// Edited inside, the block is not replaced without asking: the user chooses between the final notes
// and keeping their version with the final notes after it (which is also what happens when they do
// not answer, so nothing they typed is lost). When the daemon goes away mid-recording, the notes so
// far and the file stay, and `finishTranscribing()` makes the final notes from the file.
import { formatMarkdown, type TranscriptData } from '../../common/formats';
import type {
  DiarizationOptions,
  LiveEndedParams,
  LiveLevelParams,
  LiveSegmentParams,
  ParamsOf,
  ProgressParams,
  RequestName,
  ResultOf,
  TranscriptSegment,
} from '../../common/protocol';
import {
  TrackedBlock,
  findLiveBlock,
  liveBlockHead,
  liveSegmentText,
  liveTrailer,
  nothingRecorded,
  segmentInsertAt,
  userVersion,
  type TextChange,
} from './liveBlock';

/** What the session asks of the daemon (the supervisor, which starts a new one when needed). */
export interface LiveDaemon {
  request<M extends RequestName>(
    method: M,
    params: ParamsOf<M>,
    options?: { onProgress?: (p: ProgressParams) => void },
  ): Promise<ResultOf<M>>;
}

/** The final transcription's progress: 0..1 and the daemon's word for the phase ("diarizing"). */
export type FinishProgress = (fraction: number, message: string) => void;

/** The notes document, by offsets into its whole text. */
export interface NotesDocument {
  text(): string;
  /** Replaces [start, end) with `text`; false when the edit could not be made (the document closed). */
  replace(start: number, end: number, text: string): Promise<boolean>;
}

export type LiveState = 'recording' | 'paused' | 'stopping' | 'interrupted' | 'finished';
export type EditedChoice = 'replace' | 'append';

export interface LiveNotesOptions {
  daemon: LiveDaemon;
  doc: NotesDocument;
  emoji: boolean;
  /** Asked when the user edited inside the live block; undefined (no answer) keeps theirs and appends. */
  askReplaceEdited: () => Promise<EditedChoice | undefined>;
  /**
   * The final transcript's speakers (the `diarization` option of the window's transcribe requests,
   * none when it is off): asked when the notes are finished, so a setting changed meanwhile counts.
   */
  speakers?: () => { diarization?: DiarizationOptions };
  /** The final notes came without speakers although they were asked for: why. */
  onSpeakersUnavailable?: (why: string) => void;
  /** After every change of state, level or time. */
  onChange: (s: LiveNotesSession) => void;
  /** The session exists (before its block goes in): from now on the document's changes go to `documentChanged`. */
  onCreated?: (s: LiveNotesSession) => void;
}

/** What a recording is, for the block and for finishing it after a crash. */
export interface LiveRecordingInfo {
  /** The block's marker id. */
  markerId: string;
  /** The daemon's job id ('' once the daemon that had it is gone). */
  jobId: string;
  path: string;
  date: string;
  headingLevel: number;
}

export interface StartOptions {
  /** Offset in the document where the notes go. */
  at: number;
  markerId: string;
  device?: string;
  dir: string;
  date: string;
  headingLevel: number;
}

export class LiveNotesSession {
  state: LiveState = 'recording';
  /** Seconds recorded (paused time is not counted). */
  recordedSec = 0;
  /** Input level in dBFS, -120 for silence. */
  levelDbfs = -120;
  /** Why capture ended on its own, or the daemon went away, when it did. */
  problem: string | null = null;
  /** True once the user changed text inside the block. */
  userEdited = false;
  readonly segments: TranscriptSegment[] = [];
  private edits: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly o: LiveNotesOptions,
    readonly info: LiveRecordingInfo,
    private readonly block: TrackedBlock,
  ) {}

  /** Starts the live job, then puts the live block at `s.at` (with blank lines around it as needed). */
  static async start(
    o: LiveNotesOptions,
    s: StartOptions,
    pad: (before: string, after: string) => { lead: string; trail: string },
  ): Promise<LiveNotesSession> {
    const r = await o.daemon.request('live/start', { device: s.device, dir: s.dir, format: 'ogg' });
    const info: LiveRecordingInfo = {
      markerId: s.markerId,
      jobId: r.id,
      path: r.path,
      date: s.date,
      headingLevel: s.headingLevel,
    };
    const text = o.doc.text();
    const at = Math.min(s.at, text.length);
    const { lead, trail } = pad(text.slice(0, at), text.slice(at));
    const body = liveBlockHead({ id: s.markerId, recording: r.path, date: s.date, headingLevel: s.headingLevel });
    const block = body + liveTrailer(s.markerId);
    // Empty at `at` until the insertion, which the tracker takes as its own and grows into; the padding
    // is then trimmed off its ends (edits the user made meanwhile have moved it as they should).
    const tracked = new TrackedBlock(at, at);
    const session = new LiveNotesSession(o, info, tracked);
    o.onCreated?.(session);
    tracked.expect({ offset: at, length: 0, text: lead + block + trail });
    session.edits = o.doc.replace(at, at, lead + block + trail).then((ok) => {
      if (!ok)
        throw new Error(`The notes could not be put in the document; the recording stopped and is kept in ${r.path}.`);
      tracked.start += lead.length;
      tracked.end -= trail.length;
    });
    try {
      await session.edits;
    } catch (err) {
      await o.daemon.request('live/stop', { id: r.id }).catch(() => undefined);
      throw err;
    }
    o.onChange(session);
    return session;
  }

  /**
   * A recording whose window or daemon went away: its block found again by its markers. What the user
   * did inside it is not known any more, so replacing it is asked.
   */
  static recover(o: LiveNotesOptions, info: LiveRecordingInfo): LiveNotesSession | null {
    const found = findLiveBlock(o.doc.text(), info.markerId);
    if (!found) return null;
    const session = new LiveNotesSession(o, { ...info, jobId: '' }, new TrackedBlock(found.start, found.end));
    session.state = 'interrupted';
    session.userEdited = true;
    return session;
  }

  /** The block's current range in the document. */
  get range(): { start: number; end: number } {
    return { start: this.block.start, end: this.block.end };
  }

  /** Feeds the document's changes (VS Code's contentChanges, in their order). */
  documentChanged(changes: readonly TextChange[]): void {
    for (const c of changes) if (this.block.apply(c) === 'inside') this.userEdited = true;
  }

  segment(p: LiveSegmentParams): void {
    if (p.id !== this.info.jobId || this.state === 'finished') return;
    this.segments.push(p.segment);
    this.queue(async () => {
      if (this.state === 'finished') return;
      const current = this.o.doc.text().slice(this.block.start, this.block.end);
      const at = this.block.start + segmentInsertAt(current, this.info.markerId);
      const text = liveSegmentText(p.segment, this.o.emoji);
      this.block.expect({ offset: at, length: 0, text });
      await this.o.doc.replace(at, at, text);
    });
  }

  level(p: LiveLevelParams): void {
    if (p.id !== this.info.jobId) return;
    this.recordedSec = p.capturedSec;
    this.levelDbfs = p.rmsDbfs;
    this.o.onChange(this);
  }

  /** Capture ended on its own (device gone, disk full): the notes are finished from what was recorded. */
  ended(p: LiveEndedParams): Promise<void> {
    if (p.id !== this.info.jobId) return Promise.resolve();
    this.problem = p.message;
    return this.stop();
  }

  /** The daemon went away mid-recording: the notes so far and the file stay; `finishTranscribing` is next. */
  daemonLost(why: string): void {
    if (this.state === 'finished' || this.state === 'interrupted') return;
    this.state = 'interrupted';
    this.problem = why;
    this.info.jobId = '';
    this.o.onChange(this);
  }

  async pause(): Promise<void> {
    const r = await this.o.daemon.request('live/pause', { id: this.info.jobId });
    this.state = 'paused';
    this.recordedSec = r.capturedSec;
    this.o.onChange(this);
  }

  async resume(): Promise<void> {
    const r = await this.o.daemon.request('live/resume', { id: this.info.jobId });
    this.state = 'recording';
    this.recordedSec = r.capturedSec;
    this.o.onChange(this);
  }

  /** Stops recording and puts the final notes in the block's place. Twice is once. */
  stop(progress?: FinishProgress): Promise<void> {
    this.stopping ??= this.doStop(progress);
    return this.stopping;
  }

  private async doStop(progress?: FinishProgress): Promise<void> {
    this.state = 'stopping';
    this.o.onChange(this);
    try {
      const r = await this.o.daemon.request(
        'live/stop',
        { id: this.info.jobId, ...this.o.speakers?.() },
        progressOption(progress),
      );
      await this.finish(r.transcript);
    } catch (err) {
      this.stopping = null;
      // The daemon went away during the stop: the file is kept, as after any crash.
      if (this.state === 'stopping') this.daemonLost(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /** After a crash: transcribes the recording file and puts the final notes in place. */
  async finishTranscribing(progress?: FinishProgress): Promise<void> {
    if (this.state !== 'interrupted') return;
    this.state = 'stopping';
    this.o.onChange(this);
    try {
      await this.finish(
        await this.o.daemon.request(
          'transcribe/file',
          { path: this.info.path, ...this.o.speakers?.() },
          progressOption(progress),
        ),
      );
    } catch (err) {
      this.state = 'interrupted';
      this.o.onChange(this);
      throw err;
    }
  }

  private async finish(t: (TranscriptData & { speakersUnavailable?: string }) | null): Promise<void> {
    if (t?.speakersUnavailable) this.o.onSpeakersUnavailable?.(t.speakersUnavailable);
    await this.queue(async () => {
      const notes = t
        ? formatMarkdown(t, { emoji: this.o.emoji, date: this.info.date, headingLevel: this.info.headingLevel })
        : nothingRecorded(this.info.path, this.info.headingLevel);
      const body = notes.replace(/\n+$/, '');
      const { start, end } = this.block;
      const current = this.o.doc.text().slice(start, end);
      const choice = this.userEdited ? ((await this.o.askReplaceEdited()) ?? 'append') : 'replace';
      // The user may have typed while we asked: the block's range is read again.
      const now = this.o.doc.text().slice(this.block.start, this.block.end);
      const text =
        choice === 'replace' ? body : `${userVersion(now === current ? current : now, this.info.markerId)}\n\n${body}`;
      this.block.expect({ offset: this.block.start, length: this.block.end - this.block.start, text });
      if (!(await this.o.doc.replace(this.block.start, this.block.end, text)))
        throw new Error('The notes document could not be edited (was it closed?); the recording is kept.');
    });
    this.state = 'finished';
    this.o.onChange(this);
  }

  private queue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.edits.then(job, job);
    this.edits = run.catch(() => undefined);
    return run;
  }
}

function progressOption(progress: FinishProgress | undefined): { onProgress?: (p: ProgressParams) => void } {
  return progress ? { onProgress: (p) => progress(p.fraction ?? 0, p.message ?? '') } : {};
}
