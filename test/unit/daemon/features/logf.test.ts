import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { glibcLogf } from '../../../../daemon/features/logf';

// (x, glibc 2.36 logf(x)) pairs where glibc is not the correctly rounded log; from a C program
// calling logf at run time (gcc -O0 -fno-builtin, so the compiler could not fold them).
const GLIBC_NOT_CORRECTLY_ROUNDED: [number, number][] = [
  [0.5185851454734802, -0.6566510796546936],
  [0.23727640509605408, -1.4385294914245605],
  [0.982582688331604, -0.017570778727531433],
  [1.0130016803741455, 0.01291788462549448],
  [0.9488125443458557, -0.05254402756690979],
  [1.015550136566162, 0.015430472791194916],
  [1.023996353149414, 0.023712966591119766],
  [1.0088084936141968, 0.008769925683736801],
  [1.034980297088623, 0.03438238799571991],
  [0.981830358505249, -0.018336737528443336],
  [0.9783052802085876, -0.021933509036898613],
  [0.9834251403808594, -0.016713760793209076],
];

describe('glibcLogf', () => {
  it('reproduces glibc where it is not the correctly rounded log', () => {
    for (const [x, y] of GLIBC_NOT_CORRECTLY_ROUNDED) {
      assert.notEqual(Math.fround(Math.log(x)), y, `${x} is a case where rounding matters`);
      assert.equal(glibcLogf(x), y, `logf(${x})`);
    }
  });

  it("gives glibc's values at the mel-scale points that decide the filterbank", () => {
    const f = Math.fround;
    // 1 + 20/700 (the 20 Hz edge) and 1 + 375/700 (FFT bin 12): glibc is one ulp below the correctly rounded log.
    assert.equal(glibcLogf(f(1 + f(20 / 700))), f(0.0281709321));
    assert.equal(glibcLogf(f(1 + f(375 / 700))), f(0.428995579));
    assert.equal(f(Math.log(f(1 + f(375 / 700)))), f(0.428995609));
  });

  it('handles the floor and the special inputs', () => {
    assert.equal(glibcLogf(1), 0);
    assert.equal(glibcLogf(2 ** -23), Math.fround(-15.9423847));
    assert.equal(glibcLogf(0), -Infinity);
    assert.equal(glibcLogf(Infinity), Infinity);
    assert.ok(Number.isNaN(glibcLogf(-1)));
    assert.ok(Number.isNaN(glibcLogf(NaN)));
  });

  it('stays within one float32 ulp of the true log over a sweep', () => {
    for (let x = 1e-6; x < 1e9; x *= 1.37) {
      const xf = Math.fround(x);
      const got = glibcLogf(xf);
      const exact = Math.log(xf);
      assert.ok(Math.abs(got - exact) <= Math.abs(exact) * 2 ** -23 + 1e-45, `logf(${xf}) = ${got}, log = ${exact}`);
    }
  });
});
