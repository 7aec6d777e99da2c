// Finds one package version on a NuGet v3 feed, the way onnxruntime-node's own installer does
// (service index -> PackageBaseAddress/3.0.0 -> <base><id>/<ver>/<id>.<ver>.nupkg), plus what that
// installer skips: the package's published hash and size, from the registration leaf's catalog
// entry (RegistrationsBaseUrl -> <reg><id>/<ver>.json -> catalogEntry -> packageHash, base64 SHA-512
// on nuget.org). A feed that publishes no hash is refused: nothing unverified is placed beside the
// runtime. https://learn.microsoft.com/nuget/api/overview
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { HttpError, openUrl, type HttpOptions } from '../modelStore/httpClient';

/** nuget.org's service index, which onnxruntime-node's installer uses. */
export const NUGET_ORG_FEED = 'https://api.nuget.org/v3/index.json';

/** A package version on the feed, with what the feed publishes about it. */
export interface NugetPackage {
  id: string;
  version: string;
  /** The .nupkg's URL (flat container). */
  packageUrl: string;
  /** Base64, as published. */
  packageHash: string;
  /** "SHA512" on nuget.org. */
  packageHashAlgorithm: string;
  /** Bytes, when the feed publishes it. */
  packageSize?: number;
}

/** Feed documents are small; anything larger is not one. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const gunzip = promisify(zlib.gunzip);

function feedError(url: string, why: string): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.DownloadFailed,
    `The package feed could not be read at ${url}: ${why}. Check the network or the proxy (HTTPS_PROXY), or give a mirror with --feed URL (the sensevoice.gpu.feedUrl setting).`,
    { url },
  );
}

function invalid(url: string, why: string): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.GpuPackageInvalid,
    `The package feed's answer at ${url} is not usable: ${why}.`,
    {
      url,
    },
  );
}

/** GETs a JSON document (gzip-encoded ones too: RegistrationsBaseUrl/3.4.0+ serves them so). */
async function getJson(url: string, http: HttpOptions, signal: AbortSignal): Promise<unknown> {
  let opened;
  try {
    opened = await openUrl(url, { Accept: 'application/json' }, http, signal);
  } catch (err) {
    if (err instanceof HttpError) throw feedError(url, err.message);
    throw err;
  }
  const res = opened.response;
  if (res.statusCode !== 200) {
    res.resume();
    if (res.statusCode === 404) throw notFound(url);
    throw feedError(url, `HTTP ${res.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > MAX_JSON_BYTES) {
        res.destroy();
        throw invalid(url, `larger than ${MAX_JSON_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof SenseVoiceError) throw err;
    throw feedError(url, (err as Error).message);
  }
  let body = Buffer.concat(chunks);
  if (String(res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') body = await gunzip(body);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw invalid(url, 'not JSON');
  }
}

class NotFound extends Error {}
function notFound(url: string): NotFound {
  return new NotFound(url);
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The @id of the first resource of these types, in the order given. */
function resource(index: unknown, types: readonly string[]): string | null {
  const list = record(index)?.resources;
  if (!Array.isArray(list)) return null;
  for (const type of types) {
    const hit = list.map(record).find((r) => r && r['@type'] === type && typeof r['@id'] === 'string');
    if (hit) return hit['@id'] as string;
  }
  return null;
}

const withSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);

/** Resolves `id` at `version` on the feed: its .nupkg URL and its published hash and size. */
export async function resolveNugetPackage(
  feedUrl: string,
  id: string,
  version: string,
  http: HttpOptions,
  signal: AbortSignal,
): Promise<NugetPackage> {
  const lowerId = id.toLowerCase();
  const lowerVersion = version.toLowerCase();
  const get = async (url: string, what: string) => {
    try {
      return await getJson(url, http, signal);
    } catch (err) {
      if (err instanceof NotFound)
        throw new SenseVoiceError(
          ErrorCode.DownloadFailed,
          `The package feed has no ${what} (${url} answered HTTP 404). The feed must serve ${id} ${version}, the version of the bundled onnxruntime-node.`,
          { url },
        );
      throw err;
    }
  };
  const index = await get(feedUrl, 'service index');
  const base = resource(index, ['PackageBaseAddress/3.0.0']);
  if (!base) throw invalid(feedUrl, 'no PackageBaseAddress/3.0.0 resource (is this a NuGet v3 service index?)');
  // Plain, then the aliases, then the gzip-encoded hives (getJson inflates them).
  const registrations = resource(index, [
    'RegistrationsBaseUrl',
    'RegistrationsBaseUrl/3.0.0-rc',
    'RegistrationsBaseUrl/3.0.0-beta',
    'RegistrationsBaseUrl/3.6.0',
    'RegistrationsBaseUrl/3.4.0',
  ]);
  if (!registrations)
    throw invalid(feedUrl, 'no RegistrationsBaseUrl resource, so the package hash cannot be looked up');

  const versionsUrl = `${withSlash(base)}${lowerId}/index.json`;
  const versions = record(await get(versionsUrl, `package ${id}`))?.versions;
  if (!Array.isArray(versions) || !versions.some((v) => String(v).toLowerCase() === lowerVersion))
    throw new SenseVoiceError(
      ErrorCode.DownloadFailed,
      `The package feed has no ${id} ${version} (${versionsUrl} lists ${Array.isArray(versions) ? versions.slice(-5).join(', ') || 'none' : 'no versions'}). The version must match the bundled onnxruntime-node exactly.`,
      { url: versionsUrl },
    );

  const leafUrl = `${withSlash(registrations)}${lowerId}/${lowerVersion}.json`;
  const leaf = record(await get(leafUrl, `registration for ${id} ${version}`));
  let entry = record(leaf?.catalogEntry);
  let entryUrl = leafUrl;
  if (!entry && typeof leaf?.catalogEntry === 'string') {
    entryUrl = leaf.catalogEntry;
    entry = record(await get(entryUrl, `catalog entry for ${id} ${version}`));
  }
  const packageHash = entry?.packageHash;
  const packageHashAlgorithm = entry?.packageHashAlgorithm;
  if (typeof packageHash !== 'string' || !packageHash)
    throw invalid(
      entryUrl,
      `no packageHash for ${id} ${version}: the package cannot be verified, so it is not downloaded`,
    );
  const size = entry?.packageSize;
  return {
    id,
    version,
    packageUrl: `${withSlash(base)}${lowerId}/${lowerVersion}/${lowerId}.${lowerVersion}.nupkg`,
    packageHash,
    packageHashAlgorithm: typeof packageHashAlgorithm === 'string' ? packageHashAlgorithm : 'SHA512',
    ...(typeof size === 'number' && Number.isFinite(size) && size > 0 ? { packageSize: size } : {}),
  };
}
