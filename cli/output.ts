// How the cli reports: results on stdout, `error: CODE: message` on stderr, exit codes.
import { SenseVoiceError, errorCodeName } from '../common/protocol';

export class UsageError extends Error {}

export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof SenseVoiceError) return { code: errorCodeName(err.code), message: err.message };
  if (err instanceof UsageError) return { code: 'Usage', message: err.message };
  return { code: 'InternalError', message: err instanceof Error ? err.message : String(err) };
}

export function printError(err: unknown, context?: string): void {
  const { code, message } = describeError(err);
  process.stderr.write(`error: ${code}: ${context ? `${context}: ` : ''}${message}\n`);
}

export function formatDuration(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec - h * 3600 - m * 60;
  const ss = s.toFixed(3).padStart(6, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Sizes as people read them (1.5 MiB): the same wording as the GPU report. */
export { bytesText as formatBytes } from '../common/gpuCheck/reportMarkdown';
