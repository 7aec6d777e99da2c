// How the cli reports: results on stdout, `error: CODE: message` and `warning: CODE: file: message`
// on stderr, exit codes (a warning leaves the exit code as it is: the result is still given).
import { SenseVoiceError, errorCodeName, type SourceWarning } from '../common/protocol';

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

/** The source file's warnings (it ends early, it is damaged), one line each on stderr. */
export function printSourceWarnings(warnings: readonly SourceWarning[] | undefined, file: string): void {
  for (const w of warnings ?? []) process.stderr.write(`warning: ${w.code}: ${file}: ${w.message}\n`);
}
