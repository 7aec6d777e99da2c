// Kaldi's triangular mel filterbank, built exactly as kaldi-native-fbank's
// MelBanks::InitKaldiMelBanks does (mel-computations.cc), in float32 arithmetic step by step.

import { glibcLogf } from './logf';

const f32 = Math.fround;

export interface MelBanksOptions {
  /** Number of triangular filters (80 for SenseVoice). Kaldi requires at least 3. */
  numBins: number;
  /** Padded FFT length (512); the banks span its first fftSize / 2 bins (Nyquist is never used). */
  fftSize: number;
  /** Sample rate in Hz (16000). */
  sampleRate: number;
  /** Lower edge of the first filter in Hz (20). */
  lowFreq: number;
  /**
   * Upper edge of the last filter in Hz. As in Kaldi, a value <= 0 is an offset from Nyquist:
   * 0 means Nyquist (what sherpa-onnx sets for SenseVoice), -400 means Nyquist - 400 Hz.
   */
  highFreq: number;
}

/** The filterbank: sparse rows for computing, and the same weights as a dense matrix. */
export interface MelBanks {
  numBins: number;
  /** Columns of `matrix`: fftSize / 2. */
  numFftBins: number;
  /** Index of the first nonzero FFT bin of each filter. */
  firstIndex: Int32Array;
  /** The nonzero run of each filter, starting at `firstIndex[bin]`. */
  weights: Float32Array[];
  /** numBins x numFftBins, row-major, zeros outside each triangle. */
  matrix: Float32Array;
  /** Filter edges and centres in Hz (mapped back from mel), for tests and plots. */
  leftHz: Float64Array;
  centerHz: Float64Array;
  rightHz: Float64Array;
}

/**
 * Kaldi's (HTK) mel scale, 1127 ln(1 + f / 700), evaluated as kaldi-native-fbank's
 * `1127.0f * logf(1.0f + freq / 700.0f)`: every step rounded to float32, with glibc's logf.
 */
export function melScale(freqHz: number): number {
  return f32(1127 * glibcLogf(f32(1 + f32(freqHz / 700))));
}

/** Inverse of `melScale` (700 (e^(m / 1127) - 1)), in double: used only for reporting. */
export function inverseMelScale(mel: number): number {
  return 700 * (Math.exp(mel / 1127) - 1);
}

const cache = new Map<string, MelBanks>();

/** Builds (once per distinct options, then cached) Kaldi's mel filterbank. Treat it as read-only. */
export function kaldiMelBanks(options: MelBanksOptions): MelBanks {
  const key = `${options.numBins}/${options.fftSize}/${options.sampleRate}/${options.lowFreq}/${options.highFreq}`;
  let banks = cache.get(key);
  if (banks === undefined) {
    banks = build(options);
    cache.set(key, banks);
  }
  return banks;
}

function build({ numBins, fftSize, sampleRate, lowFreq, highFreq }: MelBanksOptions): MelBanks {
  if (!Number.isInteger(numBins) || numBins < 3) {
    throw new RangeError(`kaldiMelBanks: numBins must be an integer >= 3, got ${numBins}`);
  }
  if (!Number.isInteger(fftSize) || fftSize < 2 || fftSize % 2 !== 0) {
    throw new RangeError(`kaldiMelBanks: fftSize must be an even integer, got ${fftSize}`);
  }
  const numFftBins = fftSize / 2;
  const sampleFreq = f32(sampleRate);
  const nyquist = f32(0.5 * sampleFreq);
  const low = f32(lowFreq);
  // Kaldi: high_freq > 0 is absolute; otherwise it is added to Nyquist.
  const high = highFreq > 0 ? f32(highFreq) : f32(nyquist + f32(highFreq));
  if (low < 0 || low >= nyquist || high <= 0 || high > nyquist || high <= low) {
    throw new RangeError(
      `kaldiMelBanks: bad frequency range: lowFreq ${low} and highFreq ${high} vs. Nyquist ${nyquist}`,
    );
  }

  const fftBinWidth = f32(sampleFreq / fftSize);
  const melLow = melScale(low);
  const melHigh = melScale(high);
  // Divided by numBins + 1 because the outer triangles reach past the first and last centres.
  const melDelta = f32(f32(melHigh - melLow) / (numBins + 1));

  // The mel of every FFT bin's centre does not depend on the filter, so compute it once.
  const binMel = new Float64Array(numFftBins);
  for (let i = 0; i < numFftBins; i++) binMel[i] = melScale(f32(fftBinWidth * i));

  const firstIndex = new Int32Array(numBins);
  const weights: Float32Array[] = [];
  const matrix = new Float32Array(numBins * numFftBins);
  const leftHz = new Float64Array(numBins);
  const centerHz = new Float64Array(numBins);
  const rightHz = new Float64Array(numBins);

  for (let bin = 0; bin < numBins; bin++) {
    // Kaldi: mel_low_freq + bin * mel_freq_delta, int times float then plus, each in float.
    const leftMel = f32(melLow + f32(bin * melDelta));
    const centerMel = f32(melLow + f32((bin + 1) * melDelta));
    const rightMel = f32(melLow + f32((bin + 2) * melDelta));
    leftHz[bin] = inverseMelScale(leftMel);
    centerHz[bin] = inverseMelScale(centerMel);
    rightHz[bin] = inverseMelScale(rightMel);

    let first = -1;
    let last = -1;
    for (let i = 0; i < numFftBins; i++) {
      const mel = binMel[i];
      if (mel > leftMel && mel < rightMel) {
        const weight =
          mel <= centerMel
            ? f32(f32(mel - leftMel) / f32(centerMel - leftMel))
            : f32(f32(rightMel - mel) / f32(rightMel - centerMel));
        matrix[bin * numFftBins + i] = weight;
        if (first === -1) first = i;
        last = i;
      }
    }
    if (first === -1) {
      throw new RangeError(
        `kaldiMelBanks: mel bin ${bin} is empty; numBins ${numBins} is too large for fftSize ${fftSize}`,
      );
    }
    firstIndex[bin] = first;
    weights.push(matrix.slice(bin * numFftBins + first, bin * numFftBins + last + 1));
  }
  return { numBins, numFftBins, firstIndex, weights, matrix, leftHz, centerHz, rightHz };
}
