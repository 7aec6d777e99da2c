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
