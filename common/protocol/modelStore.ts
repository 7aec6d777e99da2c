// The shared model store and downloads (served by daemon/modelStore): `model/list`,
// `model/download`, `model/inspect`. Download bytes travel in `$/progress` (session.ts).
import type { ModelSourceName, ModelVariant } from '../values';
import type { StoredDiarizationModel } from './diarizationModels';

/** One model file in the shared store, with the folder to pass as `modelPath`. */
export interface StoredModel {
  /** The folder's name in the store. */
  id: string;
  /** The folder: what `sensevoice.modelPath` and `--model` take. */
  path: string;
  variant: ModelVariant;
  layout: 'sherpa' | 'funasr';
  /** Absolute path of the model file. */
  modelFile: string;
  /** Bytes of the model file plus the files it needs (tokens, CMVN). */
  sizeBytes: number;
  /** Every file matched a published pin when it was downloaded, and its size still matches. */
  verified: boolean;
  /** A source name, "url" for a URL the user gave, or "local" for a folder put in the store by hand. */
  source: string;
  /** Where the model file came from. */
  url?: string;
  /** sha256 of the model file, as computed when it was downloaded. */
  sha256?: string;
  /** ISO time of the download. */
  downloadedAt?: string;
  /** Why this entry cannot be used, when it cannot. */
  problem?: string;
}

/** The model folder set by the user (`sensevoice.modelPath` / `--model`), as inspected now. */
export interface ConfiguredModel {
  path: string;
  layout?: 'sherpa' | 'funasr';
  /** The variants the folder holds. */
  variants?: ModelVariant[];
  /** Why it cannot be used, when it cannot. */
  problem?: string;
}

/** A download that stopped part way and resumes when started again. */
export interface PartialDownload {
  id: string;
  file: string;
  bytes: number;
}

/** A named download source. */
export interface ModelSourceInfo {
  name: ModelSourceName;
  /** One line for a picker: where it is and what it serves. */
  description: string;
  variants: ModelVariant[];
}

/** The result of `model/list`. */
export interface ModelListResult {
  /** The store folder (SENSEVOICE_MODEL_STORE, else the platform's data folder). */
  store: string;
  models: StoredModel[];
  configured: ConfiguredModel | null;
  /** The folder a request without a model path would use for the current provider, and why. */
  fallback: { path: string; variant: ModelVariant; verified: boolean; reason: string } | null;
  partial: PartialDownload[];
  sources: ModelSourceInfo[];
  /** The speaker models in the store's `diarization/` folder (absent from daemons before them). */
  diarization?: StoredDiarizationModel[];
}

/** Parameters of `model/download`: a named source or a URL, never both. */
export interface ModelDownloadParams {
  /** A public source; `huggingface` when neither source nor url is given. */
  source?: ModelSourceName;
  /** A model folder URL (ending in /), a model .onnx URL (its tokens are fetched beside it) or a .tar.bz2/.tar.gz archive. */
  url?: string;
  /** Default int8. */
  variant?: ModelVariant;
  /** Replace files in the store that SenseVoice did not make (ModelExists otherwise). */
  overwrite?: boolean;
  token?: string;
}

/** One file of a download and how it was checked. */
export interface DownloadedFile {
  name: string;
  size: number;
  sha256: string;
  /** It matched a published pin. */
  verified: boolean;
  /** When an organisation's pin (SENSEVOICE_MODEL_PINS) verified it: the pins file it came from. */
  pinnedIn?: string;
  url: string;
  /** It was already in the store and was not downloaded again. */
  reused: boolean;
}

/** The result of `model/download`. */
export interface ModelDownloadResult {
  id: string;
  /** The model folder, ready to use. */
  path: string;
  variant: ModelVariant;
  layout: 'sherpa' | 'funasr';
  /** Every file matched a published pin. */
  verified: boolean;
  source: string;
  files: DownloadedFile[];
  /** Everything was already in the store; nothing was downloaded. */
  alreadyPresent: boolean;
  /** Bytes fetched by this request. */
  downloadedBytes: number;
  /** Bytes taken over from an earlier, interrupted download. */
  resumedBytes: number;
  /** Plain-words notes, e.g. that a URL download is unverified. */
  notes: string[];
}

/** Parameters of `model/inspect`. */
export interface ModelInspectParams {
  path: string;
}

/** What `model/inspect` found in a folder (it throws ModelNotFound / ModelInvalid otherwise). */
export interface ModelInspectResult {
  path: string;
  layout: 'sherpa' | 'funasr';
  /** The variants the folder holds. */
  variants: ModelVariant[];
  /** The model file chosen for the CPU. */
  modelFile: string;
  sizeBytes: number;
  vocabSize: number;
}

/** The model store's requests. */
export interface ModelStoreRequests {
  /** Client -> daemon: the models in the shared store, the configured one, and what would be used. */
  'model/list': { params: Record<string, never> | undefined; result: ModelListResult };
  /** Client -> daemon: download, verify and store a model; bytes go to `$/progress`; `$/cancel` pauses it (resumable). */
  'model/download': { params: ModelDownloadParams; result: ModelDownloadResult };
  /** Client -> daemon: check a model folder without loading it (for "Use a model folder"). */
  'model/inspect': { params: ModelInspectParams; result: ModelInspectResult };
}
