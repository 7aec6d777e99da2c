// Runs transcriptions for the commands: one job per file (a second click shows the running one),
// a cancellable progress notification per batch, live segments into the file's transcript view,
// and coded errors with the actions that can fix them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ErrorCode, type DiarizationOptions, type Transcript } from '../../common/protocol';
import { parseTranscriptJson, type TranscriptData } from '../../common/formats';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { concurrency, diarizationRequest } from '../config';
import { speakerProfilesForRequests } from '../speakers/speakerProfileStore';
import type { TranscriptPanels } from '../transcript/transcriptPanels';
import type { TranscriptSession } from '../transcript/transcriptSession';
import { isAudioPath } from './audioFiles';
import { codeOf, type ErrorAdvice } from './errorActions';
import { offerModelSetup } from '../modelSetup/registerModelSetup';
import { offerSpeakerModelsDownload } from '../modelSetup/speakerModelsCommand';
import { JobRegistry, type Job } from './jobRegistry';
import { batchFraction, progressMessage, type FileProgress } from './progressText';
import { runPool } from './runPool';
import { markFailure, runTranscriptionJob } from './transcriptionJob';
import { sessionParams } from '../transcript/speakerEditing';

export interface TranscribeOptions {
  /** Open (or focus) each file's transcript view. */
  show: boolean;
}

type Row = FileProgress;

export class FileTranscriber {
  private readonly jobs = new JobRegistry<Transcript>();

  constructor(
    private readonly sup: DaemonSupervisor,
    private readonly panels: TranscriptPanels,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  cancel(file: vscode.Uri): void {
    this.jobs.cancel(file.fsPath);
  }

  cancelAll(): void {
    this.jobs.cancelAll();
  }

  /**
   * Transcribes the files under one progress notification; files already in progress are shown,
   * not started again. Resolves when every file is done, failed or cancelled.
   */
  async transcribeFiles(uris: readonly vscode.Uri[], options: TranscribeOptions): Promise<void> {
    const files = dedupe(uris.filter((u) => u.scheme === 'file' && isAudioPath(u.fsPath)));
    const skipped = uris.length - files.length;
    if (skipped > 0) {
      void vscode.window.showWarningMessage(
        files.length === 0
          ? 'SenseVoice: none of the selected files is an audio or video file SenseVoice can read.'
          : `SenseVoice: skipped ${skipped} selected item${skipped === 1 ? '' : 's'} that ${skipped === 1 ? 'is' : 'are'} not audio or video.`,
      );
    }
    const fresh: vscode.Uri[] = [];
    for (const f of files) {
      if (this.jobs.running(f.fsPath) || this.jobs.throttled(f.fsPath)) {
        // A click on a file in progress focuses its job instead of starting another.
        if (options.show) this.panels.show(f, { preserveFocus: fresh.length > 0 });
      } else {
        fresh.push(f);
      }
    }
    if (fresh.length === 0) return;
    await this.runBatch(fresh, options);
  }

  /** One file's transcript for notes and paste: a running job is joined; a finished view is reused. */
  async transcript(file: vscode.Uri, options: TranscribeOptions): Promise<TranscriptData | undefined> {
    const existing = this.panels.existing(file);
    if (existing?.transcript && existing.status === 'done') {
      if (options.show) this.panels.show(file);
      return existing.transcript;
    }
    const running = this.jobs.running(file.fsPath);
    if (running) return running.promise.catch(() => undefined);
    let result: Transcript | undefined;
    await this.runBatch([file], options, (_, t) => (result = t));
    return result;
  }

  /**
   * Fills a view VS Code brought back after a window reload, quietly (no notification, and never a
   * model run the user did not ask for): the saved JSON it showed, read again, or the daemon's cached
   * transcript of the file. When neither is there any more the view says why and offers Retry.
   */
  async restore(
    file: vscode.Uri,
    from: { transcriptFile: string | null; speakerCount?: number | 'auto' },
  ): Promise<void> {
    const session = this.panels.session(file);
    if (from.transcriptFile) {
      try {
        session.finish(
          parseTranscriptJson(await fs.promises.readFile(from.transcriptFile, 'utf8')),
          'file',
          from.transcriptFile,
        );
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        session.fail(
          'TranscriptUnavailable',
          `${from.transcriptFile} could not be read again after the window reloaded: ${why}`,
          isAudioPath(file.fsPath),
        );
      }
      return;
    }
    if (this.jobs.running(file.fsPath)) return;
    session.begin();
    // A view re-diarized with another count comes back with that count's transcript (and keeps it).
    session.speakerCount = from.speakerCount;
    const params = sessionParams(session, { params: diarizationParams });
    const outcome = this.jobs.start(file.fsPath, (signal) =>
      runTranscriptionJob(this.sup, file.fsPath, session, signal, {}, { cachedOnly: true, ...params }),
    );
    if (outcome.kind !== 'started') return;
    try {
      await outcome.job.promise;
      this.log.info(`restored the transcript of ${file.fsPath} from the cache`);
    } catch (err) {
      if (codeOf(err) === ErrorCode.NotCached) {
        session.fail(
          'NotCached',
          'This transcript was open before the window reloaded, but it is not in the cache any more (the file, the model or a setting changed, or the cache was cleared). Retry transcribes the file again.',
          true,
        );
      } else {
        const f = markFailure(session, err, this.sup.state.kind);
        this.log.warn(`could not restore the transcript of ${file.fsPath}: ${f.codeName}: ${f.message}`);
      }
    }
  }

  private async runBatch(
    files: vscode.Uri[],
    options: TranscribeOptions,
    onDone?: (file: vscode.Uri, t: Transcript) => void,
  ): Promise<void> {
    const rows = new Map<string, Row>(
      files.map((f) => [f.fsPath, { name: path.basename(f.fsPath), fraction: 0, segments: 0, done: false }]),
    );
    for (const [i, f] of files.entries()) {
      this.panels.session(f).begin();
      if (options.show) this.panels.show(f, { preserveFocus: i > 0 });
    }
    // Errors are told once the progress notification has closed, so the two do not stack.
    const failures: { code: number | undefined; tell: () => void }[] = [];
    const title =
      files.length === 1 ? `Transcribing ${path.basename(files[0].fsPath)}` : `Transcribing ${files.length} files`;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const started: Job<Transcript>[] = [];
        token.onCancellationRequested(() => {
          for (const j of started) j.controller.abort();
          for (const f of files) if (!started.some((j) => j.key === f.fsPath)) this.panels.session(f).cancelled();
        });
        let reported = 0;
        const report = () => {
          const pct = Math.floor(batchFraction([...rows.values()]) * 100);
          progress.report({ message: progressMessage([...rows.values()]), increment: Math.max(0, pct - reported) });
          reported = Math.max(reported, pct);
        };
        report();
        await runPool(files, concurrency(), async (file) => {
          if (token.isCancellationRequested) return;
          const row = rows.get(file.fsPath)!;
          const session = this.panels.session(file);
          const outcome = this.jobs.start(file.fsPath, (signal) => this.runOne(file, session, signal, row, report));
          if (outcome.kind !== 'started') return;
          started.push(outcome.job);
          try {
            const t = await outcome.job.promise;
            onDone?.(file, t);
          } catch (err) {
            const tell = this.reportFailure(file, session, err, options);
            if (tell) failures.push({ code: codeOf(err), tell });
          } finally {
            row.done = true;
            report();
          }
        });
      },
    );
    // A missing model, ffmpeg or daemon fails every file the same way: one message says it.
    const sameForAll = new Set<number>([
      ErrorCode.ModelNotFound,
      ErrorCode.FfmpegNotFound,
      ErrorCode.DaemonUnavailable,
    ]);
    const told = new Set<number>();
    for (const f of failures) {
      if (f.code !== undefined && sameForAll.has(f.code)) {
        if (told.has(f.code)) continue;
        told.add(f.code);
      }
      f.tell();
    }
  }

  private async runOne(
    file: vscode.Uri,
    session: TranscriptSession,
    signal: AbortSignal,
    row: Row,
    report: () => void,
  ): Promise<Transcript> {
    const t0 = Date.now();
    this.log.info(`transcribing ${file.fsPath}`);
    const t = await runTranscriptionJob(
      this.sup,
      file.fsPath,
      session,
      signal,
      {
        onProgress: (p) => {
          if (typeof p.fraction === 'number') row.fraction = Math.min(1, Math.max(0, p.fraction));
          if (typeof p.segmentsDone === 'number') row.segments = Math.max(row.segments, p.segmentsDone);
          report();
        },
        onSegment: () => {
          row.segments = Math.max(row.segments, session.segmentsDone);
          report();
        },
      },
      diarizationParams(),
    );
    const live = session.liveSegments;
    if (t.speakersUnavailable) {
      this.log.warn(t.speakersUnavailable);
      offerSpeakerModelsDownload(t.speakersUnavailable);
    }
    this.log.info(
      `transcribed ${file.fsPath}: ${t.segments.length} segment(s) (${live} shown live), ${t.durationSec.toFixed(1)} s of audio in ${Date.now() - t0} ms`,
    );
    if (t.model.provider) this.sup.setDevice(t.model.provider);
    return t;
  }

  /** Marks the failure in the view at once (keeping finished segments); returns what tells the user, if anything should. */
  private reportFailure(
    file: vscode.Uri,
    session: TranscriptSession,
    err: unknown,
    options: TranscribeOptions,
  ): (() => void) | undefined {
    const f = markFailure(session, err, this.sup.state.kind);
    const { code, advice } = f;
    if (advice.silent) {
      this.log.info(`cancelled ${file.fsPath} after ${f.segmentsKept} segment(s)`);
      return undefined;
    }
    this.log.error(
      `${f.codeName}: ${file.fsPath}: ${f.message}${f.segmentsKept > 0 ? ` (${f.segmentsKept} finished segment(s) kept)` : ''}`,
    );
    const first = f.text;
    if (code === ErrorCode.ModelNotFound) {
      // No model yet: the setup flow (walkthrough the first time, then download / folder) is the fix.
      return () =>
        void offerModelSetup(err).then((handled) => {
          if (!handled) this.tellFailure(file, first, advice, options);
        });
    }
    return () => this.tellFailure(file, first, advice, options);
  }

  private tellFailure(file: vscode.Uri, first: string, advice: ErrorAdvice, options: TranscribeOptions): void {
    void vscode.window
      .showErrorMessage(`SenseVoice: ${path.basename(file.fsPath)}: ${first}`, ...advice.actions)
      .then((choice) => {
        if (choice === 'Retry') void this.transcribeFiles([file], options);
        if (choice === 'Open Settings' && advice.setting)
          void vscode.commands.executeCommand('workbench.action.openSettings', advice.setting);
        if (choice === 'Show Logs') this.log.show();
        if (choice === 'Restart Daemon') void vscode.commands.executeCommand('sensevoice.restartDaemon');
      });
  }
}

function dedupe(uris: vscode.Uri[]): vscode.Uri[] {
  const seen = new Set<string>();
  return uris.filter((u) => !seen.has(u.fsPath) && seen.add(u.fsPath));
}

/** The diarization setting as request parameters (none when it is off), with the workspace's speaker profiles when they are on. */
export function diarizationParams(): { diarization?: DiarizationOptions } {
  const d = diarizationRequest();
  return d ? { diarization: { ...d, ...speakerProfilesForRequests() } } : {};
}
