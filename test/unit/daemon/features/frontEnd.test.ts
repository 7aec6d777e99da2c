import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyCmvn, type Cmvn } from '../../../../daemon/features/cmvn';
import { computeFbank } from '../../../../daemon/features/fbank';
import { computeFeatures, createFrontEnd } from '../../../../daemon/features/frontEnd';
import { applyLowFrameRate } from '../../../../daemon/features/lowFrameRate';
import { chirp, lcgNoise } from './helpers';

/** A synthetic CMVN (no file needed): shift by -d/100, scale by 1 + d/560. */
const CMVN: Cmvn = {
  negMean: Float32Array.from({ length: 560 }, (_, d) => -d / 100),
  invStddev: Float32Array.from({ length: 560 }, (_, d) => 1 + d / 560),
};

describe('front end (fbank -> LFR -> CMVN)', () => {
  it('gives 560-dim frames: 0 for 1 sample, 1 for 400, 1 for 559, 1 for 560, 2 for 1600', () => {
    const fe = createFrontEnd({ cmvn: CMVN });
    assert.equal(fe.dim, 560);
    for (const [n, frames] of [
      [1, 0],
      [399, 0],
      [400, 1],
      [559, 1],
      [560, 1],
      [1600, 2],
      [2560, 3],
      [16000, 17],
    ] as const) {
      const out = fe.compute({ samples: lcgNoise({ numSamples: n, amplitude: 0.3, seed: n }) });
      assert.deepEqual(
        { frames: out.frames, dim: out.dim, length: out.data.length },
        { frames, dim: 560, length: frames * 560 },
        `${n} samples`,
      );
      assert.equal(fe.numFrames({ numSamples: n }), frames);
    }
  });

  it('is exactly the composition of its stages', () => {
    const samples = chirp({ fromHz: 200, toHz: 6000, numSamples: 12345 });
    const expected = applyCmvn({ features: applyLowFrameRate({ input: computeFbank({ samples }) }), cmvn: CMVN });
    assert.deepEqual(computeFeatures({ samples, cmvn: CMVN }), expected);
  });

  it('keeps no state between calls: per-segment features do not depend on what came before', () => {
    const fe = createFrontEnd({ cmvn: CMVN });
    const a = lcgNoise({ numSamples: 48000, amplitude: 0.5, seed: 7 });
    const b = chirp({ fromHz: 500, toHz: 900, numSamples: 7000 });
    const bAlone = createFrontEnd({ cmvn: CMVN }).compute({ samples: b });
    fe.compute({ samples: a }); // grows the scratch buffer
    assert.deepEqual(fe.compute({ samples: b }), bAlone);
    assert.deepEqual(fe.compute({ samples: b }), bAlone);
  });

  it("writes into a caller's buffer when given one", () => {
    const fe = createFrontEnd({ cmvn: CMVN });
    const samples = lcgNoise({ numSamples: 5000, amplitude: 0.2, seed: 9 });
    const out = { frames: 0, dim: 0, data: new Float32Array(560 * 10) };
    assert.equal(fe.compute({ samples, out }), out);
    assert.deepEqual(out.data.subarray(0, out.frames * 560), fe.compute({ samples }).data);
  });

  it('refuses CMVN vectors of the wrong size', () => {
    assert.throws(
      () => createFrontEnd({ cmvn: { negMean: new Float32Array(80), invStddev: new Float32Array(80) } }),
      /expected 560/,
    );
  });
});
