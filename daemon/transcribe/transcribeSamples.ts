// One utterance through the model: features, inference, greedy CTC, and the segment a transcript
// carries. Shared by whole-file transcription and (later) each VAD segment.
import type { LanguageSetting, TranscriptSegment } from '../protocol';
import { ctcDecode } from '../decoding/ctcDecode';
import type { SenseVoiceModel } from '../inference/senseVoiceModel';
import { SAMPLE_RATE } from '../ffmpeg/decodeAudio';

export interface UtteranceOptions {
  language: LanguageSetting;
  itn: boolean;
  banEmotionUnknown: boolean;
}

export interface UtteranceTimings {
  featuresMs: number;
  inferenceMs: number;
}

/** Transcribes `samples` (16 kHz mono) that start `offsetSec` into the file; null when too short for one frame. */
export async function transcribeUtterance(
  model: SenseVoiceModel,
  samples: Float32Array,
  offsetSec: number,
  options: UtteranceOptions,
  timings: UtteranceTimings,
): Promise<TranscriptSegment | null> {
  const t0 = performance.now();
  const features = model.frontEnd.compute({ samples });
  const t1 = performance.now();
  timings.featuresMs += t1 - t0;
  if (features.frames === 0) return null;
  const logits = await model.run(features, model.languageId(options.language), model.textNormId(options.itn));
  timings.inferenceMs += performance.now() - t1;
  const decoded = ctcDecode(logits.data, {
    tokens: model.folder.tokens,
    vocab: logits.vocab,
    frames: logits.frames,
    blankId: model.folder.blankId,
    banEmotionUnknown: options.banEmotionUnknown,
    offsetSec,
  });
  return {
    start: round3(offsetSec),
    end: round3(offsetSec + samples.length / SAMPLE_RATE),
    language: decoded.language ?? 'unknown',
    emotion: decoded.emotion ?? 'unknown',
    event: decoded.event ?? 'unknown',
    text: decoded.text,
    tokens: decoded.tokens.map((t) => ({ id: t.id, text: t.piece, start: t.start })),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
