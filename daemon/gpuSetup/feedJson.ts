// GETs one small JSON document from a package index (a NuGet feed, PyPI's JSON API), with the
// errors both setups give: unreachable (DownloadFailed, with how to name a mirror), not found (a
// FeedNotFound the caller words for what it looked up), not usable (GpuPackageInvalid). Gzip-encoded
// answers are inflated (NuGet's RegistrationsBaseUrl/3.4.0+ hives are served so).
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { HttpError, openUrl, type HttpOptions } from '../modelStore/httpClient';

/** Index documents are small; anything larger is not one. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const gunzip = promisify(zlib.gunzip);

/** The index answered 404 for this URL. */
export class FeedNotFound extends Error {
  constructor(readonly url: string) {
    super(`${url} answered HTTP 404`);
  }
}

/** How to name a mirror, said when the index cannot be reached ("give a mirror with --feed URL ..."). */
export type MirrorHint = string;

export function feedUnreachable(url: string, why: string, hint: MirrorHint): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.DownloadFailed,
    `The package index could not be read at ${url}: ${why.replace(/\.+$/, '')}. Check the network or the proxy (HTTPS_PROXY), or ${hint}.`,
    { url },
  );
}

export function feedInvalid(url: string, why: string): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.GpuPackageInvalid,
    `The package index's answer at ${url} is not usable: ${why}.`,
    {
      url,
    },
  );
}

export async function getFeedJson(
  url: string,
  http: HttpOptions,
  signal: AbortSignal,
  hint: MirrorHint,
): Promise<unknown> {
  let opened;
  try {
    opened = await openUrl(url, { Accept: 'application/json' }, http, signal);
  } catch (err) {
    if (err instanceof HttpError) throw feedUnreachable(url, err.message, hint);
    throw err;
  }
  const res = opened.response;
  if (res.statusCode !== 200) {
    res.resume();
    if (res.statusCode === 404) throw new FeedNotFound(url);
    throw feedUnreachable(url, `HTTP ${res.statusCode}`, hint);
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > MAX_JSON_BYTES) {
        res.destroy();
        throw feedInvalid(url, `larger than ${MAX_JSON_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof SenseVoiceError) throw err;
    throw feedUnreachable(url, (err as Error).message, hint);
  }
  let body = Buffer.concat(chunks);
  if (String(res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') body = await gunzip(body);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw feedInvalid(url, 'not JSON');
  }
}

export function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
