// A deterministic speech-like test signal for timing: voiced "syllables" (a harmonic series on a
// gliding pitch, shaped by a syllable envelope) with short pauses and a little noise. It is timed,
// never transcribed; what matters is that it has speech's loudness and spectrum, not its words.

export const SAMPLE_RATE = 16_000;

export function syntheticSpeech(seconds: number, sampleRate = SAMPLE_RATE): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  let seed = 0x5eed;
  const noise = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const syllable = 0.22; // seconds
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const k = Math.floor(t / syllable);
    const within = (t - k * syllable) / syllable;
    // Every fifth syllable is a pause; the others rise and fall in pitch around 140 Hz.
    const voiced = k % 5 !== 4;
    const f0 = 140 + 40 * Math.sin(2 * Math.PI * 0.3 * t) + 15 * Math.sin(2 * Math.PI * within);
    phase += (2 * Math.PI * f0) / sampleRate;
    let v = 0;
    if (voiced) {
      for (let h = 1; h <= 24; h++) {
        // A crude vowel: harmonics near 700 Hz and 1200 Hz (formants) stand out.
        const f = h * f0;
        const formant = Math.exp(-(((f - 700) / 250) ** 2)) + 0.6 * Math.exp(-(((f - 1200) / 300) ** 2));
        v += ((0.3 + 2 * formant) / h) * Math.sin(h * phase);
      }
      v *= Math.sin(Math.PI * within) ** 2;
    }
    out[i] = 0.25 * v + 0.01 * noise();
  }
  return out;
}
