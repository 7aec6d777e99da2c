// Finds one release file on a PyPI-style JSON API (pypi.org's, or a mirror's that serves the same
// API): GET <base>/<project>/<version>/json, then the Linux x64 wheel among `urls`, with the
// sha256 and size the index publishes for it (urls[].digests.sha256, urls[].size;
// https://docs.pypi.org/api/json/). A file without a published sha256 is refused: nothing
// unverified goes on the daemon's library path.
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import type { HttpOptions } from '../modelStore/httpClient';
import type { CudaStorePackage } from '../../common/gpuSetup/cudaLibraryStore';
import { isLinuxX64Wheel } from './cudaRedist';
import { feedInvalid, FeedNotFound, getFeedJson, record } from './feedJson';

/** One wheel as the index publishes it: what the store records of it, less the libraries taken. */
export type PypiWheel = Omit<CudaStorePackage, 'files'>;

const MIRROR_HINT = "give a mirror of PyPI's JSON API with --pypi-feed URL (the sensevoice.gpu.pypiFeedUrl setting)";

/** The JSON API URL of one release. */
export function releaseUrl(feedUrl: string, name: string, version: string): string {
  return `${feedUrl.replace(/\/+$/, '')}/${encodeURIComponent(name)}/${encodeURIComponent(version)}/json`;
}

export async function resolvePypiWheel(
  feedUrl: string,
  name: string,
  version: string,
  http: HttpOptions,
  signal: AbortSignal,
): Promise<PypiWheel> {
  const url = releaseUrl(feedUrl, name, version);
  let doc: unknown;
  try {
    doc = await getFeedJson(url, http, signal, MIRROR_HINT);
  } catch (err) {
    if (err instanceof FeedNotFound)
      throw new SenseVoiceError(
        ErrorCode.DownloadFailed,
        `The package index has no ${name} ${version} (${url} answered HTTP 404). A mirror must serve NVIDIA's ${name} at exactly this version.`,
        { url },
      );
    throw err;
  }
  const files = record(doc)?.urls;
  if (!Array.isArray(files)) throw feedInvalid(url, 'no "urls" list (is this PyPI\'s JSON API?)');
  const wheels = files
    .map(record)
    .filter((f): f is Record<string, unknown> => !!f && typeof f.filename === 'string' && isLinuxX64Wheel(f.filename))
    .filter((f) => f.yanked !== true);
  const wheel = wheels[0];
  if (!wheel)
    throw feedInvalid(
      url,
      `${name} ${version} has no Linux x86_64 wheel (files: ${files.map((f) => String(record(f)?.filename)).join(', ') || 'none'})`,
    );
  const sha256 = record(wheel.digests)?.sha256;
  const size = wheel.size;
  const fileUrl = wheel.url;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256))
    throw feedInvalid(url, `no sha256 for ${String(wheel.filename)}: it cannot be verified, so it is not downloaded`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0)
    throw feedInvalid(url, `no size for ${String(wheel.filename)}`);
  if (typeof fileUrl !== 'string') throw feedInvalid(url, `no URL for ${String(wheel.filename)}`);
  let absolute: string;
  try {
    absolute = new URL(fileUrl, url).toString();
  } catch {
    throw feedInvalid(url, `the URL of ${String(wheel.filename)} is not a URL`);
  }
  return { name, version, filename: wheel.filename as string, url: absolute, sha256: sha256.toLowerCase(), size };
}
