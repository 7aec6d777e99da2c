// Diarization models are loaded once and reused by later requests; a replaced file is loaded again,
// and a failed load is not kept (the next request tries again and can succeed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { DiarizationModelCache, resolveDiarizationModels } from '../../daemon/diarization/diarizationModelStore';
import { makeDiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';
import { tempDir } from '../helpers/paths';

test('loaded once, reused; a replaced or fixed file is loaded again', async () => {
  const models = makeDiarizationModels();
  const store = tempDir('diarization-cache-store');
  const dir = path.join(store, 'diarization');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(models.segmentation, path.join(dir, 'segmentation.onnx'));
  fs.copyFileSync(models.embedding, path.join(dir, 'embedding.onnx'));
  const cache = new DiarizationModelCache();
  const first = await cache.get(await resolveDiarizationModels({}, store), 1);
  const again = await cache.get(await resolveDiarizationModels({}, store), 1);
  assert.equal(again.segmentation, first.segmentation);
  assert.equal(again.embedding, first.embedding);

  // A broken embedding file fails with its name; once fixed, the same cache loads it.
  const embedding = path.join(dir, 'embedding.onnx');
  fs.writeFileSync(embedding, 'not a model');
  await assert.rejects(
    cache.get(await resolveDiarizationModels({}, store), 1),
    (e: unknown) =>
      e instanceof SenseVoiceError && e.code === ErrorCode.DiarizationModelInvalid && e.message.includes(embedding),
  );
  fs.copyFileSync(models.wespeaker, embedding);
  const fixed = await cache.get(await resolveDiarizationModels({}, store), 1);
  assert.notEqual(fixed.embedding, first.embedding);
  assert.equal(fixed.embedding.meta.framework, 'wespeaker');
  assert.equal(fixed.segmentation, first.segmentation);
});
