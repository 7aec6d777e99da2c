import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureMatrix } from '../../../../daemon/features/featureMatrix';
import { applyLowFrameRate, lowFrameRateSource, numLowFrameRateFrames } from '../../../../daemon/features/lowFrameRate';

/** frames x dim input whose value at (t, d) is t * 1000 + d: every copy is traceable. */
function traceable(frames: number, dim: number): FeatureMatrix {
  const data = new Float32Array(frames * dim);
  for (let t = 0; t < frames; t++) for (let d = 0; d < dim; d++) data[t * dim + d] = t * 1000 + d;
  return { frames, dim, data };
}

describe('low frame rate (sherpa-onnx 1.13.8 ApplyLfr, m = 7, n = 6)', () => {
  it('outputs ceil(T / 6) frames', () => {
    // The table from sherpa-onnx's own lfr-test.cc, plus the empty case.
    const cases: [number, number][] = [
      [0, 0],
      [1, 1],
      [5, 1],
      [6, 1],
      [7, 2],
      [12, 2],
      [13, 3],
      [20, 4],
    ];
    for (const [t, expected] of cases) {
      assert.equal(numLowFrameRateFrames({ inputFrames: t, windowShift: 6 }), expected, `T = ${t}`);
      assert.equal(applyLowFrameRate({ input: traceable(t, 1) }).frames, expected, `T = ${t} applied`);
    }
  });

  it('starts window i at frame 6i - 3 and clamps at both ends', () => {
    // sherpa-onnx lfr-test.cc PadsFirstAndLastFrames, with 1-dim frames valued t.
    const out = applyLowFrameRate({ input: traceable(13, 1) });
    assert.deepEqual(
      Array.from(out.data).map((v) => v / 1000),
      [0, 0, 0, 0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 9, 10, 11, 12, 12, 12, 12],
    );
  });

  it('lays out 7 whole 80-dim frames per 560-dim row', () => {
    const input = traceable(8, 80); // 1600 samples -> 8 fbank frames -> 2 LFR frames
    const out = applyLowFrameRate({ input });
    assert.deepEqual({ frames: out.frames, dim: out.dim }, { frames: 2, dim: 560 });
    const expectedSources = [
      [0, 0, 0, 0, 1, 2, 3],
      [3, 4, 5, 6, 7, 7, 7],
    ];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 7; j++) {
        const t = expectedSources[i][j];
        assert.equal(lowFrameRateSource({ outputFrame: i, slot: j, inputFrames: 8, windowSize: 7, windowShift: 6 }), t);
        for (let d = 0; d < 80; d++)
          assert.equal(out.data[i * 560 + j * 80 + d], t * 1000 + d, `row ${i} slot ${j} dim ${d}`);
      }
    }
  });

  it('repeats a single frame seven times', () => {
    const out = applyLowFrameRate({ input: traceable(1, 80) });
    assert.equal(out.frames, 1);
    for (let j = 0; j < 7; j++) assert.deepEqual(out.data.subarray(j * 80, j * 80 + 80), out.data.subarray(0, 80));
  });

  it("supports other window sizes and a caller's buffer", () => {
    // sherpa-onnx lfr-test.cc PreservesFeatureDimensions: size 3, shift 2, 2-dim frames.
    const input = { frames: 2, dim: 2, data: new Float32Array([0, 1, 2, 3]) };
    const out = { frames: 0, dim: 0, data: new Float32Array(16) };
    const r = applyLowFrameRate({ input, options: { windowSize: 3, windowShift: 2 }, out });
    assert.equal(r, out);
    assert.deepEqual(Array.from(out.data.subarray(0, 6)), [0, 1, 0, 1, 2, 3]);
    assert.throws(() => applyLowFrameRate({ input, options: { windowSize: 0, windowShift: 2 } }), RangeError);
    assert.throws(
      () => applyLowFrameRate({ input: traceable(13, 80), out: { frames: 0, dim: 0, data: new Float32Array(10) } }),
      RangeError,
    );
  });
});
