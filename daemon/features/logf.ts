// Natural log of a float32, bit for bit as glibc's logf (the Arm optimized-routines algorithm that
// glibc has shipped since 2.28: sysdeps/ieee754/flt-32/e_logf.c and e_logf_data.c).
//
// Why not Math.fround(Math.log(x)): that is the correctly rounded result, and glibc's logf is not
// always correctly rounded (it allows 0.82 ulp). kaldi-native-fbank calls logf for the mel scale
// when it builds the filterbank and for every log-mel value; a last-bit difference in the mel of the
// 20 Hz edge alone moves several filter weights. With this port the features match sherpa-onnx on
// Linux exactly. It was checked against glibc 2.36's logf on every positive normal float32, and the
// same algorithm evaluated with FMA gives identical results on all of them, so CPUs on which glibc
// picks its FMA variant agree too. Other C libraries (macOS, Windows) may differ in the last bit.

/** Exact value of a C99 hex float literal such as "-0x1.57bf7808caadep-2" (JS has no such syntax). */
function hexFloat(s: string): number {
  const m = /^(-?)0x([0-9a-f])\.?([0-9a-f]*)p([+-]\d+)$/i.exec(s);
  if (m === null) throw new Error(`bad hex float ${s}`);
  const digits = m[2] + m[3];
  // At most 14 hex digits of a double's mantissa: an exact integer below 2^53 before scaling.
  const v = parseInt(digits, 16) * 2 ** (Number(m[4]) - 4 * m[3].length);
  return m[1] === '-' ? -v : v;
}

// e_logf_data.c: for 16 subintervals of [OFF, 2 OFF), 1/c and log(c) with c near the centre.
const TABLE = [
  ['0x1.661ec79f8f3bep+0', '-0x1.57bf7808caadep-2'],
  ['0x1.571ed4aaf883dp+0', '-0x1.2bef0a7c06ddbp-2'],
  ['0x1.49539f0f010bp+0', '-0x1.01eae7f513a67p-2'],
  ['0x1.3c995b0b80385p+0', '-0x1.b31d8a68224e9p-3'],
  ['0x1.30d190c8864a5p+0', '-0x1.6574f0ac07758p-3'],
  ['0x1.25e227b0b8eap+0', '-0x1.1aa2bc79c81p-3'],
  ['0x1.1bb4a4a1a343fp+0', '-0x1.a4e76ce8c0e5ep-4'],
  ['0x1.12358f08ae5bap+0', '-0x1.1973c5a611cccp-4'],
  ['0x1.0953f419900a7p+0', '-0x1.252f438e10c1ep-5'],
  ['0x1p+0', '0x0p+0'],
  ['0x1.e608cfd9a47acp-1', '0x1.aa5aa5df25984p-5'],
  ['0x1.ca4b31f026aap-1', '0x1.c5e53aa362eb4p-4'],
  ['0x1.b2036576afce6p-1', '0x1.526e57720db08p-3'],
  ['0x1.9c2d163a1aa2dp-1', '0x1.bc2860d22477p-3'],
  ['0x1.886e6037841edp-1', '0x1.1058bc8a07ee1p-2'],
  ['0x1.767dcf5534862p-1', '0x1.4043057b6ee09p-2'],
];
const INVC = Float64Array.from(TABLE, (row) => hexFloat(row[0]));
const LOGC = Float64Array.from(TABLE, (row) => hexFloat(row[1]));
const LN2 = hexFloat('0x1.62e42fefa39efp-1');
const A0 = hexFloat('-0x1.00ea348b88334p-2');
const A1 = hexFloat('0x1.5575b0be00b6ap-2');
const A2 = hexFloat('-0x1.ffffef20a4123p-2');
const OFF = 0x3f330000;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * glibc's logf(x) for a float32 `x` (a number that is exactly a float32). Positive normal inputs
 * take glibc's path; anything else (0, subnormal, negative, infinite, NaN) falls back to the
 * correctly rounded Math.log, which is what glibc returns for those too except subnormals, which
 * the front end never passes (it floors at 2^-23 first).
 */
export function glibcLogf(x: number): number {
  f32[0] = x;
  const ix = u32[0];
  if (ix === 0x3f800000) return 0;
  if (ix < 0x00800000 || ix >= 0x7f800000) return Math.fround(Math.log(x));
  // x = 2^k z with z in [OFF, 2 OFF) exactly; i picks the subinterval.
  const tmp = (ix - OFF) | 0;
  const i = (tmp >>> 19) & 15;
  const k = tmp >> 23;
  u32[0] = ix - (tmp & 0xff800000);
  const z = f32[0];
  // log(x) = log1p(z / c - 1) + log(c) + k ln2, all in double, with no fused multiply-add (glibc's
  // FMA build gives the same float result on every input, see above).
  const r = z * INVC[i] - 1;
  const y0 = LOGC[i] + k * LN2;
  const r2 = r * r;
  let y = A1 * r + A2;
  y = A0 * r2 + y;
  y = y * r2 + (y0 + r);
  return Math.fround(y);
}
