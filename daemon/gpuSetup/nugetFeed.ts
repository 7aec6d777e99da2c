// Finds one package version on a NuGet v3 feed, the way onnxruntime-node's own installer does
// (service index -> PackageBaseAddress/3.0.0 -> <base><id>/<ver>/<id>.<ver>.nupkg), plus what that
// installer skips: the package's published hash and size, from the registration leaf's catalog
// entry (RegistrationsBaseUrl -> <reg><id>/<ver>.json -> catalogEntry -> packageHash, base64 SHA-512
// on nuget.org). A feed that publishes no hash is refused: nothing unverified is placed beside the
// runtime. https://learn.microsoft.com/nuget/api/overview
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import type { HttpOptions } from '../modelStore/httpClient';
import { feedInvalid as invalid, FeedNotFound, getFeedJson, record } from './feedJson';

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

const MIRROR_HINT = 'give a mirror with --feed URL (the sensevoice.gpu.feedUrl setting)';

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
      return await getFeedJson(url, http, signal, MIRROR_HINT);
    } catch (err) {
      if (err instanceof FeedNotFound)
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
