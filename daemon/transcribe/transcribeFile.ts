// Whole-file transcription (VAD off): decode through ffmpeg, then one utterance. Long files are cut
// by the VAD in a later stage; this path is what `--vad off` keeps.
import type { Transcript, TranscriptSegment } from '../protocol';
import { decodeAudio, SAMPLE_RATE } from '../ffmpeg/decodeAudio';
import type { SenseVoiceModel } from '../inference/senseVoiceModel';
import { transcribeUtterance, type UtteranceOptions } from './transcribeSamples';

export interface TranscribeFileOptions extends UtteranceOptions {
  model: SenseVoiceModel;
  ffmpegPath: string;
  file: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

export async function transcribeWholeFile(o: TranscribeFileOptions): Promise<Transcript> {
  const t0 = performance.now();
  const chunks: Float32Array[] = [];
  o.onProgress?.(0, 'decoding');
  const decoded = await decodeAudio({ ffmpegPath: o.ffmpegPath, file: o.file, signal: o.signal, onSamples: (c) => chunks.push(c) });
  const samples = concat(chunks, decoded.samples);
  const decodeMs = performance.now() - t0;
  o.onProgress?.(0.3, 'recognising');
  const timings = { featuresMs: 0, inferenceMs: 0 };
  const segments: TranscriptSegment[] = [];
  const seg = await transcribeUtterance(o.model, samples, 0, o, timings);
  if (seg) segments.push(seg);
  o.onProgress?.(1, 'done');
  return {
    file: o.file,
    durationSec: decoded.samples / SAMPLE_RATE,
    model: { layout: o.model.info.layout, quantization: o.model.info.quantization, provider: o.model.info.provider },
    segments,
    timings: {
      decodeMs: Math.round(decodeMs),
      featuresMs: Math.round(timings.featuresMs),
      inferenceMs: Math.round(timings.inferenceMs),
      totalMs: Math.round(performance.now() - t0),
    },
  };
}

function concat(chunks: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
