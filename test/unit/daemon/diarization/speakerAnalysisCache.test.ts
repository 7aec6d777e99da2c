// The kept speaker analyses: by file content and model identities, least recently used out first,
// bounded by bytes (an analysis over the budget is not kept at all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpeakerAnalysisCache } from '../../../../daemon/diarization/speakerAnalysisCache';
import type { SpeakerAnalysis } from '../../../../daemon/diarization/diarize';
import type { SegmentationMeta } from '../../../../daemon/diarization/diarizationModels';

/** An analysis of `bytes` bytes of embeddings (and nothing else). */
const analysis = (bytes: number): SpeakerAnalysis => ({
  meta: {} as SegmentationMeta,
  samples: 0,
  labels: [],
  pairs: new Int32Array(0),
  embeddings: new Float32Array(bytes / 4),
  dim: 1,
});
const files = (mtimeMs: number) => ({
  segmentation: { path: '/m/seg.onnx', size: 10, mtimeMs },
  embedding: { path: '/m/emb.onnx', size: 20, mtimeMs: 1 },
});

test('keyed by content and model identity: a replaced model file is another key', () => {
  assert.equal(SpeakerAnalysisCache.key('h', files(1)), SpeakerAnalysisCache.key('h', files(1)));
  assert.notEqual(SpeakerAnalysisCache.key('h', files(1)), SpeakerAnalysisCache.key('h', files(2)));
  assert.notEqual(SpeakerAnalysisCache.key('h', files(1)), SpeakerAnalysisCache.key('g', files(1)));
});

test('bounded by bytes, least recently used out first; one over the budget is not kept', () => {
  const c = new SpeakerAnalysisCache(1000);
  const a = analysis(400);
  c.set('a', a);
  c.set('b', analysis(400));
  assert.equal(c.get('a'), a, 'a is now the most recent');
  c.set('c', analysis(400));
  assert.equal(c.get('b'), undefined, 'b went to make room');
  assert.equal(c.get('a'), a);
  assert.ok(c.get('c'));
  assert.equal(c.size, 800);
  c.set('big', analysis(1200));
  assert.equal(c.get('big'), undefined);
  assert.equal(c.size, 800);
  c.set('a', analysis(200));
  assert.equal(c.size, 600, 'a replaced entry counts once');
});
