// What a failed transcription offers the user, chosen by error code (never by message text).
import { ErrorCode, SenseVoiceError, errorCodeName } from '../../common/protocol';

export type ErrorAction = 'Retry' | 'Open Settings' | 'Show Logs' | 'Restart Daemon';

export interface ErrorAdvice {
  /** The buttons, most useful first. */
  actions: ErrorAction[];
  /** The setting 'Open Settings' opens. */
  setting?: string;
  /** False for errors a retry cannot fix (a damaged file); the view hides its retry button. */
  retryable: boolean;
  /** The user cancelled: say nothing. */
  silent: boolean;
}

export function codeOf(err: unknown): number | undefined {
  return err instanceof SenseVoiceError ? err.code : undefined;
}

export function codeNameOf(err: unknown): string {
  const code = codeOf(err);
  return code === undefined ? 'Error' : errorCodeName(code);
}

/**
 * What a failure offers. `daemonGaveUp`: the supervisor stopped restarting the daemon (past its
 * crash budget), so only an explicit restart helps; otherwise it restarts the daemon by itself and a
 * retry is what the user wants.
 */
export function adviceFor(code: number | undefined, daemonGaveUp = false): ErrorAdvice {
  const fixable = (setting: string): ErrorAdvice => ({
    actions: ['Open Settings', 'Retry', 'Show Logs'],
    setting,
    retryable: true,
    silent: false,
  });
  switch (code) {
    case ErrorCode.Cancelled:
      return { actions: [], retryable: true, silent: true };
    case ErrorCode.FfmpegNotFound:
      return fixable('sensevoice.ffmpegPath');
    case ErrorCode.ModelNotFound:
    case ErrorCode.ModelInvalid:
      return fixable('sensevoice.modelPath');
    case ErrorCode.ProviderUnavailable:
      return fixable('sensevoice.provider');
    case ErrorCode.DaemonUnavailable:
      return daemonGaveUp
        ? { actions: ['Restart Daemon', 'Show Logs'], retryable: true, silent: false }
        : { actions: ['Retry', 'Show Logs'], retryable: true, silent: false };
    case ErrorCode.FileNotFound:
    case ErrorCode.NotAFile:
    case ErrorCode.EmptyFile:
    case ErrorCode.NoAudioStream:
    case ErrorCode.DecodeFailed:
      return { actions: ['Show Logs'], retryable: false, silent: false };
    default:
      return { actions: ['Retry', 'Show Logs'], retryable: true, silent: false };
  }
}

/**
 * The notification's text for a failed file: the error's first line, and when the daemon stopped
 * mid-job, what was kept of it.
 */
export function failureText(
  code: number | undefined,
  message: string,
  segmentsKept: number,
  advice: ErrorAdvice,
): string {
  const first = message.split('\n')[0]!.trim();
  if (code !== ErrorCode.DaemonUnavailable || segmentsKept === 0) return first;
  const kept =
    segmentsKept === 1
      ? 'The segment finished before it stopped is kept'
      : `The ${segmentsKept} segments finished before it stopped are kept`;
  return `${first} ${kept}${advice.actions.includes('Retry') ? '; Retry transcribes the file again.' : '.'}`;
}
