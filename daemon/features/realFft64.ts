// The power spectrum of a real frame through a double-precision FFT, for the front end that need not
// match sherpa-onnx bit for bit: the speaker-embedding fbank of diarization (fbankFloat64.ts). The
// float32-exact KISS FFT (kissRealFft.ts) rounds every product and sum to float32 with Math.fround,
// ~60 roundings per butterfly; here nothing is rounded until the log-mel value is stored.
//
// Same algorithm as kiss_fftr (n/2-point complex mixed-radix transform, radix 4 then 2, then the
// split into the real transform's bins), with two shortcuts the float32 copy cannot take: the
// twiddle-free butterflies of the first stage skip their products, and the split squares its bins
// straight into the power spectrum. In a per-step ablation of the whole frame (2 loaded cores, CPU
// time) this transform and split took ~2 us of fbankFloat64's 4.5-6.4 us; the float32-exact frame
// (kissRealFft + the rest) took 11-12 us under the same load.

export interface RealPowerSpectrum64 {
  size: number;
  /**
   * |X[k]|^2 for k = 0..size/2 of the real transform of `input` (size values; only the first
   * `length` are read, the rest count as zeros).
   */
  power(input: Float64Array, length: number, out: Float64Array): void;
  /**
   * The same without the copy in: the caller has put input sample j at packed[slot[j]] for every
   * j < size (zeros included). The transform then overwrites `packed`.
   */
  powerOfPacked(out: Float64Array): void;
  readonly packed: Float64Array;
  readonly slot: Int32Array;
}

const cache = new Map<number, RealPowerSpectrum64>();

/** Builds (once per size, then cached) a double-precision real power spectrum of a power-of-two size. */
export function realPowerSpectrum64(size: number): RealPowerSpectrum64 {
  let p = cache.get(size);
  if (p === undefined) {
    p = build(size);
    cache.set(size, p);
  }
  return p;
}

interface Stage {
  radix: number;
  m: number;
  offsets: Int32Array;
  /** Per butterfly k: the twiddles of its legs 1..radix-1 as re, im pairs. */
  twiddles: Float64Array;
}

function build(size: number): RealPowerSpectrum64 {
  if (!Number.isInteger(size) || size < 8 || (size & (size - 1)) !== 0) {
    throw new RangeError(`realPowerSpectrum64: size must be a power of two >= 8, got ${size}`);
  }
  const n = size / 2;
  const factors: number[] = [];
  for (let r = n; r > 1;) {
    const radix = r % 4 === 0 ? 4 : 2;
    r /= radix;
    factors.push(radix, r);
  }
  // The recursion of kf_work, walked once: where each packed input lands, which blocks each stage combines.
  const perm = new Int32Array(n);
  const levels: { radix: number; m: number; fstride: number; offsets: number[] }[] = [];
  for (let i = 0, fstride = 1; i < factors.length; i += 2) {
    levels.push({ radix: factors[i], m: factors[i + 1], fstride, offsets: [] });
    fstride *= factors[i];
  }
  const walk = (out: number, from: number, level: number): void => {
    const s = levels[level];
    if (s.m === 1) for (let q = 0; q < s.radix; q++) perm[out + q] = from + q * s.fstride;
    else for (let q = 0; q < s.radix; q++) walk(out + q * s.m, from + q * s.fstride, level + 1);
    s.offsets.push(out);
  };
  walk(0, 0, 0);
  const stages: Stage[] = levels
    .map(({ radix, m, fstride, offsets }) => {
      const twiddles = new Float64Array(2 * (radix - 1) * m);
      for (let k = 0, at = 0; k < m; k++) {
        for (let q = 1; q < radix; q++, at += 2) {
          const phase = (-2 * Math.PI * q * k * fstride) / n;
          twiddles[at] = Math.cos(phase);
          twiddles[at + 1] = Math.sin(phase);
        }
      }
      return { radix, m, offsets: Int32Array.from(offsets), twiddles };
    })
    .reverse();
  // The innermost stage combines single points: every twiddle is 1. For radix 4 it gets its own loop.
  const first = stages[0].m === 1 && stages[0].radix === 4 ? stages.shift()! : null;

  // Input sample j goes to re[slot[j]] (even j) or im[slot[j] - n] (odd j): packed and permuted at once.
  const slot = new Int32Array(size);
  for (let j = 0; j < n; j++) {
    slot[2 * perm[j]] = j;
    slot[2 * perm[j] + 1] = n + j;
  }
  const half = n >> 1;
  const superRe = new Float64Array(half);
  const superIm = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    const phase = -Math.PI * ((i + 1) / n + 0.5);
    superRe[i] = Math.cos(phase);
    superIm[i] = Math.sin(phase);
  }
  const buf = new Float64Array(size); // re in [0, n), im in [n, 2n)

  function power(input: Float64Array, length: number, out: Float64Array): void {
    for (let j = 0; j < length; j++) buf[slot[j]] = input[j];
    for (let j = length; j < size; j++) buf[slot[j]] = 0;
    powerOfPacked(out);
  }

  function powerOfPacked(out: Float64Array): void {
    if (first !== null) firstRadix4(buf, n);
    for (let s = 0; s < stages.length; s++) {
      const { radix, m, offsets, twiddles } = stages[s];
      if (radix === 4) radix4(buf, n, offsets, twiddles, m);
      else radix2(buf, n, offsets, twiddles, m);
    }
    const dcR = buf[0];
    const dcI = buf[n];
    out[0] = (dcR + dcI) * (dcR + dcI);
    out[n] = (dcR - dcI) * (dcR - dcI);
    for (let k = 1; k <= half; k++) {
      const nk = n - k;
      const f1r = buf[k] + buf[nk];
      const f1i = buf[n + k] - buf[n + nk];
      const f2r = buf[k] - buf[nk];
      const f2i = buf[n + k] + buf[n + nk];
      const wr = superRe[k - 1];
      const wi = superIm[k - 1];
      const twR = f2r * wr - f2i * wi;
      const twI = f2r * wi + f2i * wr;
      const xr = f1r + twR;
      const xi = f1i + twI;
      const yr = f1r - twR;
      const yi = twI - f1i;
      out[k] = 0.25 * (xr * xr + xi * xi);
      out[nk] = 0.25 * (yr * yr + yi * yi);
    }
  }
  return { size, power, powerOfPacked, packed: buf, slot };
}

/** Radix-4 butterflies of single points (twiddles all 1): blocks of 4 consecutive values. */
function firstRadix4(b: Float64Array, n: number): void {
  for (let i0 = 0; i0 < n; i0 += 4) {
    const r0 = b[i0];
    const r1 = b[i0 + 1];
    const r2 = b[i0 + 2];
    const r3 = b[i0 + 3];
    const m0 = b[n + i0];
    const m1 = b[n + i0 + 1];
    const m2 = b[n + i0 + 2];
    const m3 = b[n + i0 + 3];
    const s5r = r0 - r2;
    const s5i = m0 - m2;
    const f0r = r0 + r2;
    const f0i = m0 + m2;
    const s3r = r1 + r3;
    const s3i = m1 + m3;
    const s4r = r1 - r3;
    const s4i = m1 - m3;
    b[i0 + 2] = f0r - s3r;
    b[n + i0 + 2] = f0i - s3i;
    b[i0] = f0r + s3r;
    b[n + i0] = f0i + s3i;
    b[i0 + 1] = s5r + s4i;
    b[n + i0 + 1] = s5i - s4r;
    b[i0 + 3] = s5r - s4i;
    b[n + i0 + 3] = s5i + s4r;
  }
}

/** kf_bfly4 (forward) over the blocks at `offsets`, each of 4 legs of m points. */
function radix4(b: Float64Array, n: number, offsets: Int32Array, tw: Float64Array, m: number): void {
  for (let o = 0; o < offsets.length; o++) {
    const base = offsets[o];
    for (let k = 0; k < m; k++) {
      const i0 = base + k;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const i3 = i2 + m;
      const w = 6 * k;
      const r1 = b[i1];
      const m1 = b[n + i1];
      const r2 = b[i2];
      const m2 = b[n + i2];
      const r3 = b[i3];
      const m3 = b[n + i3];
      const s0r = r1 * tw[w] - m1 * tw[w + 1];
      const s0i = m1 * tw[w] + r1 * tw[w + 1];
      const s1r = r2 * tw[w + 2] - m2 * tw[w + 3];
      const s1i = m2 * tw[w + 2] + r2 * tw[w + 3];
      const s2r = r3 * tw[w + 4] - m3 * tw[w + 5];
      const s2i = m3 * tw[w + 4] + r3 * tw[w + 5];
      const r0 = b[i0];
      const m0 = b[n + i0];
      const s5r = r0 - s1r;
      const s5i = m0 - s1i;
      const f0r = r0 + s1r;
      const f0i = m0 + s1i;
      const s3r = s0r + s2r;
      const s3i = s0i + s2i;
      const s4r = s0r - s2r;
      const s4i = s0i - s2i;
      b[i2] = f0r - s3r;
      b[n + i2] = f0i - s3i;
      b[i0] = f0r + s3r;
      b[n + i0] = f0i + s3i;
      b[i1] = s5r + s4i;
      b[n + i1] = s5i - s4r;
      b[i3] = s5r - s4i;
      b[n + i3] = s5i + s4r;
    }
  }
}

/** kf_bfly2 over the blocks at `offsets`. */
function radix2(b: Float64Array, n: number, offsets: Int32Array, tw: Float64Array, m: number): void {
  for (let o = 0; o < offsets.length; o++) {
    const base = offsets[o];
    for (let k = 0; k < m; k++) {
      const a = base + k;
      const c = a + m;
      const tr = b[c] * tw[2 * k] - b[n + c] * tw[2 * k + 1];
      const ti = b[c] * tw[2 * k + 1] + b[n + c] * tw[2 * k];
      b[c] = b[a] - tr;
      b[n + c] = b[n + a] - ti;
      b[a] += tr;
      b[n + a] += ti;
    }
  }
}
