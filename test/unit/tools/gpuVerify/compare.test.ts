// The token comparison gpu:verify reports: identical clips counted, and a difference located (first
// position, edit distance, frames) with the CPU's lead at the frames that differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithCpu, editDistance } from '../../../../tools/gpuVerify/compare';
import { greedyIds } from '../../../../tools/gpuVerify/greedyIds';

test('greedy ids merge repeats and drop blanks; the lead is top-1 minus top-2', () => {
  // 4 frames over a vocabulary of 3, blank 0: 2, 2, 0, 1 -> [2, 1].
  const logits = Float32Array.of(0, 1, 3, 0, 1, 2, 5, 1, 0, 0, 4, 1);
  const g = greedyIds(logits, 4, 3, 0);
  assert.deepEqual(g.ids, [2, 1]);
  assert.deepEqual(g.argmax, [2, 2, 0, 1]);
  assert.deepEqual(g.lead, [2, 1, 4, 3]);
});

test('identical clips are counted; a differing one says where and how close the CPU was', () => {
  const clip = (name: string, ids: number[], argmax: number[], lead: number[]) => ({
    name,
    frames: argmax.length,
    ids,
    argmax,
    lead,
    ms: 1,
  });
  const cpu = [clip('a', [5, 6, 7], [5, 6, 0, 7], [1, 2, 3, 0.00002]), clip('b', [1], [1], [1])];
  const gpu = [clip('a', [5, 6, 8], [5, 6, 0, 8], [1, 2, 3, 0.00001]), clip('b', [1], [1], [1])];
  const c = compareWithCpu('webgpu', cpu, gpu);
  assert.equal(c.clips, 2);
  assert.equal(c.identical, 1);
  assert.deepEqual(c.differences, [
    {
      clip: 'a',
      cpuTokens: 3,
      tokens: 3,
      firstIndex: 2,
      cpuId: 7,
      id: 8,
      editDistance: 1,
      framesDiffering: 1,
      frames: 4,
      minCpuLead: 0.00002,
    },
  ]);
  assert.equal(editDistance([1, 2, 3], [1, 3]), 1);
  assert.equal(editDistance([], [1, 2]), 2);
});
