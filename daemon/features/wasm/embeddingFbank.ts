// AssemblyScript (compiled to dist/embeddingFbank.wasm by esbuild.mjs; not part of the TypeScript
// program): kaldi fbank frames for the speaker-embedding front end, four frames at a time, one in
// each lane of a 128-bit SIMD vector. With every value a vector of four frames, the textbook scalar
// algorithms vectorise without shuffles: framing (scale, remove DC, pre-emphasis, povey/hamming
// window), a 256-point complex FFT of the 512 real samples (even/odd packed, radix 2), the split to
// 257 bins, the power spectrum, the mel filters and a Cephes-style logf.
//
// Why: the fbank is over half of diarization's CPU time (each sample is framed in up to ten
// overlapping windows) and the JS paths spent 6-13 us a frame (this one: ~1.1 us); see
// simdFbank.ts for the measured figures. Values are float32 like kaldi-native-fbank's (the order
// of operations differs, so they are not bit for bit; the error is measured in the unit test).
//
// Memory: the caller (simdFbank.ts) owns the layout above __heap_base and passes every pointer.
// Tables, all prepared by the caller, f32 values splatted to four lanes (16 bytes each):
//   win[L], twiddles (re, im) per radix-2 stage, split twiddles (re, im) for k = 0..256,
//   bit reversal of 0..255 as byte offsets (i32), mel rows (first bin, count as i32 pairs) and
//   weights splatted, back to back.

const M: i32 = 256; // complex FFT size (512 real samples)
const BINS: i32 = 257;
const V: i32 = 16; // bytes in a v128

/** Where the caller may lay out its buffers. */
export function heapBase(): usize {
  return __heap_base;
}

// Cephes logf constants.
const SQRTHF: f32 = 0.707106781186547524;

function logf4(x: v128): v128 {
  // x = m * 2^e with m in [0.5, 1)
  const bits = x;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  // m < sqrt(1/2): e -= 1, m = 2m - 1; else m = m - 1
  const small = f32x4.lt(m, f32x4.splat(SQRTHF));
  e = i32x4.add(e, small); // true lanes are -1
  const one = f32x4.splat(1.0);
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), one);
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.151461031e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.167699874e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(-2.1219444e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(fe, f32x4.splat(0.693359375)));
}

/** Sample j of four frames (the lanes' samples at p0..p3 + o), one in each lane. */
function gather(p0: usize, p1: usize, p2: usize, p3: usize, o: usize): v128 {
  let v = v128.load32_lane(p0 + o, f32x4.splat(0), 0);
  v = v128.load32_lane(p1 + o, v, 1);
  v = v128.load32_lane(p2 + o, v, 2);
  return v128.load32_lane(p3 + o, v, 3);
}

/**
 * `frames` frames of the `numSamples` samples at `samples`: frame t starts at firstStart + t * shift,
 * samples outside [0, numSamples) reflected as Kaldi does (snip_edges false). Writes numBins
 * log-mel values per frame to out + t * numBins * 4.
 */
export function compute(
  samples: usize,
  numSamples: i32,
  firstStart: i32,
  shift: i32,
  frames: i32,
  out: usize,
  L: i32,
  scale: f32,
  preemph: f32,
  removeDc: bool,
  numBins: i32,
  tables: usize,
  scratch: usize,
): void {
  const win = tables;
  const twiddles = win + <usize>(L * V);
  const split = twiddles + <usize>(2 * (M - 1) * V);
  const bitrev = split + <usize>(2 * BINS * V);
  const melRows = bitrev + <usize>(M * 4);
  const melWeights = melRows + <usize>(numBins * 8);
  // scratch: four reflected frames (L f32 each, 16-aligned), re[M], im[M], power[BINS]
  const reflected = scratch;
  const lanesBytes = <usize>(((L * 4 + 15) >> 4) << 4);
  const re = reflected + 4 * lanesBytes;
  const im = re + <usize>(M * V);
  const power = im + <usize>(M * V);

  for (let t0 = 0; t0 < frames; t0 += 4) {
    const count = frames - t0 < 4 ? frames - t0 : 4;
    // Each lane's samples: in place when the frame lies inside the wave, else reflected into scratch.
    let p0: usize = 0,
      p1: usize = 0,
      p2: usize = 0,
      p3: usize = 0;
    for (let k = 0; k < 4; k++) {
      const t = t0 + (k < count ? k : count - 1);
      const start = firstStart + t * shift;
      let p: usize;
      if (start >= 0 && start + L <= numSamples) {
        p = samples + <usize>(start << 2);
      } else {
        p = reflected + <usize>k * lanesBytes;
        for (let j = 0; j < L; j++) {
          let i = start + j;
          while (i < 0 || i >= numSamples) i = i < 0 ? -i - 1 : 2 * numSamples - 1 - i;
          store<f32>(p + <usize>(j << 2), load<f32>(samples + <usize>(i << 2)));
        }
      }
      if (k == 0) p0 = p;
      else if (k == 1) p1 = p;
      else if (k == 2) p2 = p;
      else p3 = p;
    }

    // DC: each lane's mean of its L samples (scaled).
    const zero = f32x4.splat(0);
    let mean = zero;
    if (removeDc) {
      let acc = zero;
      for (let j = 0; j < L; j++) {
        const v = gather(p0, p1, p2, p3, <usize>(j << 2));
        acc = f32x4.add(acc, v);
      }
      mean = f32x4.mul(acc, f32x4.splat(scale / <f32>L));
    }

    // Scale, remove DC, pre-emphasis, window; sample 2n goes to re[bitrev n], 2n + 1 to im[bitrev n].
    const sc = f32x4.splat(scale);
    const c = f32x4.splat(preemph);
    let prev = zero;
    for (let j = 0; j < 2 * M; j++) {
      let w = zero;
      if (j < L) {
        const v = gather(p0, p1, p2, p3, <usize>(j << 2));
        const cur = f32x4.sub(f32x4.mul(v, sc), mean);
        const before = j == 0 ? cur : prev;
        w = f32x4.mul(f32x4.sub(cur, f32x4.mul(c, before)), load<v128>(win + <usize>(j * V)));
        prev = cur;
      }
      const slot = <usize>load<i32>(bitrev + <usize>((j >> 1) << 2));
      store<v128>((j & 1) == 0 ? re + slot : im + slot, w);
    }

    // Radix-2 decimation in time, in place.
    let tw = twiddles;
    for (let half = 1; half < M; half <<= 1) {
      const step = half << 1;
      for (let k = 0; k < half; k++) {
        const wr = load<v128>(tw + <usize>(k * 2 * V));
        const wi = load<v128>(tw + <usize>(k * 2 * V + V));
        for (let a = k; a < M; a += step) {
          const ao = <usize>(a * V);
          const bo = <usize>((a + half) * V);
          const br = load<v128>(re + bo);
          const bi = load<v128>(im + bo);
          const xr = f32x4.sub(f32x4.mul(br, wr), f32x4.mul(bi, wi));
          const xi = f32x4.add(f32x4.mul(br, wi), f32x4.mul(bi, wr));
          const ar = load<v128>(re + ao);
          const ai = load<v128>(im + ao);
          store<v128>(re + ao, f32x4.add(ar, xr));
          store<v128>(im + ao, f32x4.add(ai, xi));
          store<v128>(re + bo, f32x4.sub(ar, xr));
          store<v128>(im + bo, f32x4.sub(ai, xi));
        }
      }
      tw += <usize>(half * 2 * V);
    }

    // Split: X[k] = (U[k] + conj U[M-k]) / 2 + W^k (U[k] - conj U[M-k]) / 2i, power |X[k]|^2.
    const halfV = f32x4.splat(0.5);
    for (let k = 0; k <= M; k++) {
      const a = k == M ? 0 : k;
      const b = k == 0 ? 0 : M - k;
      const ur = load<v128>(re + <usize>(a * V));
      const ui = load<v128>(im + <usize>(a * V));
      const vr = load<v128>(re + <usize>(b * V));
      const vi = load<v128>(im + <usize>(b * V));
      // even part E = (U + conj V) / 2, odd part O = (U - conj V) / 2i
      const er = f32x4.mul(f32x4.add(ur, vr), halfV);
      const ei = f32x4.mul(f32x4.sub(ui, vi), halfV);
      const or = f32x4.mul(f32x4.add(ui, vi), halfV);
      const oi = f32x4.mul(f32x4.sub(vr, ur), halfV);
      const cre = load<v128>(split + <usize>(k * 2 * V));
      const ci = load<v128>(split + <usize>(k * 2 * V + V));
      const xr = f32x4.add(er, f32x4.sub(f32x4.mul(or, cre), f32x4.mul(oi, ci)));
      const xi = f32x4.add(ei, f32x4.add(f32x4.mul(or, ci), f32x4.mul(oi, cre)));
      store<v128>(power + <usize>(k * V), f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi)));
    }

    // Mel filters, log (floored at FLT_EPSILON), lanes out to their frames.
    const eps = f32x4.splat(1.1920928955078125e-7);
    let wp = melWeights;
    for (let b = 0; b < numBins; b++) {
      const first = load<i32>(melRows + <usize>(b * 8));
      const n = load<i32>(melRows + <usize>(b * 8 + 4));
      let ea = f32x4.splat(0);
      let eb = f32x4.splat(0);
      let pp = power + <usize>(first * V);
      let i = 0;
      for (; i + 1 < n; i += 2) {
        ea = f32x4.add(ea, f32x4.mul(load<v128>(wp), load<v128>(pp)));
        eb = f32x4.add(eb, f32x4.mul(load<v128>(wp + V), load<v128>(pp + V)));
        wp += 2 * V;
        pp += 2 * V;
      }
      if (i < n) {
        ea = f32x4.add(ea, f32x4.mul(load<v128>(wp), load<v128>(pp)));
        wp += V;
      }
      const l = logf4(f32x4.max(f32x4.add(ea, eb), eps));
      const o = out + <usize>((t0 * numBins + b) << 2);
      const stride = <usize>(numBins << 2);
      store<f32>(o, f32x4.extract_lane(l, 0));
      if (count > 1) store<f32>(o + stride, f32x4.extract_lane(l, 1));
      if (count > 2) store<f32>(o + 2 * stride, f32x4.extract_lane(l, 2));
      if (count > 3) store<f32>(o + 3 * stride, f32x4.extract_lane(l, 3));
    }
  }
}
