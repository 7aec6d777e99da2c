// The inputs whose features were captured from sherpa-onnx 1.13.8 (sherpaGolden.json). The test
// and the capture tool both build the samples from this list, so they cannot drift apart.

import path from 'node:path';
import { chirp, lcgNoise, readPcm16Wav, FIXTURE_AUDIO_DIR, sine } from '../helpers';

export interface GoldenCase {
  name: string;
  /** Builds the samples; throws if a shared clip is missing (the test then skips that case). */
  samples(): Float32Array;
  /** Shared clip this case reads, if any. */
  clip?: string;
}

const clip = (name: string, rel: string): GoldenCase => ({
  name,
  clip: path.join(FIXTURE_AUDIO_DIR, rel),
  samples: () => readPcm16Wav(path.join(FIXTURE_AUDIO_DIR, rel)).samples,
});

export const GOLDEN_CASES: GoldenCase[] = [
  clip('en.wav', 'sense_voice/en.wav'),
  clip('zh.wav', 'sense_voice/zh.wav'),
  clip('ko.wav', 'sense_voice/ko.wav'),
  { name: 'silence 1 s', samples: () => new Float32Array(16000) },
  { name: 'sine 1 kHz 400 samples', samples: () => sine({ freqHz: 1000, numSamples: 400 }) },
  { name: 'noise 559 samples', samples: () => lcgNoise({ numSamples: 559, amplitude: 0.5, seed: 1 }) },
  { name: 'noise 560 samples', samples: () => lcgNoise({ numSamples: 560, amplitude: 0.5, seed: 2 }) },
  { name: 'noise 1600 samples', samples: () => lcgNoise({ numSamples: 1600, amplitude: 0.5, seed: 3 }) },
  { name: 'quiet noise 1 s', samples: () => lcgNoise({ numSamples: 16000, amplitude: 1e-4, seed: 4 }) },
  { name: 'loud noise 2 s', samples: () => lcgNoise({ numSamples: 32000, amplitude: 0.99, seed: 5 }) },
  { name: 'chirp 100 Hz to 7.9 kHz 2 s', samples: () => chirp({ fromHz: 100, toHz: 7900, numSamples: 32000 }) },
];
