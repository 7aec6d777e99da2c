// What gpu:verify's parent and its per-provider child (providerWorker.ts) say to each other over IPC.
// One request at a time; each answer carries the request's id. Plain JSON (arrays, not typed arrays).
import type { ProviderAttempt } from '../../common/protocol';
import type { AudioDecoder } from './audio';

/** Parent -> child: load the model on one provider, nothing else (no CPU in its place). */
export interface LoadRequest {
  type: 'load';
  dir: string;
  provider: string;
  threads: number;
  /** The daemon's warm-up run at load; off to time a fresh session's first request. */
  warmUp: boolean;
}

/** Parent -> child: each clip alone (batch 1), its token ids and per-frame choices. */
export interface TokensRequest {
  type: 'tokens';
  clips: { name: string; file: string }[];
  decoder: AudioDecoder;
}

/** Parent -> child: `runs` end-to-end passes over one file. */
export interface EndToEndRequest {
  type: 'e2e';
  file: string;
  runs: number;
  decoder: AudioDecoder;
}

/** Parent -> child: the files one after another, then all at once (decoded together, one batch). */
export interface BatchRequest {
  type: 'batch';
  files: string[];
  decoder: AudioDecoder;
}

export type WorkerRequest = LoadRequest | TokensRequest | EndToEndRequest | BatchRequest;

/** Where one end-to-end pass spent its time, ms. */
export interface Phases {
  totalMs: number;
  /** File to samples (ffmpeg or the WAV reader). */
  decodeMs: number;
  /** fbank, LFR, CMVN. */
  featuresMs: number;
  /** session.run. */
  runMs: number;
  /** Greedy CTC decoding to tokens and text. */
  ctcMs: number;
}

export interface LoadedReply {
  type: 'loaded';
  provider: string;
  loadMs: number;
  warmupMs: number;
  modelFile: string;
  quantization: string;
  attempts: ProviderAttempt[];
}

export interface ClipIds {
  name: string;
  frames: number;
  ids: number[];
  argmax: number[];
  lead: number[];
  ms: number;
}

export interface TokensReply {
  type: 'tokens';
  clips: ClipIds[];
}

export interface EndToEndReply {
  type: 'e2e';
  runs: Phases[];
  /** Token ids of the last pass. */
  ids: number[];
}

export interface BatchReply {
  type: 'batch';
  sequential: Phases;
  atOnce: Phases;
  /** Each file's ids when run alone, and in the batch: padding must not change them. */
  singleIds: number[][];
  batchIds: number[][];
}

export interface FailedReply {
  type: 'failed';
  message: string;
  /** SenseVoiceError's code name, when it was one. */
  code?: string;
  /** The provider attempt, when loading failed. */
  attempts?: ProviderAttempt[];
}

/** What every answer carries besides its body. */
export type Replied<T> = T & {
  id: number;
  /** The child's peak resident memory so far (bytes). */
  peakRssBytes: number;
};

export type ReplyBody = LoadedReply | TokensReply | EndToEndReply | BatchReply | FailedReply;
export type WorkerReply = Replied<ReplyBody>;
