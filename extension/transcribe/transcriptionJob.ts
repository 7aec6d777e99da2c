// One file's run against the daemon, apart from VS Code (so it is unit-tested with a real
// supervisor and a daemon killed mid-job): live segments and progress go into the file's session,
// the result finishes it, and a failure marks it while keeping the segments already finished.
import {
  ErrorCode,
  SenseVoiceError,
  type ProgressParams,
  type TranscribeFileParams,
  type Transcript,
} from '../../common/protocol';
import type { DaemonSupervisor, DaemonState } from '../daemonSupervisor';
import type { TranscriptSession } from '../transcript/transcriptSession';
import { adviceFor, codeNameOf, codeOf, failureText, type ErrorAdvice } from './errorActions';

export interface JobCallbacks {
  /** After the session took a `$/progress`. */
  onProgress?: (p: ProgressParams) => void;
  /** After the session took a live segment. */
  onSegment?: () => void;
}

/** Transcribes `filePath` into `session`; rejects with the daemon's coded error (Cancelled once aborted). */
export async function runTranscriptionJob(
  sup: Pick<DaemonSupervisor, 'request'>,
  filePath: string,
  session: TranscriptSession,
  signal: AbortSignal,
  callbacks: JobCallbacks = {},
  params: Omit<TranscribeFileParams, 'path' | 'token'> = {},
): Promise<Transcript> {
  const t = await sup.request(
    'transcribe/file',
    { ...params, path: filePath },
    {
      signal,
      onProgress: (p) => {
        session.progress(p.fraction, p.segmentsDone);
        callbacks.onProgress?.(p);
      },
      onSegment: (p) => {
        session.segment(p.index, p.segment);
        callbacks.onSegment?.();
      },
    },
  );
  if (signal.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
  session.finish(t);
  return t;
}

export interface JobFailure {
  code: number | undefined;
  /** The code's name ("DaemonUnavailable"), or "Error" for an uncoded one. */
  codeName: string;
  /** The whole message, for the log. */
  message: string;
  advice: ErrorAdvice;
  /** Segments finished before the failure, still shown in the view. */
  segmentsKept: number;
  /** What the notification says. */
  text: string;
}

/**
 * Marks a run that did not finish in its session: cancelled, or failed with its code and whether a
 * retry can help. The segments that arrived stay in the session (and its view). The daemon's state
 * picks the advice for DaemonUnavailable: Retry while the supervisor restarts it, Restart Daemon
 * once it has given up.
 */
export function markFailure(session: TranscriptSession, err: unknown, daemon: DaemonState['kind']): JobFailure {
  const code = codeOf(err);
  const advice = adviceFor(code, daemon === 'error');
  const message = err instanceof Error ? err.message : String(err);
  const segmentsKept = session.segmentCount;
  if (advice.silent) session.cancelled();
  else session.fail(codeNameOf(err), message, advice.retryable);
  return {
    code,
    codeName: codeNameOf(err),
    message,
    advice,
    segmentsKept,
    text: failureText(code, message, segmentsKept, advice),
  };
}
