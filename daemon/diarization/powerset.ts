// pyannote's powerset classes -> per-speaker activity (sherpa-onnx's InitPowersetMapping and
// ToMultiLabel; pyannote/audio/utils/powerset.py): class 0 is nobody, then each speaker alone, then
// each pair. A frame's label is the argmax class (the first of equal maxima, as Eigen's maxCoeff).
export function powersetMasks(numSpeakers: number, maxClasses: number): Uint8Array {
  const masks: number[] = [0];
  for (let j = 0; j < numSpeakers; j++) masks.push(1 << j);
  if (maxClasses >= 2)
    for (let j = 0; j < numSpeakers; j++) for (let m = j + 1; m < numSpeakers; m++) masks.push((1 << j) | (1 << m));
  return Uint8Array.from(masks);
}

/** One bitmask per frame (bit s: local speaker s active) from log-probabilities [frames, classes]. */
export function framesToMasks(logProbs: Float32Array, frames: number, classes: number, masks: Uint8Array): Uint8Array {
  const out = new Uint8Array(frames);
  for (let t = 0; t < frames; t++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logProbs[t * classes + c] > logProbs[t * classes + best]) best = c;
    out[t] = masks[best];
  }
  return out;
}

export function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}
