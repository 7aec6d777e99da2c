// One file over HTTP into `<dest>.part`, resumable, checked against its pin before it becomes
// `<dest>` (a rename, so a reader never sees half a file). A drop or a stall mid-transfer is
// retried with a Range request from the bytes already on disk; a later run picks the .part up
// again, re-hashing the bytes it holds so the sha256 covers the whole file.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { HttpError, openUrl, type HttpOptions } from './httpClient';
import { pinOrigin, type FilePin } from './pins';

export interface RetryPolicy {
  /** Attempts in a row that move no bytes before the download gives up. */
  attemptsWithoutProgress: number;
  /** Pause before retry `n` (1-based), in ms. */
  delayMs: (n: number) => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attemptsWithoutProgress: 6,
  delayMs: (n) => Math.min(30_000, 1000 * 2 ** (n - 1)),
};

export interface FileDownloadRequest {
  url: string;
  /** The final path; the bytes go to `<dest>.part` until they are verified. */
  dest: string;
  pin?: FilePin;
  /** With a pin: a mismatch deletes the file and fails (named sources). Without: it is only reported. */
  strict: boolean;
  http: HttpOptions;
  retry: RetryPolicy;
  signal: AbortSignal;
  /** Bytes on disk for this file, and its size once known. */
  onBytes: (bytes: number, total: number | undefined) => void;
  log: (message: string) => void;
}

export interface FileDownloadResult {
  size: number;
  sha256: string;
  /** Matched the pin (false when there is none). */
  verified: boolean;
  /** Bytes taken over from an earlier .part. */
  resumedBytes: number;
  /** Bytes fetched now. */
  downloadedBytes: number;
}

/** The part file beside `dest`, and the note that says where its bytes came from. */
export function partPaths(dest: string): { part: string; meta: string } {
  return { part: `${dest}.part`, meta: `${dest}.part.json` };
}

interface PartMeta {
  url: string;
  /** A strong ETag or Last-Modified, sent as If-Range so a changed file restarts instead of mixing. */
  validator?: string;
  total?: number;
}

export async function downloadFile(r: FileDownloadRequest): Promise<FileDownloadResult> {
  const { part, meta } = partPaths(r.dest);
  let { bytes, hash, validator } = await takeOverPart(r, part, meta);
  const resumedBytes = bytes;
  let downloadedBytes = 0;
  let stalls = 0;
  let total: number | undefined = r.pin?.size;
  const reset = async () => {
    await fs.writeFile(part, '');
    bytes = 0;
    hash = createHash('sha256');
  };
  const retryOrThrow = async (err: Error): Promise<void> => {
    stalls++;
    if (stalls >= r.retry.attemptsWithoutProgress) throw err;
    const wait = r.retry.delayMs(stalls);
    r.log(
      `${r.url}: ${err.message} Retrying in ${wait} ms (attempt ${stalls + 1} of ${r.retry.attemptsWithoutProgress}), from byte ${bytes}.`,
    );
    await abortableDelay(wait, r.signal);
  };

  for (;;) {
    throwIfCancelled(r.signal);
    const headers: Record<string, string> = {};
    if (bytes > 0) {
      headers.Range = `bytes=${bytes}-`;
      if (validator) headers['If-Range'] = validator;
    }
    let opened;
    try {
      opened = await openUrl(r.url, headers, r.http, r.signal);
    } catch (err) {
      throwIfCancelled(r.signal);
      if (err instanceof HttpError && err.retryable) {
        await retryOrThrow(err);
        continue;
      }
      throw err;
    }
    const res = opened.response;
    const status = res.statusCode ?? 0;
    if (status === 416 && bytes > 0) {
      res.resume();
      const whole = /\/(\d+)\s*$/.exec(String(res.headers['content-range'] ?? ''));
      if ((whole && Number(whole[1]) === bytes) || r.pin?.size === bytes) break; // the .part was complete
      r.log(`${r.url}: the server refused to resume at byte ${bytes}; starting the file again.`);
      await reset();
      await retryOrThrow(new HttpError('Range not satisfiable.', 'network', true, r.url));
      continue;
    }
    if (status !== 200 && status !== 206) {
      res.resume();
      const err = statusError(status, r.url, opened.url);
      if (err.retryable) {
        await retryOrThrow(err);
        continue;
      }
      throw err;
    }
    if (status === 206) {
      const m = /bytes\s+(\d+)-\d+\/(\d+|\*)/.exec(String(res.headers['content-range'] ?? ''));
      if (!m || Number(m[1]) !== bytes) {
        res.destroy();
        r.log(
          `${r.url}: the server resumed at the wrong place (${String(res.headers['content-range'])}); starting the file again.`,
        );
        await reset();
        continue;
      }
      if (m[2] !== '*') total = Number(m[2]);
    } else {
      if (bytes > 0) {
        // The server ignored the Range, or the file changed (If-Range): its bytes start from 0.
        r.log(`${r.url}: the server sent the whole file instead of resuming at byte ${bytes}; starting again.`);
        await reset();
      }
      const length = Number(res.headers['content-length']);
      if (Number.isFinite(length) && res.headers['content-length'] !== undefined) total = length;
    }
    if (r.pin && r.strict && total !== undefined && total !== r.pin.size) {
      res.destroy();
      await removePart(part, meta);
      throw mismatch(
        r,
        `${opened.url} offers ${total} bytes but ${pinOrigin(r.pin)} (${r.pin.name}) has ${r.pin.size}`,
      );
    }
    validator = strongValidator(res.headers) ?? undefined;
    await fs.writeFile(meta, JSON.stringify({ url: r.url, validator, total } satisfies PartMeta));

    const fh = await fs.open(part, 'a');
    let bodyError: unknown = null;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        hash.update(chunk);
        await writeChunk(fh, chunk, r.dest);
        bytes += chunk.length;
        downloadedBytes += chunk.length;
        stalls = 0;
        if (r.pin && r.strict && bytes > r.pin.size) {
          res.destroy();
          await fh.close();
          await removePart(part, meta);
          throw mismatch(
            r,
            `${opened.url} sent more than the ${r.pin.size} bytes of ${pinOrigin(r.pin)} (${r.pin.name})`,
          );
        }
        r.onBytes(bytes, total);
      }
    } catch (err) {
      if (err instanceof SenseVoiceError) throw err;
      bodyError = err;
    } finally {
      await fh.close().catch(() => undefined);
    }
    throwIfCancelled(r.signal);
    if (bodyError !== null || (total !== undefined && bytes < total)) {
      const why =
        bodyError === null
          ? 'the connection closed early'
          : opened.timedOut()
            ? 'the transfer stalled'
            : 'the connection dropped';
      await retryOrThrow(new HttpError(`${why} after ${bytes} of ${total ?? '?'} bytes.`, 'network', true, r.url));
      continue;
    }
    break;
  }

  const sha256 = hash.digest('hex');
  const verified = !!r.pin && bytes === r.pin.size && sha256 === r.pin.sha256;
  if (r.pin && r.strict && !verified) {
    await removePart(part, meta);
    throw mismatch(
      r,
      `${r.pin.name} from ${r.url} has ${bytes} bytes with sha256 ${sha256}; ${pinOrigin(r.pin)} has ${r.pin.size} bytes with sha256 ${r.pin.sha256}`,
      sha256,
    );
  }
  await fs.rename(part, r.dest);
  await fs.rm(meta, { force: true });
  return { size: bytes, sha256, verified, resumedBytes, downloadedBytes };
}

/** Hashes a .part left by an earlier run (same URL) so the download can go on from its end. */
async function takeOverPart(
  r: FileDownloadRequest,
  part: string,
  meta: string,
): Promise<{ bytes: number; hash: Hash; validator?: string }> {
  const fresh = async () => {
    await removePart(part, meta);
    await fs.writeFile(part, '');
    return { bytes: 0, hash: createHash('sha256') };
  };
  let note: PartMeta;
  try {
    note = JSON.parse(await fs.readFile(meta, 'utf8')) as PartMeta;
  } catch {
    return fresh();
  }
  if (note.url !== r.url) return fresh();
  const size = await fs.stat(part).then(
    (s) => s.size,
    () => -1,
  );
  if (size <= 0 || (r.pin && r.strict && size > r.pin.size)) return fresh();
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(part)) hash.update(chunk as Buffer);
  r.log(`resuming ${r.url} from byte ${size}`);
  r.onBytes(size, note.total ?? r.pin?.size);
  return { bytes: size, hash, ...(note.validator ? { validator: note.validator } : {}) };
}

export async function removePart(part: string, meta: string): Promise<void> {
  await fs.rm(part, { force: true });
  await fs.rm(meta, { force: true });
}

function strongValidator(headers: Record<string, string | string[] | undefined>): string | null {
  const etag = headers.etag;
  if (typeof etag === 'string' && etag && !etag.startsWith('W/')) return etag;
  const lastModified = headers['last-modified'];
  return typeof lastModified === 'string' && lastModified ? lastModified : null;
}

async function writeChunk(fh: fs.FileHandle, chunk: Buffer, dest: string): Promise<void> {
  try {
    await fh.write(chunk);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new SenseVoiceError(
        ErrorCode.NotEnoughSpace,
        `The disk is full while writing ${dest}. Free some space and start the download again: it resumes where it stopped.`,
      );
    }
    throw new SenseVoiceError(ErrorCode.DownloadFailed, `Could not write ${dest}: ${(err as Error).message}.`);
  }
}

/** An HTTP status as a classified HttpError (retryable for 5xx, 408, 429). */
export function statusError(status: number, url: string, finalUrl: string): HttpError {
  const at = finalUrl !== url ? `${url} (redirected to ${finalUrl})` : url;
  const what =
    status === 404 || status === 410
      ? 'not found'
      : status === 401 || status === 403
        ? 'access denied'
        : status === 407
          ? 'the proxy wants credentials (put user:password in HTTPS_PROXY)'
          : status === 429
            ? 'too many requests'
            : status >= 500
              ? 'a server error'
              : 'an unexpected answer';
  const retryable = status >= 500 || status === 429 || status === 408;
  return new HttpError(`${at} answered HTTP ${status} (${what}).`, 'network', retryable, url, status);
}

function mismatch(r: FileDownloadRequest, detail: string, sha256?: string): SenseVoiceError {
  return new SenseVoiceError(ErrorCode.ChecksumMismatch, `${detail}. The file was deleted.`, {
    url: r.url,
    file: r.pin?.name,
    expected: r.pin,
    ...(sha256 ? { sha256 } : {}),
  });
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'Download cancelled.');
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new SenseVoiceError(ErrorCode.Cancelled, 'Download cancelled.'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new SenseVoiceError(ErrorCode.Cancelled, 'Download cancelled.'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
