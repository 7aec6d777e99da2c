// Golden test: our features against those sherpa-onnx 1.13.8 computed itself (sherpaGolden.json,
// captured from the running binary by golden/captureSherpaGolden.ts). Every value must match bit for
// bit: fbank, LFR, and LFR + CMVN with the real am.mvn vectors, and the mel filterbank weights.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { applyCmvn, parseAmMvn } from '../../../../daemon/features/cmvn';
import { computeFbank } from '../../../../daemon/features/fbank';
import { applyLowFrameRate } from '../../../../daemon/features/lowFrameRate';
import { kaldiMelBanks } from '../../../../daemon/features/melBanks';
import { GOLDEN_CASES } from './golden/goldenCases';
import { AM_MVN_PATH, sha256OfFloats } from './helpers';

interface GoldenEntry {
  name: string;
  numSamples: number;
  samplesSha256: string;
  fbankFrames: number;
  lfrFrames: number;
  fbankSha256: string;
  lfrSha256: string;
  cmvnSha256: string;
  fbankHead: number[];
  cmvnHead: number[];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'golden/sherpaGolden.json'), 'utf8')) as {
  melBanksSha256: string;
  cases: GoldenEntry[];
};

describe('parity with sherpa-onnx 1.13.8 (golden values from the running binary)', () => {
  it('mel filterbank weights are identical', () => {
    const banks = kaldiMelBanks({ numBins: 80, fftSize: 512, sampleRate: 16000, lowFreq: 20, highFreq: 0 });
    assert.equal(sha256OfFloats(banks.matrix), golden.melBanksSha256);
  });

  const haveMvn = fs.existsSync(AM_MVN_PATH);
  for (const c of GOLDEN_CASES) {
    const entry = golden.cases.find((e) => e.name === c.name);
    const skip =
      c.clip !== undefined && !fs.existsSync(c.clip)
        ? `shared clip ${c.clip} is missing`
        : !haveMvn
          ? `${AM_MVN_PATH} is missing`
          : false;
    it(`${c.name}: fbank, LFR and CMVN are bit-identical`, { skip }, () => {
      assert.ok(entry, `no golden entry for ${c.name}; rerun golden/captureSherpaGolden.ts`);
      const samples = c.samples();
      assert.equal(
        sha256OfFloats(samples),
        entry.samplesSha256,
        'the input itself changed; recapture the golden values',
      );

      const fbank = computeFbank({ samples });
      assert.equal(fbank.frames, entry.fbankFrames);
      assert.deepEqual(Array.from(fbank.data.subarray(0, 8)), entry.fbankHead);
      assert.equal(sha256OfFloats(fbank.data), entry.fbankSha256, 'fbank differs from sherpa-onnx');

      const lfr = applyLowFrameRate({ input: fbank });
      assert.equal(lfr.frames, entry.lfrFrames);
      assert.equal(sha256OfFloats(lfr.data), entry.lfrSha256, 'LFR differs from sherpa-onnx');

      applyCmvn({ features: lfr, cmvn: parseAmMvn({ text: fs.readFileSync(AM_MVN_PATH, 'utf8') }) });
      assert.deepEqual(Array.from(lfr.data.subarray(0, 8)), entry.cmvnHead);
      assert.equal(sha256OfFloats(lfr.data), entry.cmvnSha256, 'CMVN output differs from sherpa-onnx');
    });
  }
});
