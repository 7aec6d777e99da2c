// What a source publishes about its files before any byte is fetched: GitHub's release API lists each
// asset's size and (for the assets GitHub has hashed) a `digest: "sha256:<hex>"`; Hugging Face's tree
// API lists each file's size and, for LFS files, the sha256 as `lfs.oid`. The download checks against
// these, and says plainly when one is missing.
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import type { DiarizationEndpoints } from './diarizationCatalog';
import { statusError } from './fileDownload';
import { HttpError, openUrl, type HttpOptions } from './httpClient';

/** A file as its source lists it. */
export interface PublishedFile {
  size: number;
  /** Lower-case hex; absent when the source publishes none. */
  sha256?: string;
}

/** Largest listing read (GitHub's release JSON for sherpa-onnx's model tags is a few hundred KB). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** GETs `url` and parses its JSON body; HttpError for transfer failures and statuses other than 200. */
export async function fetchJson(
  url: string,
  headers: Record<string, string>,
  http: HttpOptions,
  signal: AbortSignal,
): Promise<unknown> {
  const opened = await openUrl(url, headers, http, signal);
  const res = opened.response;
  if (res.statusCode !== 200) {
    res.resume();
    throw statusError(res.statusCode ?? 0, url, opened.url);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > MAX_JSON_BYTES) {
        res.destroy();
        throw new HttpError(`${url} sent more than ${MAX_JSON_BYTES} bytes of JSON.`, 'network', false, url);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (signal.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
    throw new HttpError(
      `${url}: the listing was cut off (${err instanceof Error ? err.message : String(err)}).`,
      opened.timedOut() ? 'timeout' : 'network',
      true,
      url,
    );
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(`${url} did not answer with JSON.`, 'network', false, url);
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The assets of a sherpa-onnx release tag, by name. */
export async function githubReleaseAssets(
  endpoints: DiarizationEndpoints,
  repo: string,
  tag: string,
  http: HttpOptions,
  signal: AbortSignal,
): Promise<Map<string, PublishedFile>> {
  const url = `${endpoints.githubApi.replace(/\/+$/, '')}/repos/${repo}/releases/tags/${encodeURIComponent(tag)}`;
  const body = await fetchJson(
    url,
    { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
    http,
    signal,
  );
  const assets = (body as { assets?: unknown } | null)?.assets;
  if (!Array.isArray(assets)) throw new HttpError(`${url} lists no assets.`, 'network', false, url);
  const out = new Map<string, PublishedFile>();
  for (const a of assets as Array<Record<string, unknown>>) {
    if (typeof a?.name !== 'string' || typeof a.size !== 'number') continue;
    const digest = typeof a.digest === 'string' ? /^sha256:(.+)$/i.exec(a.digest)?.[1]?.toLowerCase() : undefined;
    out.set(a.name, { size: a.size, ...(digest && SHA256.test(digest) ? { sha256: digest } : {}) });
  }
  return out;
}

/** The files of a Hugging Face model repository's main branch, by path. */
export async function huggingfaceFiles(
  endpoints: DiarizationEndpoints,
  repo: string,
  http: HttpOptions,
  signal: AbortSignal,
): Promise<Map<string, PublishedFile>> {
  const url = `${endpoints.huggingface}/api/models/${repo}/tree/main`;
  const body = await fetchJson(url, { Accept: 'application/json' }, http, signal);
  if (!Array.isArray(body)) throw new HttpError(`${url} is not a file listing.`, 'network', false, url);
  const out = new Map<string, PublishedFile>();
  for (const f of body as Array<Record<string, unknown>>) {
    if (f?.type !== 'file' || typeof f.path !== 'string' || typeof f.size !== 'number') continue;
    const oid = (f.lfs as { oid?: unknown } | undefined)?.oid;
    const sha = typeof oid === 'string' ? oid.toLowerCase() : undefined;
    out.set(f.path, { size: f.size, ...(sha && SHA256.test(sha) ? { sha256: sha } : {}) });
  }
  return out;
}
