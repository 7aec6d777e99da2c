import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { applyCmvn, parseAmMvn } from '../../../../daemon/features/cmvn';
import { AM_MVN_PATH } from './helpers';

const f = Math.fround;

function amMvn({ shift, scale }: { shift: number[]; scale: number[] }): string {
  return [
    '<Nnet> ',
    `<Splice> ${shift.length} ${shift.length}`,
    '[ 0 ]',
    `<AddShift> ${shift.length} ${shift.length} `,
    `<LearnRateCoef> 0 [ ${shift.join(' ')} ]`,
    `<Rescale> ${scale.length} ${scale.length}`,
    `<LearnRateCoef> 0 [ ${scale.join(' ')} ]`,
    '</Nnet> ',
    '',
  ].join('\n');
}

describe('applyCmvn', () => {
  it('computes (x + neg_mean) * inv_stddev per dimension, in place, rounding the sum first', () => {
    const features = { frames: 2, dim: 3, data: new Float32Array([1, 2, 3, 10, 20, 30]) };
    const cmvn = { negMean: new Float32Array([-1, -2, -4]), invStddev: new Float32Array([2, 0.5, 0.1]) };
    const out = applyCmvn({ features, cmvn });
    assert.equal(out, features);
    assert.deepEqual(Array.from(features.data), [0, 0, f(-1 * f(0.1)), 18, 9, f(26 * f(0.1))]);
  });

  it('rejects vectors of the wrong size', () => {
    const features = { frames: 1, dim: 3, data: new Float32Array(3) };
    assert.throws(
      () => applyCmvn({ features, cmvn: { negMean: new Float32Array(2), invStddev: new Float32Array(3) } }),
      /dim 3/,
    );
  });
});

describe('parseAmMvn', () => {
  it(
    "reads FunASR's am.mvn: 560 shifts and 560 scales, first and last as in the file",
    { skip: fs.existsSync(AM_MVN_PATH) ? false : `${AM_MVN_PATH} is missing` },
    () => {
      const { negMean, invStddev } = parseAmMvn({ text: fs.readFileSync(AM_MVN_PATH, 'utf8') });
      assert.equal(negMean.length, 560);
      assert.equal(invStddev.length, 560);
      assert.equal(negMean[0], f(-8.311879));
      assert.equal(negMean[79], f(-11.71208));
      assert.equal(negMean[80], f(-8.311879)); // the 80 means repeat for each of the 7 stacked frames
      assert.equal(negMean[559], f(-11.71208));
      assert.equal(invStddev[0], f(0.155775));
      assert.equal(invStddev[559], f(0.1509654));
    },
  );

  it('parses a well-formed small file', () => {
    const cmvn = parseAmMvn({ text: amMvn({ shift: [-1.5, 2e-3, 3], scale: [0.5, 1, 2] }), expectedDim: 3 });
    assert.deepEqual(Array.from(cmvn.negMean), [-1.5, f(2e-3), 3]);
    assert.deepEqual(Array.from(cmvn.invStddev), [0.5, 1, 2]);
  });

  it('fails clearly on malformed files', () => {
    const good = amMvn({ shift: [1, 2, 3], scale: [4, 5, 6] });
    const cases: [string, string, RegExp][] = [
      ['no AddShift', good.replace('<AddShift>', '<Shift>'), /no <AddShift> section/],
      ['no Rescale', good.replace('<Rescale>', '<Scale>'), /no <Rescale> section/],
      ['wrong length', amMvn({ shift: [1, 2], scale: [4, 5, 6] }), /<AddShift> has 2 values, expected 3/],
      ['not a number', good.replace('[ 4 5 6 ]', '[ 4 five 6 ]'), /<Rescale> value 1 is not a number: "five"/],
      ['unterminated vector', good.slice(0, good.lastIndexOf(']')), /no \[ \.\.\. \] vector/],
      [
        'missing LearnRateCoef row',
        good.replace('<LearnRateCoef> 0 [ 1 2 3 ]', ''),
        /<AddShift> has no <LearnRateCoef>/,
      ],
      ['empty', '', /no <AddShift> section/],
      ['binary garbage', '\u0000\u0001<AddShift>\u0002', /AddShift/],
    ];
    for (const [what, text, message] of cases) {
      assert.throws(
        () => parseAmMvn({ text, expectedDim: 3 }),
        (e: unknown) => e instanceof Error && message.test(e.message),
        what,
      );
    }
    assert.throws(() => parseAmMvn({ text: good }), /expected 560/);
  });
});
