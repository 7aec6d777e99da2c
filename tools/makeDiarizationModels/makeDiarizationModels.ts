// Writes the synthetic diarization models (a pyannote-segmentation-3.0-contract model and a
// 3D-Speaker-contract embedding model) into a cache folder; same options -> same bytes, and files
// already there with those bytes are left alone. Tests and the parity check call this.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { concatParts } from '../../common/onnx/protoWriter';
import { buildEmbeddingGraph, embeddingMetadata } from './embeddingGraph';
import { buildSegmentationGraph, segmentationMetadata } from './segmentationGraph';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_EMBEDDING_SEED = 7;

export interface DiarizationModels {
  readonly dir: string;
  readonly segmentation: string;
  /** 3D-Speaker contract. */
  readonly embedding: string;
  /** WeSpeaker contract. */
  readonly wespeaker: string;
}

function header(metadata: [string, string][], docString: string) {
  return { producerName: 'sensevoice-make-diarization-models', producerVersion: '1', docString, metadata };
}

function writeIfChanged(file: string, bytes: Uint8Array): void {
  if (fs.existsSync(file)) {
    const old = fs.readFileSync(file);
    const same =
      crypto.createHash('sha256').update(old).digest('hex') === crypto.createHash('sha256').update(bytes).digest('hex');
    if (same) return;
  }
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

export function makeDiarizationModels(options: { outDir?: string; embeddingSeed?: number } = {}): DiarizationModels {
  const seed = options.embeddingSeed ?? DEFAULT_EMBEDDING_SEED;
  const dir = options.outDir ?? path.join(REPO_ROOT, '.cache', 'test-models', `diarization-seed${seed}`);
  fs.mkdirSync(dir, { recursive: true });
  const segmentation = path.join(dir, 'segmentation.onnx');
  const embedding = path.join(dir, 'embedding.onnx');
  writeIfChanged(
    segmentation,
    concatParts(
      buildSegmentationGraph().encode(header(segmentationMetadata(), 'synthetic pyannote segmentation-3.0 contract')),
    ),
  );
  writeIfChanged(
    embedding,
    concatParts(
      buildEmbeddingGraph(seed).encode(header(embeddingMetadata(), 'synthetic 3D-Speaker embedding contract')),
    ),
  );
  const wespeaker = path.join(dir, 'embedding-wespeaker.onnx');
  writeIfChanged(
    wespeaker,
    concatParts(
      buildEmbeddingGraph(seed, 'wespeaker').encode(
        header(embeddingMetadata('wespeaker'), 'synthetic WeSpeaker embedding contract'),
      ),
    ),
  );
  return { dir, segmentation, embedding, wespeaker };
}
