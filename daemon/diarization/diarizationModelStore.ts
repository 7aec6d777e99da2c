// Which diarization models a request uses, and the loaded ones kept for the next request. Without
// paths in the request, the model store's `diarization/segmentation.onnx` and
// `diarization/embedding.onnx` (what a download of the diarization models fills); a model absent is
// DiarizationModelNotFound saying how to get one. Loaded sessions are kept by file identity (path,
// size, mtime), so a replaced file is loaded again, and a failed load is never kept.
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError } from '../../common/protocol/errors';
import type { DiarizationOptions } from '../../common/protocol/transcription';
import {
  loadEmbeddingModel,
  loadSegmentationModel,
  type EmbeddingMeta,
  type LoadedModel,
  type SegmentationMeta,
} from './diarizationModels';

/** Where the store keeps the two models, relative to the store folder. */
export const STORED_SEGMENTATION = path.join('diarization', 'segmentation.onnx');
export const STORED_EMBEDDING = path.join('diarization', 'embedding.onnx');

/** A model file as the cache keys know it: a replaced file is another model. */
export interface ModelFileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface DiarizationModelFiles {
  segmentation: ModelFileIdentity;
  embedding: ModelFileIdentity;
}

export function storedDiarizationModels(storeDir: string): { segmentation: string; embedding: string } {
  return { segmentation: path.join(storeDir, STORED_SEGMENTATION), embedding: path.join(storeDir, STORED_EMBEDDING) };
}

async function identify(file: string, role: string, fromStore: boolean, storeDir: string): Promise<ModelFileIdentity> {
  const abs = path.resolve(file);
  try {
    const st = await fs.promises.stat(abs);
    if (!st.isFile()) throw notFound(`${abs}: the ${role} model is not a file`, fromStore, storeDir);
    return { path: abs, size: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    if (e instanceof SenseVoiceError) throw e;
    throw notFound(`${abs}: no ${role} model there`, fromStore, storeDir);
  }
}

function notFound(what: string, fromStore: boolean, storeDir: string): SenseVoiceError {
  const how = fromStore
    ? `Speaker diarization needs a pyannote segmentation model and a speaker embedding model: run ` +
      '`sensevoice model download --diarization` (checked against the published sizes and checksums), or in VS Code ' +
      `"SenseVoice: Download Speaker Models". Or put sherpa-onnx exports at ${path.join(storeDir, STORED_SEGMENTATION)} ` +
      `and ${path.join(storeDir, STORED_EMBEDDING)}, or name them with --segmentation-model FILE --embedding-model FILE.`
    : 'Check the path of the model.';
  return new SenseVoiceError(ErrorCode.DiarizationModelNotFound, `${what}. ${how}`, { store: storeDir });
}

/** The request's model files (or the store's), checked to exist; DiarizationModelNotFound otherwise. */
export async function resolveDiarizationModels(
  o: DiarizationOptions,
  storeDir: string,
): Promise<DiarizationModelFiles> {
  const stored = storedDiarizationModels(storeDir);
  const [segmentation, embedding] = await Promise.all([
    identify(o.segmentationModel ?? stored.segmentation, 'segmentation', o.segmentationModel === undefined, storeDir),
    identify(o.embeddingModel ?? stored.embedding, 'speaker embedding', o.embeddingModel === undefined, storeDir),
  ]);
  return { segmentation, embedding };
}

export interface LoadedDiarizationModels {
  segmentation: LoadedModel<SegmentationMeta>;
  embedding: LoadedModel<EmbeddingMeta>;
}

/** Loaded models by file identity and threads; the last few of each role are kept. */
export class DiarizationModelCache {
  private readonly segmentations = new Map<string, Promise<LoadedModel<SegmentationMeta>>>();
  private readonly embeddings = new Map<string, Promise<LoadedModel<EmbeddingMeta>>>();

  constructor(private readonly keep = 2) {}

  async get(files: DiarizationModelFiles, threads: number): Promise<LoadedDiarizationModels> {
    const [segmentation, embedding] = await Promise.all([
      this.load(this.segmentations, files.segmentation, threads, loadSegmentationModel),
      this.load(this.embeddings, files.embedding, threads, loadEmbeddingModel),
    ]);
    return { segmentation, embedding };
  }

  private load<M>(
    cache: Map<string, Promise<LoadedModel<M>>>,
    file: ModelFileIdentity,
    threads: number,
    loader: (file: string, threads: number) => Promise<LoadedModel<M>>,
  ): Promise<LoadedModel<M>> {
    const key = JSON.stringify([file.path, file.size, file.mtimeMs, threads]);
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const loading = loader(file.path, threads);
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
    // Dropped, not released: a job may still be running on it; the garbage collector frees it after.
    while (cache.size > this.keep) cache.delete(cache.keys().next().value as string);
    return loading;
  }
}
