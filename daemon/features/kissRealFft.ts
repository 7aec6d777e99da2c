// A forward real FFT that reproduces, rounding for rounding, the float32 KISS FFT that
// kaldi-native-fbank (and so sherpa-onnx) uses: knf::Rfft calls kiss_fftr, which packs the n real
// samples into n/2 complex ones, runs the mixed-radix kiss_fft on them, then splits the result.
//
// Why not fft.js (double precision, about twice as fast on this transform): its spectrum, rounded
// once at the end, differs from KISS FFT's float32 butterflies in the last bits, and those
// differences reach the features: with fft.js, 28% of the log-mel values of en.wav differ from
// sherpa-onnx's, by up to 4e-4. Bit parity is worth more than the ~15 ms per minute of audio saved.
//
// Verified bit for bit against sherpa-onnx 1.13.8 (linux-x64) for size 512, the only size the
// SenseVoice front end uses. Other sizes follow the same source; the radix-2 butterfly (sizes whose
// half is not a power of 4) has not been compared with a compiled binary.

const f32 = Math.fround;

export interface KissRealFftOptions {
  /** Transform length: an even number whose half factors into 4s and 2s (a power of two >= 2). */
  size: number;
}

/** A reusable forward transform; `forward` writes bins 0..size/2 of the spectrum. */
export interface KissRealFft {
  size: number;
  forward(args: { input: Float32Array; re: Float32Array; im: Float32Array }): void;
}

interface Stage {
  radix: number;
  /** Length of each sub-transform this stage combines. */
  m: number;
  /** Start of every block (radix * m outputs) this stage combines. */
  offsets: Int32Array;
  /**
   * The twiddles butterfly k uses, gathered once: (tw[k*fstride], tw[2k*fstride], tw[3k*fstride])
   * as re, im pairs for radix 4; (tw[k*fstride]) for radix 2.
   */
  twiddles: Float32Array;
}

const cache = new Map<number, KissRealFft>();

/** Builds (once per size, then cached) a KISS-FFT-exact forward real FFT. */
export function kissRealFft({ size }: KissRealFftOptions): KissRealFft {
  let fft = cache.get(size);
  if (fft === undefined) {
    fft = build(size);
    cache.set(size, fft);
  }
  return fft;
}

/** kf_factor: powers of 4 first, then 2 (only power-of-two sizes are supported here). */
function factor(n: number): number[] {
  const out: number[] = [];
  while (n > 1) {
    const p = n % 4 === 0 ? 4 : n % 2 === 0 ? 2 : 0;
    if (p === 0) throw new RangeError('kissRealFft: size / 2 must be a power of two');
    n /= p;
    out.push(p, n);
  }
  return out;
}

function build(size: number): KissRealFft {
  if (!Number.isInteger(size) || size < 4 || size % 2 !== 0) {
    throw new RangeError(`kissRealFft: size must be an even integer >= 4, got ${size}`);
  }
  const ncfft = size / 2;
  const factors = factor(ncfft);

  // kiss_fft_alloc: phase = -2*pi*i / nfft in double, cos/sin in double, stored as float.
  const twRe = new Float32Array(ncfft);
  const twIm = new Float32Array(ncfft);
  for (let i = 0; i < ncfft; i++) {
    const phase = (-2 * Math.PI * i) / ncfft;
    twRe[i] = Math.cos(phase);
    twIm[i] = Math.sin(phase);
  }
  // kiss_fftr_alloc: phase = -pi * ((double)(i + 1) / ncfft + 0.5).
  const half = ncfft >> 1;
  const superRe = new Float32Array(Math.max(half, 1));
  const superIm = new Float32Array(Math.max(half, 1));
  for (let i = 0; i < half; i++) {
    const phase = -Math.PI * ((i + 1) / ncfft + 0.5);
    superRe[i] = Math.cos(phase);
    superIm[i] = Math.sin(phase);
  }

  // kf_work is recursive; walk the same recursion once to learn where every input lands (the
  // leaves copy f[q * fstride]) and which blocks each stage combines. Running the stages from the
  // innermost out then performs the same butterflies, on the same values, in a different order of
  // independent blocks, so every rounding matches.
  const perm = new Int32Array(ncfft);
  const stages: { radix: number; m: number; fstride: number; offsets: number[] }[] = [];
  for (let level = 0, fstride = 1; level < factors.length; level += 2) {
    stages.push({ radix: factors[level], m: factors[level + 1], fstride, offsets: [] });
    fstride *= factors[level];
  }
  const walk = (out: number, from: number, level: number): void => {
    const stage = stages[level];
    if (stage.m === 1) {
      for (let q = 0; q < stage.radix; q++) perm[out + q] = from + q * stage.fstride;
    } else {
      for (let q = 0; q < stage.radix; q++) walk(out + q * stage.m, from + q * stage.fstride, level + 1);
    }
    stage.offsets.push(out);
  };
  walk(0, 0, 0);
  const plan: Stage[] = stages
    .map(({ radix, m, fstride, offsets }) => {
      const twiddles = new Float32Array(2 * (radix - 1) * m);
      for (let k = 0, at = 0; k < m; k++) {
        for (let q = 1; q < radix; q++, at += 2) {
          twiddles[at] = twRe[q * k * fstride];
          twiddles[at + 1] = twIm[q * k * fstride];
        }
      }
      return { radix, m, offsets: Int32Array.from(offsets), twiddles };
    })
    .reverse();

  const re = new Float32Array(ncfft);
  const im = new Float32Array(ncfft);

  function bfly2(o: number, tw: Float32Array, m: number): void {
    for (let k = 0; k < m; k++) {
      const a = o + k;
      const b = a + m;
      const wr = tw[2 * k];
      const wi = tw[2 * k + 1];
      const tr = f32(f32(re[b] * wr) - f32(im[b] * wi));
      const ti = f32(f32(re[b] * wi) + f32(im[b] * wr));
      re[b] = re[a] - tr;
      im[b] = im[a] - ti;
      re[a] = re[a] + tr;
      im[a] = im[a] + ti;
    }
  }

  // kf_bfly4, forward direction. The source computes s0 = F1*tw1, s1 = F2*tw2, s2 = F3*tw3 (C_MUL:
  // products rounded to float, then summed), s5 = F0 - s1, F0 += s1, s3 = s0 + s2, s4 = s0 - s2,
  // F2 = F0 - s3, F0 += s3, F1 = s5 + (s4.i, -s4.r), F3 = s5 - (s4.i, -s4.r). kissfft is built
  // with -ffast-math, and in sherpa-onnx 1.13.8's binary (kf_work, every stride) GCC never forms
  // s1.r, s2.r or s4.i: it folds their two products into the neighbouring sums. The real parts below
  // follow that disassembly; the imaginary parts are as written in the source.
  function bfly4(o: number, tw: Float32Array, m: number): void {
    for (let k = 0; k < m; k++) {
      const i0 = o + k;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const i3 = i2 + m;
      const w = 6 * k;
      const w1r = tw[w];
      const w1i = tw[w + 1];
      const w2r = tw[w + 2];
      const w2i = tw[w + 3];
      const w3r = tw[w + 4];
      const w3i = tw[w + 5];
      const r1 = re[i1];
      const m1 = im[i1];
      const r2 = re[i2];
      const m2 = im[i2];
      const r3 = re[i3];
      const m3 = im[i3];
      const s0r = f32(f32(r1 * w1r) - f32(m1 * w1i));
      const s0i = f32(f32(m1 * w1r) + f32(r1 * w1i));
      const a = f32(r2 * w2r); // s1.r = a - b, never rounded on its own
      const b = f32(m2 * w2i);
      const s1i = f32(f32(m2 * w2r) + f32(r2 * w2i));
      const c = f32(m3 * w3i); // s2.r = d - c, likewise
      const d = f32(r3 * w3r);
      const s2i = f32(f32(m3 * w3r) + f32(r3 * w3i));
      const f0r = f32(f32(re[i0] + a) - b); // F0.r + s1.r
      const s5r = f32(f32(re[i0] + b) - a); // F0.r - s1.r
      const f0i = f32(im[i0] + s1i);
      const s5i = f32(im[i0] - s1i);
      const s3r = f32(f32(s0r - c) + d); // s0.r + s2.r
      const s3i = f32(s2i + s0i);
      const s4r = f32(f32(s0r - d) + c); // s0.r - s2.r
      re[i2] = f0r - s3r;
      im[i2] = f0i - s3i;
      re[i0] = s3r + f0r;
      im[i0] = s3i + f0i;
      re[i1] = f32(s5r + s0i) - s2i; // s5.r + s4.i with s4.i = s0.i - s2.i
      im[i1] = s5i - s4r;
      re[i3] = f32(s5r + s2i) - s0i; // s5.r - s4.i
      im[i3] = s4r + s5i;
    }
  }

  function forward({ input, re: outRe, im: outIm }: { input: Float32Array; re: Float32Array; im: Float32Array }): void {
    // Pack: complex sample k is (x[2k], x[2k+1]), placed where the recursion's leaves put it.
    for (let j = 0; j < ncfft; j++) {
      const from = perm[j];
      re[j] = input[2 * from];
      im[j] = input[2 * from + 1];
    }
    for (let s = 0; s < plan.length; s++) {
      const { radix, m, offsets, twiddles } = plan[s];
      for (let b = 0; b < offsets.length; b++) {
        if (radix === 4) bfly4(offsets[b], twiddles, m);
        else bfly2(offsets[b], twiddles, m);
      }
    }

    // The split into the real transform's bins (kiss_fftr).
    const dcR = re[0];
    const dcI = im[0];
    outRe[0] = dcR + dcI;
    outIm[0] = 0;
    outRe[ncfft] = dcR - dcI;
    outIm[ncfft] = 0;
    for (let k = 1; k <= half; k++) {
      const nk = ncfft - k;
      const f1r = f32(re[k] + re[nk]);
      const f1i = f32(im[k] - im[nk]);
      const f2r = f32(re[k] - re[nk]);
      const f2i = f32(im[k] + im[nk]);
      const wr = superRe[k - 1];
      const wi = superIm[k - 1];
      const a = f32(f2r * wr);
      const b = f32(f2i * wi);
      const twI = f32(f32(f2r * wi) + f32(f2i * wr));
      // The source reads HALF_OF(f1k.r + tw.r) and HALF_OF(f1k.r - tw.r) with tw.r = a - b, but the
      // shipped binary is built with -ffast-math and re-associates them; this follows the
      // disassembly of sherpa-onnx 1.13.8's kiss_fftr: (f1r + a - b) / 2 and (f1r + b - a) / 2.
      outRe[k] = f32(f32(f32(f1r + a) - b) * 0.5);
      outIm[k] = f32(f32(f1i + twI) * 0.5);
      outRe[nk] = f32(f32(f32(f1r + b) - a) * 0.5);
      outIm[nk] = f32(f32(twI - f1i) * 0.5);
    }
  }

  return { size, forward };
}
