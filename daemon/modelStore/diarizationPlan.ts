// What a speaker-model download will fetch and how each file will be checked, decided before any byte
// of a model moves: the source's listing (GitHub's release API, Hugging Face's tree API) gives each
// file's published size and SHA-256; where none is published that is said, and where the listing
// cannot be read at all the download goes on NOT verified and says why.
import path from 'node:path';
import {
  ErrorCode,
  SenseVoiceError,
  type DiarizationChecksum,
  type DiarizationEmbeddingName,
  type DiarizationModelFile,
  type DiarizationSourceName,
} from '../../common/protocol';
import {
  SHERPA_REPO,
  type DiarizationCatalog,
  type DiarizationEndpoints,
  type DiarizationModelEntry,
} from './diarizationCatalog';
import { DIARIZATION_ROLES, STORED_PATHS, type DiarizationRole } from './diarizationStoreIndex';
import type { HttpOptions } from './httpClient';
import type { FilePin } from './pins';
import { githubReleaseAssets, huggingfaceFiles, type PublishedFile } from './publishedDigests';

export interface DiarizationRequest {
  source: DiarizationSourceName | 'mirror';
  /** With source "mirror": serves `<mirror>/<tag>/<asset>`. */
  mirror?: string;
  embedding: DiarizationEmbeddingName;
}

/** One model of the plan: where it comes from and what its bytes must match. */
export interface PlannedModel {
  role: DiarizationRole;
  entry: DiarizationModelEntry;
  /** The file fetched (an archive, or the model itself). */
  asset: string;
  url: string;
  /** For an archive: the member that becomes the model file. */
  member?: string;
  /** Size and SHA-256 the asset must match (verified / pinned). */
  pin?: FilePin;
  /** Size the asset must have (size-only). */
  size?: number;
  checksum: DiarizationChecksum;
  checksumNote: string;
  /** Where the daemon reads it. */
  dest: string;
}

export interface DiarizationPlan {
  /** A source name or the mirror's URL, as the manifest records it. */
  source: string;
  models: PlannedModel[];
}

type Listing = { files: Map<string, PublishedFile> } | { failed: string };

/** Resolves the request against the source's listings. */
export async function planDiarization(
  req: DiarizationRequest,
  o: {
    storeDir: string;
    catalog: DiarizationCatalog;
    endpoints: DiarizationEndpoints;
    http: HttpOptions;
    signal: AbortSignal;
    log: (m: string) => void;
  },
): Promise<DiarizationPlan> {
  const entries: Record<DiarizationRole, DiarizationModelEntry> = {
    segmentation: o.catalog.segmentation,
    embedding: o.catalog.embeddings[req.embedding],
  };
  if (!entries.embedding) {
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `Unknown embedding model "${String(req.embedding)}": use one of ${Object.keys(o.catalog.embeddings).join(', ')}.`,
    );
  }
  const mirror = req.source === 'mirror' ? checkMirror(req.mirror) : undefined;
  const listings = new Map<string, Promise<Listing>>();
  const listing = (key: string, read: () => Promise<Map<string, PublishedFile>>): Promise<Listing> => {
    let p = listings.get(key);
    if (!p) {
      p = read().then(
        (files) => ({ files }),
        (err: unknown) => {
          if (err instanceof SenseVoiceError && err.code === ErrorCode.Cancelled) throw err;
          const why = err instanceof Error ? err.message : String(err);
          o.log(`diarization models: ${key}: ${why}`);
          return { failed: why };
        },
      );
      listings.set(key, p);
    }
    return p;
  };
  const models: PlannedModel[] = [];
  for (const role of DIARIZATION_ROLES) {
    const entry = entries[role];
    const dest = path.join(o.storeDir, STORED_PATHS[role]);
    if (req.source === 'huggingface') {
      const { repo, path: file } = entry.huggingface;
      const l = await listing(repo, () => huggingfaceFiles(o.endpoints, repo, o.http, o.signal));
      const url = `${o.endpoints.huggingface}/${repo}/resolve/main/${file.split('/').map(encodeURIComponent).join('/')}`;
      models.push({
        role,
        entry,
        asset: path.posix.basename(file),
        url,
        dest,
        ...expectation(l, file, `Hugging Face's listing of ${repo}`, "Hugging Face's LFS sha256", undefined),
      });
    } else {
      const { tag, asset, member } = entry.github;
      const l = await listing(tag, () => githubReleaseAssets(o.endpoints, SHERPA_REPO, tag, o.http, o.signal));
      const url = mirror
        ? `${mirror}/${encodeURIComponent(tag)}/${encodeURIComponent(asset)}`
        : `${o.endpoints.githubDownloads.replace(/\/+$/, '')}/${SHERPA_REPO}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(asset)}`;
      models.push({
        role,
        entry,
        asset,
        url,
        dest,
        ...(member ? { member } : {}),
        ...expectation(l, asset, `GitHub's release "${tag}"`, "GitHub's release digest", entry.fallbackPin),
      });
    }
  }
  return { source: mirror ?? req.source, models };
}

/** What the asset must match, from its listing (and a fallback pin where the listing has no SHA-256). */
function expectation(
  l: Listing,
  name: string,
  where: string,
  digestName: string,
  fallback: DiarizationModelEntry['fallbackPin'],
): Pick<PlannedModel, 'pin' | 'size' | 'checksum' | 'checksumNote'> {
  const published = 'files' in l ? l.files.get(name) : undefined;
  if ('files' in l && !published) {
    throw new SenseVoiceError(
      ErrorCode.DownloadFailed,
      `${where} has no ${name}: the source changed. Try another source (--source github|huggingface) or a mirror.`,
    );
  }
  if (published?.sha256) {
    return {
      pin: { name, size: published.size, sha256: published.sha256 },
      checksum: 'verified',
      checksumNote: `size and SHA-256 checked against ${digestName}`,
    };
  }
  if (fallback && (!published || published.size === fallback.size)) {
    const { statedBy, ...pin } = fallback;
    return {
      pin,
      checksum: 'pinned',
      checksumNote: `${where} ${published ? 'publishes no SHA-256' : 'could not be read'}; size and SHA-256 checked against the pin stated by ${statedBy}`,
    };
  }
  if (published) {
    return {
      size: published.size,
      checksum: 'size-only',
      checksumNote: `size checked, SHA-256 not verified (none published in ${where})`,
    };
  }
  return {
    checksum: 'unverified',
    checksumNote: `NOT verified: ${where} could not be read (${'failed' in l ? l.failed : 'no listing'}), so neither size nor SHA-256 was checked`,
  };
}

function checkMirror(raw: string | undefined): string {
  let url: URL;
  try {
    url = new URL(raw ?? '');
  } catch {
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `"${raw ?? ''}" is not a URL: give github, huggingface, or the http(s) URL of a mirror of sherpa-onnx's releases.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SenseVoiceError(ErrorCode.InvalidParams, `${raw}: a mirror must be an http or https URL.`);
  return url.href.replace(/\/+$/, '');
}

/** The plan's models as the protocol reports them. */
export function describePlanned(m: PlannedModel, extra: Partial<DiarizationModelFile> = {}): DiarizationModelFile {
  const size = m.pin?.size ?? m.size;
  return {
    role: m.role,
    model: m.entry.model,
    asset: m.asset,
    url: m.url,
    path: m.dest,
    ...(size !== undefined ? { size } : {}),
    checksum: m.checksum,
    checksumNote: m.checksumNote,
    licence: m.entry.licence,
    licenceSource: m.entry.licenceSource,
    ...extra,
  };
}
