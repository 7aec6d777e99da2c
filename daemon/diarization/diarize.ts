// Who speaks when: sherpa-onnx's pyannote diarization pipeline (offline-speaker-diarization-
// pyannote-impl.h) over 16 kHz samples decoded once, given whole or as a stream of chunks (then only
// the current window's samples are held: sampleReader.ts). Windows of window_size samples every
// window_size / 10 (the last one zero-padded) go through the segmentation model one at a time; of
// each only a byte per frame (which local speakers are active) is kept, and the embeddings of its
// local speakers (>= 10 frames without overlap) are computed while its samples are at hand. Then the
// embeddings are clustered across the file (bounded beyond 4,000 embeddings: clustering.ts) and the
// windows' activity is turned into turns.
// Cancellable (AbortSignal, checked between windows), with progress.
// Two halves: analyseSpeakers() (the models: all the time) and clusterSpeakers() (a few ms on a
// short file), so that another number of speakers re-clusters a kept analysis without the models.
import * as ort from 'onnxruntime-node';
import { ErrorCode, SenseVoiceError } from '../../common/protocol/errors';
import { clusterVoices } from './clusterVoices';
import { clusterEmbeddings, EXACT_CLUSTERING_LIMIT, type ClusteringOptions } from './clustering';
import type { EmbeddingMeta, LoadedModel, SegmentationMeta } from './diarizationModels';
import { framesToMasks, popcount, powersetMasks } from './powerset';
import { EmbeddingFeatures } from './embeddingFeatures';
import { SampleReader, type SampleSource } from './sampleReader';
import { computeEmbedding } from './speakerEmbedding';
import { activityToTurns, finalizeActivity, windowStartFrame, type SpeakerTurn } from './turns';

const f32 = Math.fround;

/** How the analysis becomes turns: the clustering, and the turns' smoothing. */
export interface TurnOptions extends ClusteringOptions {
  /** Turns not longer than this (seconds) are dropped (sherpa-onnx: min_duration_on, default 0.3). */
  minDurationOn: number;
  /** A speaker's turns this close (seconds) are merged (min_duration_off, default 0.5). */
  minDurationOff: number;
}

/** What the models found in a file, before clustering: all that another clustering needs. */
export interface SpeakerAnalysis {
  meta: SegmentationMeta;
  /** Samples in the file. */
  samples: number;
  /** Per window, a byte per frame: which local speakers are active (bit s: local speaker s). */
  labels: Uint8Array[];
  /** Per embedding, the (window, local speaker) it is of: window * meta.numSpeakers + speaker. */
  pairs: Int32Array;
  /** The embeddings, row-major, `dim` values each (not normalised). */
  embeddings: Float32Array;
  dim: number;
}

/** Bytes an analysis holds (what a cache of them counts). */
export function analysisBytes(a: SpeakerAnalysis): number {
  let n = a.embeddings.byteLength + a.pairs.byteLength;
  for (const l of a.labels) n += l.byteLength;
  return n;
}

export interface AnalyseOptions {
  signal?: AbortSignal;
  /** For a stream: its length in samples where known (progress only; unknown: total = windows done so far). */
  totalSamples?: number;
  /** Called after each window: windows done, windows in all. */
  onProgress?: (done: number, total: number) => void;
}

export type DiarizeOptions = TurnOptions & AnalyseOptions;

export interface DiarizationResult {
  turns: SpeakerTurn[];
  numSpeakers: number;
  /** Windows the segmentation model ran on, and (window, local speaker) embeddings clustered. */
  windows: number;
  embeddings: number;
  /** How the embeddings were clustered: 'exact' (as sherpa-onnx), 'two-stage' (too many: clustering.ts), 'none'. */
  clustering: 'exact' | 'two-stage' | 'none';
  /** Each speaker's voice (cluster index -> normalised mean embedding: clusterVoices.ts); speaker profiles match these. */
  voices: Map<number, Float32Array>;
}

export const DEFAULT_MIN_DURATION_ON = 0.3;
export const DEFAULT_MIN_DURATION_OFF = 0.5;

/** How sherpa-onnx cuts n samples into windows: full ones every shift, and a zero-padded last one. */
export function windowCount(n: number, meta: SegmentationMeta): { count: number; hasLastChunk: boolean } {
  if (n <= 0) return { count: 0, hasLastChunk: false };
  if (n <= meta.windowSize) return { count: 1, hasLastChunk: false };
  const full = Math.floor((n - meta.windowSize) / meta.windowShift) + 1;
  const hasLastChunk = (n - meta.windowSize) % meta.windowShift > 0;
  return { count: full + (hasLastChunk ? 1 : 0), hasLastChunk };
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'Diarization cancelled.');
}

export async function diarize(
  source: SampleSource,
  segmentation: LoadedModel<SegmentationMeta>,
  embedding: LoadedModel<EmbeddingMeta>,
  options: DiarizeOptions,
): Promise<DiarizationResult> {
  return clusterSpeakers(await analyseSpeakers(source, segmentation, embedding, options), options);
}

/** The models' half: every window through the segmentation model, the embeddings of its local speakers. */
export async function analyseSpeakers(
  source: SampleSource,
  segmentation: LoadedModel<SegmentationMeta>,
  embedding: LoadedModel<EmbeddingMeta>,
  options: AnalyseOptions,
): Promise<SpeakerAnalysis> {
  const meta = segmentation.meta;
  const W = meta.windowSize;
  const S = meta.windowShift;
  const reader = new SampleReader(source);
  const expected = source instanceof Float32Array ? source.length : options.totalSamples;
  const masks = powersetMasks(meta.numSpeakers, meta.powersetMaxClasses);
  const features = new EmbeddingFeatures(embedding.meta);
  const window = new Float32Array(W);
  const input = new ort.Tensor('float32', window, [1, 1, W]);

  const labels: Uint8Array[] = [];
  const pairs: number[] = [];
  const vectors: Float32Array[] = [];

  const runWindow = async (c: number, limit: number, embed: boolean): Promise<void> => {
    checkAbort(options.signal);
    const offset = c * S;
    reader.copy(offset, window);
    const out = await segmentation.session.run({ [segmentation.inputName]: input });
    const y = out[segmentation.outputName];
    const [, frames, classes] = y.dims as number[];
    if (classes !== meta.numClasses)
      throw new SenseVoiceError(
        ErrorCode.DiarizationModelInvalid,
        `${segmentation.file}: its output has ${classes} classes per frame, but its metadata says num_classes ${meta.numClasses}.`,
      );
    const frameMasks = framesToMasks(y.data as Float32Array, frames, classes, masks);
    y.dispose?.();
    labels.push(frameMasks);
    if (embed) {
      for (const { speaker, pieces } of localSpeakerPieces(frameMasks, meta, offset)) {
        checkAbort(options.signal);
        const v = await computeEmbedding(embedding, features.compute(reader, pieces, limit));
        if (v !== null) {
          pairs.push(c * meta.numSpeakers + speaker);
          vectors.push(v);
        }
      }
    }
    const total = expected !== undefined ? windowCount(expected, meta).count : 0;
    options.onProgress?.(c + 1, Math.max(total, c + 1));
  };

  // The full windows as the samples arrive (their pieces never reach past the window: no clamping),
  // then sherpa-onnx's zero-padded last one, or the only one of a file shorter than a window. A file
  // streamed of exactly one window embeds it in vain (it is not known to be the only one until the end).
  let full = 0;
  for (;;) {
    await reader.fill(full * S + W);
    if (reader.end < full * S + W) break;
    // A whole array of exactly one window is known to be the only one: sherpa-onnx embeds nothing
    // there, and neither does the clustering here; its embeddings are the speakers' voices only.
    await runWindow(full, Infinity, true);
    full++;
    reader.dropBefore(full * S);
  }
  const n = reader.end;
  const { count: numChunks, hasLastChunk } = windowCount(n, meta);
  // A file shorter than a window: embedded for the speakers' voices only (the single-window case clusters nothing).
  if (numChunks > 0 && full === 0) await runWindow(0, n, true);
  else if (hasLastChunk) await runWindow(full, n, true);

  const dim = embedding.meta.outputDim;
  const matrix = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => matrix.set(v.subarray(0, dim), i * dim));
  return { meta, samples: n, labels, pairs: Int32Array.from(pairs), embeddings: matrix, dim };
}

/**
 * The clustering's half: the embeddings clustered into speakers, each window's activity laid on the
 * file's frames, turns. Pure and repeatable: the analysis is left as it was.
 */
export function clusterSpeakers(a: SpeakerAnalysis, options: TurnOptions): DiarizationResult {
  const { meta, labels } = a;
  const geometry = meta;
  const n = a.samples;
  const { count: numChunks, hasLastChunk } = windowCount(n, meta);
  if (numChunks === 0)
    return { turns: [], numSpeakers: 0, windows: 0, embeddings: 0, clustering: 'none', voices: new Map() };
  if (numChunks === 1) {
    // sherpa-onnx's one-window case: no clustering, the local speakers are the speakers; frames past
    // the end are cut only when the window is not a whole number of shifts past n (never, for n <= window).
    const frames = labels[0].length;
    const active = masksToActivity(labels[0], frames, meta.numSpeakers);
    const turns = activityToTurns(
      active,
      frames,
      meta.numSpeakers,
      geometry,
      options.minDurationOn,
      options.minDurationOff,
    );
    // The local speakers are the speakers: each one's voice is its one embedding.
    const voices = new Map<number, Float32Array>();
    a.pairs.forEach((p, i) => {
      const v = clusterVoices(a.embeddings.subarray(i * a.dim, (i + 1) * a.dim), 1, a.dim, [0]).get(0);
      if (v) voices.set(p % meta.numSpeakers, v);
    });
    return {
      turns,
      numSpeakers: new Set(turns.map((t) => t.speaker)).size,
      windows: 1,
      embeddings: 0,
      clustering: 'none',
      voices,
    };
  }

  const framesPerChunk = labels[0].length;
  const totalFrames = Math.floor((meta.windowSize + (numChunks - 1) * meta.windowShift) / meta.receptiveFieldShift) + 1;
  const speakersPerFrame = speakersPerFrameOf(labels, totalFrames, geometry);
  let maxSpeakers = 0;
  for (const k of speakersPerFrame) maxSpeakers = Math.max(maxSpeakers, k);
  const numEmbeddings = a.pairs.length;
  if (maxSpeakers === 0 || numEmbeddings === 0)
    return { turns: [], numSpeakers: 0, windows: numChunks, embeddings: 0, clustering: 'none', voices: new Map() };

  const clusterOf = clusterEmbeddings(a.embeddings, numEmbeddings, a.dim, options);
  const voices = clusterVoices(a.embeddings, numEmbeddings, a.dim, clusterOf);
  let clusters = 0;
  for (const k of clusterOf) clusters = Math.max(clusters, k + 1);
  const clusterByPair = new Map<number, number>();
  a.pairs.forEach((p, i) => clusterByPair.set(p, clusterOf[i]));

  // ComputeSpeakerCount: per global frame, how many windows put each cluster there.
  let rows = totalFrames;
  if (hasLastChunk) rows = Math.min(Math.floor(n / meta.receptiveFieldShift), totalFrames - 1) + 1;
  const count = new Int32Array(rows * clusters);
  labels.forEach((frameMasks, c) => {
    const start = windowStartFrame(c, geometry);
    for (let s = 0; s < meta.numSpeakers; s++) {
      const k = clusterByPair.get(c * meta.numSpeakers + s);
      if (k === undefined) continue;
      for (let t = 0; t < framesPerChunk; t++) {
        const row = start + t;
        if (row < rows && frameMasks[t] & (1 << s)) count[row * clusters + k] += 1;
      }
    }
  });
  const active = finalizeActivity(count, rows, clusters, speakersPerFrame);
  const turns = activityToTurns(active, rows, clusters, geometry, options.minDurationOn, options.minDurationOff);
  return {
    turns,
    numSpeakers: new Set(turns.map((t) => t.speaker)).size,
    windows: numChunks,
    embeddings: numEmbeddings,
    clustering: numEmbeddings > (options.exactLimit ?? EXACT_CLUSTERING_LIMIT) ? 'two-stage' : 'exact',
    voices,
  };
}

function masksToActivity(frameMasks: Uint8Array, frames: number, speakers: number): Uint8Array {
  const active = new Uint8Array(frames * speakers);
  for (let t = 0; t < frames; t++)
    for (let s = 0; s < speakers; s++) active[t * speakers + s] = (frameMasks[t] >> s) & 1;
  return active;
}

/** ComputeSpeakersPerFrame: the rounded mean, over the windows covering a frame, of its active speakers. */
function speakersPerFrameOf(labels: Uint8Array[], totalFrames: number, g: SegmentationMeta): Int32Array {
  const count = new Float32Array(totalFrames);
  const weight = new Float32Array(totalFrames);
  labels.forEach((frameMasks, c) => {
    const start = windowStartFrame(c, g);
    for (let t = 0; t < frameMasks.length && start + t < totalFrames; t++) {
      count[start + t] += popcount(frameMasks[t]);
      weight[start + t] += 1;
    }
  });
  const out = new Int32Array(totalFrames);
  for (let t = 0; t < totalFrames; t++) out[t] = Math.trunc(f32(f32(count[t] / f32(weight[t] + 1e-12)) + 0.5));
  return out;
}

/**
 * GetChunkSpeakerSampleIndexes: for each local speaker of a window active on >= 10 frames where it
 * is the only one, its runs of such frames as sample ranges (float arithmetic, truncated).
 */
function localSpeakerPieces(
  frameMasks: Uint8Array,
  meta: SegmentationMeta,
  offset: number,
): { speaker: number; pieces: [number, number][] }[] {
  const frames = frameMasks.length;
  const out: { speaker: number; pieces: [number, number][] }[] = [];
  const sample = (k: number) => Math.trunc(f32(f32(f32(k / frames) * meta.windowSize) + offset));
  for (let s = 0; s < meta.numSpeakers; s++) {
    const on = (t: number) => frameMasks[t] === 1 << s;
    let total = 0;
    for (let t = 0; t < frames; t++) if (on(t)) total++;
    if (total < 10) continue;
    const pieces: [number, number][] = [];
    let startIndex = -1;
    for (let t = 0; t < frames; t++) {
      if (on(t)) {
        if (startIndex < 0) startIndex = t;
      } else if (startIndex >= 0) {
        pieces.push([sample(startIndex), sample(t)]);
        startIndex = -1;
      }
    }
    if (startIndex >= 0) pieces.push([sample(startIndex), sample(frames - 1)]);
    out.push({ speaker: s, pieces });
  }
  return out;
}
