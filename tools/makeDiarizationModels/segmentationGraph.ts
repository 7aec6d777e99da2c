// A synthetic speaker-segmentation model with the exact contract sherpa-onnx reads for pyannote
// segmentation-3.0 (scripts/pyannote/segmentation/export-onnx.py in k2-fsa/sherpa-onnx): input `x`
// [N,1,T] float samples in [-1, 1] (T = 160000: 10 s at 16 kHz), output `y` [N,589,7] log-softmax over
// the powerset {none, 1, 2, 3, 1+2, 1+3, 2+3}, one frame per 270 samples over 991 (a Conv with that
// kernel and stride gives exactly 589 frames). It is not degenerate: per frame,
//
//   loudness = log(mean x^2)            over the 991-sample receptive field
//   tilt     = log(high-band energy) - log(low-band energy), a speech-weighted mean over 77 frames
//   none     = GAIN * (THRESHOLD - loudness)
//   class c  = GAIN * (loudness - THRESHOLD) - (tilt - centre_c)^2 / WIDTH + prior_c
//
// so silence gives `none`, and speech goes to the local speaker (or pair) whose tilt centre is nearest:
// the spectrum of the voice decides who is active.
import { DataType, GraphBuilder } from '../../common/onnx/graphBuilder';

export const SEGMENTATION_CONTRACT = {
  sampleRate: 16000,
  windowSize: 160000,
  receptiveFieldSize: 991,
  receptiveFieldShift: 270,
  numSpeakers: 3,
  powersetMaxClasses: 2,
  numClasses: 7,
  numFrames: 589,
} as const;

export interface SegmentationShape {
  /** Tilt centres of the 7 classes (none's is unused), in natural-log units. */
  readonly centres: readonly number[];
  /** Added to each class's score: overlap classes are less likely. */
  readonly priors: readonly number[];
  /** log(mean x^2) above which a frame is speech. */
  readonly threshold: number;
  readonly gain: number;
  readonly width: number;
}

/** Calibrated on the clips in test/fixtures/audio (see README.md in this folder). */
export const DEFAULT_SEGMENTATION_SHAPE: SegmentationShape = {
  centres: [0, -6.5, -4.5, -2, -5.5, -4.25, -3.25],
  priors: [0, 0, 0, 0, -1, -1, -1],
  threshold: -9,
  gain: 2,
  width: 1,
};

const FIR_TAPS = 31;

/** Windowed-sinc low-pass FIR taps (Hann window), cutoff as a fraction of the sample rate. */
function lowPass(cutoff: number, taps: number): number[] {
  const m = (taps - 1) / 2;
  const h: number[] = [];
  for (let i = 0; i < taps; i++) {
    const n = i - m;
    const sinc = n === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * n) / (Math.PI * n);
    h.push(sinc * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1))));
  }
  return h;
}

export function buildSegmentationGraph(shape: SegmentationShape = DEFAULT_SEGMENTATION_SHAPE): GraphBuilder {
  const { receptiveFieldSize: K, receptiveFieldShift: S, numClasses: C } = SEGMENTATION_CONTRACT;
  const g = new GraphBuilder('pyannote_segmentation_synthetic');
  const x = g.input('x', DataType.FLOAT, ['N', 1, 'T']);

  // Two bands: below ~1 kHz and above ~3 kHz (all-pass minus a 3 kHz low-pass).
  const low = lowPass(1000 / 16000, FIR_TAPS);
  const low3k = lowPass(3000 / 16000, FIR_TAPS);
  const high = low3k.map((v, i) => (i === (FIR_TAPS - 1) / 2 ? 1 : 0) - v);
  const bands = g.op('Conv', [x, g.floats('band_filters', [2, 1, FIR_TAPS], [...low, ...high])], 'bands', {
    kernel_shape: [FIR_TAPS],
    pads: [(FIR_TAPS - 1) / 2, (FIR_TAPS - 1) / 2],
  });
  const bandPower = g.op('Mul', [bands, bands], 'band_power');
  const power = g.op('Mul', [x, x], 'power');
  const box = (name: string, channels: number) =>
    g.floats(name, [channels, 1, K], new Float32Array(channels * K).fill(1 / K));
  const frameAttrs = (group: number) => ({ kernel_shape: [K], strides: [S], group });
  const eps = g.floats('eps', [], [1e-8]);
  // [N,1,F] and [N,2,F]
  const energy = g.op('Conv', [power, box('box_1', 1)], 'frame_energy', frameAttrs(1));
  const bandEnergy = g.op('Conv', [bandPower, box('box_2', 2)], 'frame_band_energy', frameAttrs(2));
  const loudness = g.op('Log', [g.op('Add', [energy, eps], 'frame_energy_eps')], 'loudness');
  const logBands = g.op('Log', [g.op('Add', [bandEnergy, eps], 'band_energy_eps')], 'log_bands');
  // tilt = high - low: a Conv with weights [-1, +1] over the two channels, then a 15-frame mean.
  const tiltRaw = g.op('Conv', [logBands, g.floats('tilt_weight', [1, 2, 1], [-1, 1])], 'tilt_raw', {
    kernel_shape: [1],
  });
  // The tilt is averaged over ~1.3 s, weighted by how speech-like each frame is, so one voice keeps
  // one local speaker through its pauses and syllables.
  const SMOOTH = 77;
  const speechWeight = g.op(
    'Sigmoid',
    [
      g.op(
        'Mul',
        [
          g.op('Sub', [loudness, g.floats('weight_threshold', [], [shape.threshold])], 'weight_pre'),
          g.floats('weight_gain', [], [shape.gain]),
        ],
        'weight_logit',
      ),
    ],
    'speech_weight',
  );
  const smoothKernel = g.floats('tilt_smooth', [1, 1, SMOOTH], new Array(SMOOTH).fill(1));
  const smoothAttrs = { kernel_shape: [SMOOTH], pads: [(SMOOTH - 1) / 2, (SMOOTH - 1) / 2] };
  const weighted = g.op(
    'Conv',
    [g.op('Mul', [tiltRaw, speechWeight], 'tilt_weighted'), smoothKernel],
    'tilt_sum',
    smoothAttrs,
  );
  const weights = g.op('Conv', [speechWeight, smoothKernel], 'weight_sum', smoothAttrs);
  const tilt = g.op(
    'Div',
    [weighted, g.op('Add', [weights, g.floats('weight_eps', [], [1e-3])], 'weight_sum_eps')],
    'tilt',
  );

  // Scores [N,7,F]: broadcast the [N,1,F] features against per-class [1,7,1] constants.
  const col = (name: string, values: readonly number[]) => g.floats(name, [1, C, 1], values);
  const speechSign = col('speech_sign', [-1, 1, 1, 1, 1, 1, 1]);
  const gate = g.op(
    'Mul',
    [
      g.op('Sub', [loudness, g.floats('threshold', [], [shape.threshold])], 'loud_minus_threshold'),
      g.floats('gain', [], [shape.gain]),
    ],
    'gate',
  );
  const gated = g.op('Mul', [gate, speechSign], 'gated');
  const diff = g.op('Sub', [tilt, col('centres', shape.centres)], 'tilt_diff');
  const inNone = col(
    'speech_mask',
    [0, 1, 1, 1, 1, 1, 1].map((m) => m / shape.width),
  );
  const distance = g.op('Mul', [g.op('Mul', [diff, diff], 'tilt_diff_sq'), inNone], 'tilt_distance');
  const scores = g.op('Add', [g.op('Sub', [gated, distance], 'scores_raw'), col('priors', shape.priors)], 'scores');
  const logProbs = g.op('LogSoftmax', [scores], 'log_probs', { axis: 1 });
  g.node('Transpose', [logProbs], 'y', { perm: [0, 2, 1] }, ['y']);
  g.output('y', DataType.FLOAT, ['N', 'T', C]);
  return g;
}

/** The metadata keys sherpa-onnx reads (offline-speaker-segmentation-pyannote-model.cc), plus the export's others. */
export function segmentationMetadata(): [string, string][] {
  const c = SEGMENTATION_CONTRACT;
  return [
    ['num_speakers', String(c.numSpeakers)],
    ['powerset_max_classes', String(c.powersetMaxClasses)],
    ['num_classes', String(c.numClasses)],
    ['sample_rate', String(c.sampleRate)],
    ['window_size', String(c.windowSize)],
    ['receptive_field_size', String(c.receptiveFieldSize)],
    ['receptive_field_shift', String(c.receptiveFieldShift)],
    ['model_type', 'pyannote-segmentation-3.0'],
    ['version', '1'],
    ['maintainer', 'sensevoice-make-diarization-models'],
  ];
}
