// The notification's line for a download that did not finish: what happened first (refused for a
// checksum that does not match, else failed), with the error code, then the daemon's explanation.
// No vscode import, so it is unit-tested.
import { ErrorCode, SenseVoiceError } from '../../common/protocol';

export function downloadFailureText(err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  if (!(err instanceof SenseVoiceError)) return `SenseVoice: the download failed: ${message}`;
  const what = err.code === ErrorCode.ChecksumMismatch ? 'the download was refused' : 'the download failed';
  return `SenseVoice: ${what} (${err.codeName}): ${message}`;
}
