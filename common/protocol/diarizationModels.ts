// The speaker models' download (served by daemon/modelStore/diarizationDownload.ts):
// `model/downloadDiarization` fetches a pyannote segmentation model and a speaker-embedding model into
// the store's `diarization/` folder, which transcribe/file's diarization reads when no model is named.
import type { DiarizationEmbeddingName, DiarizationSourceName } from '../values';

/** How a speaker model's bytes were checked against what its publisher states. */
export type DiarizationChecksum =
  /** Size and SHA-256 match what the source publishes (GitHub's release digest, Hugging Face's LFS oid). */
  | 'verified'
  /** Size and SHA-256 match a pin SenseVoice carries from a third party (named in the note); the source published none. */
  | 'pinned'
  /** Size matches the published size; no SHA-256 is published, so none was verified. */
  | 'size-only'
  /** Nothing published could be reached: neither size nor SHA-256 was checked. */
  | 'unverified';

/** Parameters of `model/downloadDiarization`. */
export interface DiarizationDownloadParams {
  /** A named source (default github), or `mirror` instead. */
  source?: DiarizationSourceName;
  /** A mirror of sherpa-onnx's GitHub releases: serves `<mirror>/<tag>/<asset>`. */
  mirror?: string;
  /** The speaker-embedding model; default 3dspeaker. */
  embedding?: DiarizationEmbeddingName;
  /** Only say what would be downloaded (sizes, checksums, licences); nothing is fetched but the listings. */
  planOnly?: boolean;
  /** Replace model files at the store paths that SenseVoice did not download (ModelExists otherwise). */
  overwrite?: boolean;
  token?: string;
}

/** One of the two speaker models: where it comes from, its licence and how it was checked. */
export interface DiarizationModelFile {
  role: 'segmentation' | 'embedding';
  /** The published model's name, e.g. `sherpa-onnx-pyannote-segmentation-3-0`. */
  model: string;
  /** The file that is downloaded (an archive for the segmentation model on GitHub). */
  asset: string;
  url: string;
  /** Where the daemon reads it. */
  path: string;
  /** Published size of the asset, when known. */
  size?: number;
  /** SHA-256 of what was stored (the extracted model.onnx for an archive), after a download. */
  sha256?: string;
  checksum: DiarizationChecksum;
  /** One sentence saying what was checked against what, or why not. */
  checksumNote: string;
  /** SPDX id of the model's licence, as its publisher states it. */
  licence: string;
  /** Who publishes the licence, and where to read it. */
  licenceSource: string;
  /** It was already in the store and was not downloaded again. */
  reused?: boolean;
}

/** The result of `model/downloadDiarization`. */
export interface DiarizationDownloadResult {
  planOnly: boolean;
  /** The store's `diarization/` folder. */
  dir: string;
  /** A source name, or the mirror's URL. */
  source: string;
  files: DiarizationModelFile[];
  alreadyPresent: boolean;
  downloadedBytes: number;
  resumedBytes: number;
  notes: string[];
}

/** A speaker model in the store, as `model/list` reports it. */
export interface StoredDiarizationModel {
  role: 'segmentation' | 'embedding';
  path: string;
  size: number;
  /** The published model's name; absent for a file put there by hand. */
  model?: string;
  /** A source name, a mirror URL, or "local" for a file put there by hand. */
  source: string;
  url?: string;
  sha256?: string;
  checksum?: DiarizationChecksum;
  licence?: string;
  downloadedAt?: string;
  /** Why it cannot be used as downloaded, when it cannot. */
  problem?: string;
}

/** The speaker models' requests. */
export interface DiarizationModelRequests {
  /** Client -> daemon: download, verify and store the speaker models; bytes go to `$/progress`; `$/cancel` pauses it (resumable). */
  'model/downloadDiarization': { params: DiarizationDownloadParams; result: DiarizationDownloadResult };
}
