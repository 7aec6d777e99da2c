// Which cache entry a request's transcript lives in: the request's options (with the client's
// settings for those it leaves out) and the key built from the file's content, the model and them.
// One place, so `transcribe/file` and the requests that edit a cached transcript find the same entry.
import type { ModelInfo } from '../../common/protocol';
import type { TranscriptionOptions } from './runTranscription';
import { LANGUAGES, VAD_MODES } from '../../common/values';
import { optionalBoolean, optionalEnum, optionalNumber, type ParamObject } from '../rpc/params';
import type { EffectiveSettings } from '../settings';
import { TranscriptCache } from './transcriptCache';
import { planKey, type DiarizationPlan } from './transcriptDiarization';

/** The transcription options of a request: its own, else the client's settings. */
export function requestOptions(p: ParamObject, method: string, s: EffectiveSettings): TranscriptionOptions {
  return {
    language: optionalEnum(p, 'language', method, LANGUAGES) ?? s.language,
    itn: optionalBoolean(p, 'itn', method) ?? s.itn,
    banEmotionUnknown: optionalBoolean(p, 'banEmotionUnknown', method) ?? s.banEmotionUnknown,
    vad: optionalEnum(p, 'vad', method, VAD_MODES) ?? s.vad,
    maxSegmentSec: optionalNumber(p, 'maxSegmentSec', method, 1, 60) ?? s.maxSegmentSec,
  };
}

/** The cache key of a transcript: content hash, model (and inference server), options and (when diarized) the diarization plan. */
export function transcriptCacheKey(
  hash: string,
  model: Pick<ModelInfo, 'modelFile' | 'sizeBytes' | 'quantization' | 'provider' | 'remote'>,
  options: TranscriptionOptions,
  plan: DiarizationPlan | null,
): string {
  return TranscriptCache.key([
    hash,
    model.modelFile,
    model.sizeBytes,
    model.quantization,
    model.provider,
    options,
    // Only when diarized: transcripts cached before diarization existed keep their keys.
    ...(plan ? [planKey(plan)] : []),
    // Another server may serve other weights under the same contract: its transcripts are its own.
    ...(model.remote ? [model.remote.endpoint, model.remote.modelName] : []),
  ]);
}
