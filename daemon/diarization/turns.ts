// From per-window speaker activity and each (window, local speaker)'s cluster to speaker turns,
// as sherpa-onnx's pyannote pipeline does it (offline-speaker-diarization-pyannote-impl.h:
// ComputeSpeakerCount, FinalizeLabels, ComputeResult, MergeSegments): per global frame, count how
// many windows put each cluster there, keep the top `speakers per frame` clusters (the windows'
// rounded mean of active speakers), then cut each cluster's frames into turns, merge turns less
// than minDurationOff apart and drop those not longer than minDurationOn. Float32 where it computes
// in float, so boundaries land on the same frames.
import { topKIndices } from './topK';

const f32 = Math.fround;

/** One speaker turn, in seconds; speaker is the cluster index. */
export interface SpeakerTurn {
  start: number;
  end: number;
  speaker: number;
}

export interface FrameGeometry {
  sampleRate: number;
  windowShift: number;
  receptiveFieldSize: number;
  receptiveFieldShift: number;
}

/** Where window i's frame 0 lands on the global frame axis (float, then + 0.5 in double, truncated). */
export function windowStartFrame(i: number, g: FrameGeometry): number {
  return Math.trunc(f32(f32(i * g.windowShift) / g.receptiveFieldShift) + 0.5);
}

/**
 * Turns from a frames x clusters activity matrix (row-major 0/1), one cluster at a time, then sorted
 * by start (and speaker), as the node addon returns them.
 */
export function activityToTurns(
  active: Uint8Array,
  frames: number,
  clusters: number,
  g: FrameGeometry,
  minDurationOn: number,
  minDurationOff: number,
): SpeakerTurn[] {
  const scale = f32(g.receptiveFieldShift / g.sampleRate);
  const offset = f32((0.5 * g.receptiveFieldSize) / g.sampleRate);
  const time = (frame: number) => f32(f32(frame * scale) + offset);
  const out: SpeakerTurn[] = [];
  const on = f32(minDurationOn);
  const off = f32(minDurationOff);
  for (let s = 0; s < clusters; s++) {
    const turns: SpeakerTurn[] = [];
    let isActive = frames > 0 && active[s] > 0;
    let startIndex = isActive ? 0 : -1;
    for (let t = 1; t < frames; t++) {
      const a = active[t * clusters + s];
      if (isActive) {
        if (a === 0) {
          turns.push({ start: time(startIndex), end: time(t), speaker: s });
          isActive = false;
        }
      } else if (a === 1) {
        isActive = true;
        startIndex = t;
      }
    }
    if (isActive) turns.push({ start: time(startIndex), end: time(frames - 1), speaker: s });
    mergeTurns(turns, off);
    for (const turn of turns) if (f32(turn.end - turn.start) > on) out.push(turn);
  }
  out.sort((a, b) => (a.start !== b.start ? a.start - b.start : a.speaker - b.speaker));
  return out;
}

/** OfflineSpeakerDiarizationSegment::Merge, applied until nothing changes. */
function mergeTurns(turns: SpeakerTurn[], gap: number): void {
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < turns.length - 1; i++) {
      const a = turns[i];
      const b = turns[i + 1];
      let merged: SpeakerTurn | null = null;
      if (a.end < b.start && f32(a.end + gap) >= b.start) merged = { start: a.start, end: b.end, speaker: a.speaker };
      else if (b.end < a.start && f32(b.end + gap) >= a.start)
        merged = { start: b.start, end: a.end, speaker: a.speaker };
      if (merged !== null) {
        turns.splice(i, 2, merged);
        changed = true;
        break;
      }
    }
  }
}

/**
 * FinalizeLabels: per frame, the top speakersPerFrame[t] clusters by count (count is frames x
 * clusters, row-major). Returns the 0/1 activity matrix.
 */
export function finalizeActivity(
  count: Int32Array,
  frames: number,
  clusters: number,
  speakersPerFrame: Int32Array,
): Uint8Array {
  const active = new Uint8Array(frames * clusters);
  for (let t = 0; t < frames; t++) {
    const k = speakersPerFrame[t];
    if (k === 0) continue;
    for (const m of topKIndices(count.subarray(t * clusters, (t + 1) * clusters), k)) active[t * clusters + m] = 1;
  }
  return active;
}
