// The cli side of a long download request (the ASR model, the speaker models): a progress bar on
// stderr and Ctrl-C as a cancel the daemon answers by keeping the bytes for a resume.
import { ErrorCode, SenseVoiceError, type ProgressParams } from '../common/protocol';
import { printError } from './output';
import { ProgressBar } from './progressBar';

/**
 * Runs a download request with a progress bar on stderr; Ctrl-C cancels it (the daemon keeps the bytes
 * for a resume), a second Ctrl-C quits at once. The result, or the exit code after printing the error.
 */
export async function withDownloadProgress<T>(
  work: (signal: AbortSignal, onProgress: (p: ProgressParams) => void) => Promise<T>,
): Promise<{ result: T } | { exitCode: number }> {
  const bar = new ProgressBar(process.stderr);
  const ac = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    bar.done();
    process.stderr.write('Stopping the download (Ctrl-C again to quit at once)…\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await work(ac.signal, (p) => bar.update(p));
    bar.done();
    return { result };
  } catch (err) {
    bar.done();
    printError(err);
    return { exitCode: err instanceof SenseVoiceError && err.code === ErrorCode.Cancelled ? 130 : 1 };
  } finally {
    process.off('SIGINT', onSigint);
  }
}
