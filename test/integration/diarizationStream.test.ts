// diarize() over a stream of decoded chunks (what the daemon feeds it, holding only ~10 s of samples)
// gives exactly what it gives over the whole array, which the parity test compares with sherpa-onnx:
// chunk sizes that do and do not divide the window shift, a zero-padded last window, a file of
// exactly one window, one sample more, shorter than a window, and empty.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudio } from '../../daemon/ffmpeg/decodeAudio';
import {
  loadEmbeddingModel,
  loadSegmentationModel,
  type EmbeddingMeta,
  type LoadedModel,
  type SegmentationMeta,
} from '../../daemon/diarization/diarizationModels';
import { diarize, type DiarizeOptions } from '../../daemon/diarization/diarize';
import { makeDiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';
import { makeMultiSpeakerAudio } from '../helpers/multiSpeakerAudio';

let segmentation: LoadedModel<SegmentationMeta>;
let embedding: LoadedModel<EmbeddingMeta>;
let three: Float32Array;

async function* chunked(samples: Float32Array, size: number): AsyncGenerator<Float32Array> {
  for (let at = 0; at < samples.length; at += size) yield samples.slice(at, at + size);
}

before(async () => {
  const models = makeDiarizationModels();
  segmentation = await loadSegmentationModel(models.segmentation);
  embedding = await loadEmbeddingModel(models.wespeaker);
  const chunks: Float32Array[] = [];
  const file = makeMultiSpeakerAudio('threeSpeakers').file;
  await decodeAudio({ ffmpegPath: 'ffmpeg', file, onSamples: (c) => void chunks.push(c) });
  three = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    three.set(c, o);
    o += c.length;
  }
});

const options: DiarizeOptions = { numClusters: -1, threshold: 0.6, minDurationOn: 0.3, minDurationOff: 0.5 };

test('a stream gives the same turns as the whole array, whatever its chunks and length', async () => {
  const W = segmentation.meta.windowSize;
  const S = segmentation.meta.windowShift;
  const lengths = [three.length, W + 3 * S, W + 3 * S + 777, W, W + 1, W - 5000, 8000, 0];
  for (const n of lengths) {
    const samples = three.subarray(0, n);
    const whole = await diarize(samples, segmentation, embedding, options);
    for (const size of [16_000, 4097]) {
      const progress: [number, number][] = [];
      const streamed = await diarize(chunked(samples, size), segmentation, embedding, {
        ...options,
        totalSamples: n,
        onProgress: (done, total) => progress.push([done, total]),
      });
      assert.deepEqual(streamed, whole, `${n} samples in chunks of ${size}`);
      if (whole.windows > 0) assert.deepEqual(progress.at(-1), [whole.windows, whole.windows]);
    }
    if (n === three.length) assert.ok(whole.numSpeakers >= 2 && whole.clustering === 'exact');
  }
});
