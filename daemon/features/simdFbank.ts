// The 'simd' precision of fbank.ts: kaldi fbank frames computed by a WebAssembly SIMD kernel
// (wasm/embeddingFbank.ts, built to dist/embeddingFbank.wasm by esbuild.mjs), four frames at once.
// This module owns the kernel's memory: the tables (window, FFT and split twiddles, bit reversal,
// mel rows), its scratch, and the samples in and features out of each call.
//
// Why: diarization frames every sample in up to ten overlapping windows (~400,000 frames for the
// benchmark's 10.9 minutes) and the fbank was over half its CPU time. Measured 2026-12-06, quiet
// machine, the embedding options on en.wav (715 frames, CPU time a frame): this kernel 1.07-1.19 us;
// the float32-exact JS path 12.6-13.0 us; the double-precision JS path it replaces (fbankFloat64.ts,
// removed) was 5.7-6.1 us. Diarization of the 10.9-minute benchmark input went from 4.46 s to
// 2.0-2.3 s wall (bench/diarization.ts's header). Values: float32 like kaldi-native-fbank's, in
// another order of operations: within 5e-4 of the exact path (test/unit/daemon/features/
// fbankGolden.test.ts), the parity test's turns unchanged. Node 20 and VS Code's Electron have
// WebAssembly SIMD; the kernel is 2 KB.
import fs from 'node:fs';
import path from 'node:path';
import type { MelBanks } from './melBanks';

const M = 256; // complex FFT points: a 512-point real FFT
const BINS = M + 1;
const V = 16; // bytes in a v128
const PAGE = 65_536;

// (the Node program's lib, ES2022 without DOM, does not declare WebAssembly: what is used of it)
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => WasmModule;
      Instance: new (module: WasmModule, imports: object) => { exports: unknown };
    };
  }
).WebAssembly;

interface Kernel {
  memory: WasmMemory;
  heapBase(): number;
  compute(
    samples: number,
    numSamples: number,
    firstStart: number,
    shift: number,
    frames: number,
    out: number,
    L: number,
    scale: number,
    preemph: number,
    removeDc: number,
    numBins: number,
    tables: number,
    scratch: number,
  ): void;
}

let compiled: WasmModule | undefined;

/** The kernel beside the bundle (dist/), or in dist/ of the checkout when run from source. */
export function simdFbankWasmPath(): string {
  const candidates = [
    path.join(__dirname, 'embeddingFbank.wasm'),
    path.join(__dirname, '../../dist/embeddingFbank.wasm'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `The fbank kernel embeddingFbank.wasm is missing (looked in ${candidates.join(', ')}): run npm run build, or reinstall the extension.`,
    );
  }
  return found;
}

function module(): WasmModule {
  compiled ??= new wasm.Module(fs.readFileSync(simdFbankWasmPath()));
  return compiled;
}

const align = (n: number) => Math.ceil(n / V) * V;

export interface SimdFrameOptions {
  frameLength: number;
  fftSize: number;
  preemphCoeff: number;
  removeDcOffset: boolean;
  sampleScale: number;
}

/** Computes frames: frame t starts at firstStart + t * shift; writes frames * numBins values to out. */
export type SimdFrames = (
  samples: Float32Array,
  firstStart: number,
  shift: number,
  frames: number,
  out: Float32Array,
) => void;

export function createSimdFrames(options: SimdFrameOptions, window: Float32Array, banks: MelBanks): SimdFrames {
  const { frameLength: L, fftSize } = options;
  if (fftSize !== 2 * M) throw new RangeError(`fbank: the simd kernel needs fftSize ${2 * M}, got ${fftSize}`);
  if (L > fftSize) throw new RangeError(`fbank: frameLength ${L} is longer than the FFT`);
  const numBins = banks.numBins;
  const kernel = new wasm.Instance(module(), {}).exports as unknown as Kernel;
  const { memory } = kernel;

  let totalWeights = 0;
  for (const w of banks.weights) totalWeights += w.length;
  const tables = align(kernel.heapBase());
  const tableBytes = L * V + 2 * (M - 1) * V + 2 * BINS * V + M * 4 + numBins * 8 + totalWeights * V;
  const scratch = align(tables + tableBytes);
  const scratchBytes = 4 * align(L * 4) + 2 * M * V + BINS * V;
  const io = align(scratch + scratchBytes);
  grow(io);

  // Tables, in the order the kernel reads them; f32 values splatted to four lanes.
  const f = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  let at = tables / 4;
  const splat = (x: number) => {
    f.fill(x, at, at + 4);
    at += 4;
  };
  for (let j = 0; j < L; j++) splat(window[j]);
  for (let half = 1; half < M; half <<= 1) {
    for (let k = 0; k < half; k++) {
      const a = (-Math.PI * k) / half;
      splat(Math.cos(a));
      splat(Math.sin(a));
    }
  }
  for (let k = 0; k < BINS; k++) {
    const a = (-2 * Math.PI * k) / fftSize;
    splat(Math.cos(a));
    splat(Math.sin(a));
  }
  const bits = Math.log2(M);
  for (let n = 0; n < M; n++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((n >> b) & 1) << (bits - 1 - b);
    i32[at++] = r * V;
  }
  for (let b = 0; b < numBins; b++) {
    i32[at++] = banks.firstIndex[b];
    i32[at++] = banks.weights[b].length;
  }
  for (const w of banks.weights) for (const x of w) splat(x);

  function grow(bytes: number): void {
    const need = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
    if (need > 0) memory.grow(need);
  }

  const preemph = Math.fround(options.preemphCoeff);
  return (samples, firstStart, shift, frames, out) => {
    const outAt = align(io + samples.length * 4);
    grow(outAt + frames * numBins * 4);
    new Float32Array(memory.buffer, io, samples.length).set(samples);
    kernel.compute(
      io,
      samples.length,
      firstStart,
      shift,
      frames,
      outAt,
      L,
      options.sampleScale,
      preemph,
      options.removeDcOffset ? 1 : 0,
      numBins,
      tables,
      scratch,
    );
    out.set(new Float32Array(memory.buffer, outAt, frames * numBins));
  };
}
