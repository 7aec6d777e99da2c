// Deterministic pseudo-random numbers for the synthetic weights.
// Only 32-bit integer arithmetic, + and *, and Math.sqrt are used, all exact or correctly rounded in
// IEEE 754, so the same seed gives the same bytes on every platform and Node version: models can be
// cached by their arguments.

/** FNV-1a over the UTF-16 code units of `text`: a stable 32-bit hash used to derive stream seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * mulberry32: small, fast, good enough for random weights. Each weight tensor gets its own stream
 * (seed mixed with the tensor's name), so adding a tensor never shifts the values of the others.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number, stream: string) {
    this.state = (hash32(`${seed >>> 0}:${stream}`) ^ Math.imul(seed >>> 0, 0x9e3779b9)) >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo));
  }

  /**
   * Approximately standard normal: the Irwin-Hall sum of four uniforms, centred and scaled to unit
   * variance (bounded at +-3.46, which suits weights). No log/sin/cos, whose last bits may differ
   * between JavaScript engines.
   */
  normal(): number {
    const s = this.uniform() + this.uniform() + this.uniform() + this.uniform();
    return (s - 2) * Math.sqrt(3);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
