// The fbank features of one (window, local speaker) pair: its pieces' samples put back to back
// (ends clamped to the file) and kaldi fbank as sherpa-onnx's embedding extractor computes it (80
// bins, povey window, no snip_edges, dither 0, 20 Hz to Nyquist - 400 Hz, samples scaled by 32768
// unless normalize_samples), into buffers reused from one pair to the next. This is most of the
// diarization's CPU time (~60% on the benchmark's 10-minute input, each sample framed in up to ten
// overlapping windows, as sherpa-onnx does), so the fbank runs in a WebAssembly SIMD kernel, four
// frames at once (simdFbank.ts: ~1.1 us a frame against the float32-exact path's ~8 and the earlier
// double-precision JS path's 5.7-6.1; float32 in another order, values up to ~5e-4 off, turns
// identical in the parity test). Tried and dropped: keeping frames by their absolute position to
// reuse them in later windows (bit-exact only for frames wholly inside one piece): the pieces' frame
// grids rarely line up, 1.7% of frames were reused and the bookkeeping cost more; and snapping every
// piece to one frame grid over the file, each frame computed once (~6x fewer frames): a label
// flipped in the parity test (bench/diarization.ts's header).
import { createFbankComputer, type FbankComputer } from '../features/fbank';
import type { FeatureMatrix } from '../features/featureMatrix';
import type { EmbeddingMeta } from './diarizationModels';

const MEL_BINS = 80;

/** Samples of the file from `base` on: sample i of the file is data[i - base]. */
export interface SampleView {
  base: number;
  data: Float32Array;
}

export class EmbeddingFeatures {
  private readonly fbank: FbankComputer;
  private samples = new Float32Array(160_000);
  private out: FeatureMatrix = { frames: 0, dim: MEL_BINS, data: new Float32Array(1001 * MEL_BINS) };

  constructor(meta: EmbeddingMeta) {
    this.fbank = createFbankComputer({
      sampleRate: meta.sampleRate,
      frameLength: 400,
      frameShift: 160,
      fftSize: 512,
      numMelBins: MEL_BINS,
      lowFreq: 20,
      highFreq: -400,
      preemphCoeff: 0.97,
      removeDcOffset: true,
      sampleScale: meta.normalizeSamples ? 1 : 32768,
      windowType: 'povey',
      snipEdges: false,
      // Not bit for bit sherpa-onnx's features (values up to ~5e-4 off), ~7x faster: see the header.
      precision: 'simd',
    });
  }

  /**
   * Features of the pieces [start, end) (absolute samples, ends clamped to `limit`, the file's
   * length where known) back to back. The matrix is reused by the next call.
   */
  compute(view: SampleView, pieces: readonly (readonly [number, number])[], limit: number): FeatureMatrix {
    let total = 0;
    for (const [a, b] of pieces) total += Math.max(0, Math.min(b, limit) - a);
    if (this.samples.length < total) this.samples = new Float32Array(total);
    let at = 0;
    for (const [a, b] of pieces) {
      const end = Math.min(b, limit);
      if (end <= a) continue;
      this.samples.set(view.data.subarray(a - view.base, end - view.base), at);
      at += end - a;
    }
    const samples = this.samples.subarray(0, total);
    const frames = this.fbank.numFrames({ numSamples: total });
    if (this.out.data.length < frames * MEL_BINS)
      this.out = { frames, dim: MEL_BINS, data: new Float32Array(frames * MEL_BINS) };
    return this.fbank.compute({ samples, out: this.out });
  }
}
