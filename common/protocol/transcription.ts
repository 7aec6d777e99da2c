// Audio, the model and transcripts: `audio/probe`, `model/load`, `transcribe/file` and the live
// `transcribe/segment` notifications.
import type { ProviderSetting } from '../values';
import type { DaemonSettings } from './session';
import type { SourceWarning } from './sourceWarnings';
import type { RecognisedSpeaker, SpeakerProfile, VoiceModelId } from './speakerProfiles';

/** Parameters of `audio/probe`. */
export interface ProbeParams {
  path: string;
  /** Lets the client cancel with `$/cancel`. */
  token?: string;
}

/** What `audio/probe` learned by decoding the whole file to 16 kHz mono. */
export interface ProbeResult {
  path: string;
  /** Seconds of audio after decoding (samples / 16000). */
  durationSec: number;
  /** The source's codec as ffmpeg names it ("pcm_s16le", "mp3", "opus"). */
  codec: string;
  /** The source's sample rate in Hz. */
  sampleRate: number;
  /** The source's channel count. */
  channels: number;
  /** Samples after decoding at 16 kHz. */
  samples: number;
  /** What is wrong with the file (ends early, damaged); empty when nothing is. */
  warnings?: SourceWarning[];
}

/** Parameters of `transcribe/segment`: one finished segment, sent as soon as it is ready. */
export interface SegmentParams {
  token: string;
  /** Position of the segment in the file, from 0. Segments can arrive out of order. */
  index: number;
  segment: TranscriptSegment;
}

/** One execution provider tried while loading a model, and what happened. */
export interface ProviderAttempt {
  provider: string;
  ok: boolean;
  /** Milliseconds the attempt took. */
  ms: number;
  /** ONNX Runtime's own error, verbatim. */
  error?: string;
  /** The error in plain words. */
  reason?: string;
  /** What the user can do about it. */
  fix?: string;
}

/** Parameters of `model/load`; omitted fields come from the settings. */
export interface ModelLoadParams {
  /** Model folder; defaults to the modelPath setting. */
  path?: string;
  provider?: ProviderSetting;
  threads?: number;
  token?: string;
}

/** The model in use: what was loaded, where it runs, and what loading cost. */
export interface ModelInfo {
  dir: string;
  /** Which published layout the folder has. */
  layout: 'sherpa' | 'funasr';
  quantization: 'int8' | 'fp32';
  modelFile: string;
  sizeBytes: number;
  vocabSize: number;
  /** The provider asked for. */
  requestedProvider: ProviderSetting;
  /** The provider the session actually runs on. */
  provider: string;
  /** Every provider tried, in order, with the reason for each failure. */
  attempts: ProviderAttempt[];
  /** Session creation time, in ms. */
  loadMs: number;
  /** The first (warm-up) inference right after load, in ms; reported apart from loadMs. */
  warmupMs: number;
  /** Notes for the user, e.g. an int8 model on a GPU provider. */
  warnings: string[];
  /** Set when the model runs on an inference server (provider `remote`). */
  remote?: RemoteModelInfo;
}

/** The inference server a remote model runs on, as checked at connect. */
export interface RemoteModelInfo {
  /** The server's base URL. */
  endpoint: string;
  /** The model's name on the server. */
  modelName: string;
  /** What the server says it is (`triton 2.50.0`), when it says. */
  server?: string;
  /** What the server gives back: per-frame token ids (argmax on the server) or the logits. */
  output: 'tokenIds' | 'logits';
  /** Milliseconds of the readiness round trip at connect. */
  roundTripMs: number;
  /** Milliseconds of the first (warm-up) inference at connect. */
  warmupMs: number;
  /** Requests sent at once at most. */
  maxInFlight: number;
  /**
   * Whether the server's config stated the language, emotion, event and ITN ids (written by
   * export-server-model) and they matched the local folder's; `unchecked` when it said nothing.
   */
  tagIds: 'checked' | 'unchecked';
}

/** Options a `transcribe/file` request may set for itself (same meanings as the settings). */
export type TranscribeOptions = Pick<
  DaemonSettings,
  'modelPath' | 'language' | 'itn' | 'banEmotionUnknown' | 'vad' | 'maxSegmentSec' | 'batchSize'
>;

/** Who said what: the `diarization` option of `transcribe/file`. Model paths default to the model store's. */
export interface DiarizationOptions {
  /** A pyannote segmentation model (sherpa-onnx export); default `<store>/diarization/segmentation.onnx`. */
  segmentationModel?: string;
  /** A 3D-Speaker or WeSpeaker embedding model (sherpa-onnx export); default `<store>/diarization/embedding.onnx`. */
  embeddingModel?: string;
  /** Exactly this many speakers; 0 or absent: found automatically with `threshold`. */
  numSpeakers?: number;
  /** Automatic speaker count: clusters merge up to this cosine distance (default 0.5, as sherpa-onnx). */
  threshold?: number;
  /**
   * True: fail with DiarizationModelNotFound when the stored models are absent (the cli's --diarize).
   * False (default): the transcript comes back without speakers and says why (`speakersUnavailable`).
   */
  required?: boolean;
  /**
   * Named voices (the workspace's speaker profiles): a speaker whose voice is close enough to one gets
   * its name (one speaker per profile). They never change the cache entry: they are applied to the
   * transcript on its way out, also to a cached one.
   */
  profiles?: SpeakerProfile[];
  /** The cosine similarity a voice needs to get a profile's name (default DEFAULT_PROFILE_THRESHOLD). */
  profileThreshold?: number;
}

/** Parameters of `transcribe/file`; omitted options come from the settings. */
export interface TranscribeFileParams extends TranscribeOptions {
  path: string;
  /** Also say who spoke when (speaker diarization); absent: no speakers. */
  diarization?: DiarizationOptions;
  /**
   * Answer from the transcript cache only: NotCached when this file (by content), model and these
   * settings have no cached transcript; nothing is decoded or run. A client restoring a view uses it.
   */
  cachedOnly?: boolean;
  token?: string;
}

/** One recognised token: its id, the piece as tokens.txt spells it, and its start time in seconds. */
export interface TranscriptToken {
  id: number;
  text: string;
  start: number;
}

/** A stretch of speech with its tags and text; times in seconds from the file's start. */
export interface TranscriptSegment {
  start: number;
  end: number;
  /** Spoken language: zh, en, yue, ja, ko, nospeech, or a tag the model printed. */
  language: string;
  /** HAPPY, SAD, ANGRY, NEUTRAL, FEARFUL, DISGUSTED, SURPRISED, OTHER, EMO_UNKNOWN. */
  emotion: string;
  /** Speech, BGM, Laughter, Applause, Cry, Sneeze, Breath, Cough, … */
  event: string;
  text: string;
  tokens: TranscriptToken[];
  /** Who speaks (a speaker id of `Transcript.speakers`, "S1"), when the transcript was diarized. */
  speaker?: string;
  /** Other speakers heard at the same time (overlapping speech), by id; absent when none. */
  overlap?: string[];
}

/** A speaker of a diarized transcript: its stable id, the name shown for it, and how long it spoke. */
export interface TranscriptSpeaker {
  /** "S1", "S2", … in order of first appearance; segments and turns refer to it. */
  id: string;
  /** What every format and view shows: "Speaker 1" until renamed (the one id -> name map). */
  name: string;
  /** Seconds of the speaker's turns. */
  talkSec: number;
  /** The speaker's voice: the normalised mean of its embeddings (`Transcript.voiceModel` made them); not exported. */
  voice?: number[];
  /** Set when the voice matched a speaker profile of the request. */
  recognised?: RecognisedSpeaker;
}

/** One turn of the diarization's own result: a speaker active from start to end (seconds). */
export interface SpeakerTurn {
  start: number;
  end: number;
  /** A speaker id of `Transcript.speakers`. */
  speaker: string;
}

/** Where the time went, in ms. */
export interface TranscriptTimings {
  decodeMs: number;
  featuresMs: number;
  inferenceMs: number;
  totalMs: number;
}

/** The result of `transcribe/file`. */
export interface Transcript {
  file: string;
  durationSec: number;
  model: { layout: ModelInfo['layout']; quantization: ModelInfo['quantization']; provider: string };
  segments: TranscriptSegment[];
  timings: TranscriptTimings;
  /** True when the transcript came from the cache (same content, model and settings). */
  cached?: boolean;
  /**
   * True when the recognition came from the cache and only the diarization ran (another number of
   * speakers for a file already transcribed with these settings).
   */
  recognitionCached?: boolean;
  /** Diarized transcripts: the speakers (id -> name, talk time), in order of first appearance. */
  speakers?: TranscriptSpeaker[];
  /** Diarized transcripts: the embedding model the speakers' voices come from. */
  voiceModel?: VoiceModelId;
  /** Diarized transcripts: the diarization's turns, sorted by start (they may overlap). */
  turns?: SpeakerTurn[];
  /** Diarization was asked for but could not run: "transcript without speakers: …" and why. */
  speakersUnavailable?: string;
  /** What is wrong with the file (ends early, damaged), so a partial transcript says so; absent or empty when nothing is. */
  warnings?: SourceWarning[];
}

/** The transcription requests. */
export interface TranscriptionRequests {
  /** Client -> daemon: decode a file through ffmpeg and report its duration and source format. */
  'audio/probe': { params: ProbeParams; result: ProbeResult };
  /** Client -> daemon: load (or reuse) a model on the best provider, warm it up, report how. */
  'model/load': { params: ModelLoadParams; result: ModelInfo };
  /** Client -> daemon: transcribe one file; progress goes to `$/progress` under the token. */
  'transcribe/file': { params: TranscribeFileParams; result: Transcript };
}

/** The transcription notifications. */
export interface TranscriptionNotifications {
  /** Daemon -> client: a finished segment of a `transcribe/file` that carried a token. */
  'transcribe/segment': SegmentParams;
}
