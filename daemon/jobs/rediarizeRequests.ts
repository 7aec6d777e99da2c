// `transcript/rediarize`: its parameters checked (the diarization the shown transcript was made with,
// and the new count), and the names carried from that transcript onto the new speakers
// (diarization/keepSpeakerNames.ts). The work itself is a `transcribe/file` job that may not run the
// ASR (transcriptionRequests.ts): the recognition must be in the cache.
import { ErrorCode, SenseVoiceError, type DiarizationOptions, type Transcript } from '../../common/protocol';
import { paramObject, optionalNumber, type ParamObject } from '../rpc/params';
import { keepSpeakerNames, type SpeakersAndTurns } from '../diarization/keepSpeakerNames';
import type { JobReport } from './jobQueue';
import { transcriptCacheKey } from './transcriptCacheKey';
import { diarizationParam, type DiarizationPlan } from './transcriptDiarization';
import { diarizeCachedRecognition, type AloneJob, type DiarizeAloneDeps } from './diarizeRecognised';

export const REDIARIZE = 'transcript/rediarize';

/** Most speakers a count may ask for (the view offers 1..10; the cli's --speakers goes as far). */
export const MAX_SPEAKER_COUNT = 100;

/** The diarization the shown transcript was made with (`from`) and the one asked for now (`to`). */
export interface RediarizeRequest {
  from: DiarizationOptions;
  to: DiarizationOptions;
}

/** Checks the request's diarization and count; the new options require the models (no "without speakers" here). */
export function rediarizeParams(p: ParamObject): RediarizeRequest {
  const m = REDIARIZE;
  const from = diarizationParam(p, m);
  if (!from)
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `${m}: "diarization" (the options the transcript was made with) is required.`,
    );
  const raw = p.numSpeakers;
  let numSpeakers: number;
  if (raw === 'auto') numSpeakers = 0;
  else if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_SPEAKER_COUNT) numSpeakers = raw;
  else
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `${m}: "numSpeakers" must be "auto" or a whole number from 1 to ${MAX_SPEAKER_COUNT}.`,
    );
  const threshold = optionalNumber(paramObject(p, m), 'threshold', m, 0, 2) ?? from.threshold;
  return {
    from,
    to: { ...from, numSpeakers, ...(threshold !== undefined ? { threshold } : {}), required: true },
  };
}

/** The re-diarized transcript with the names the user gave to the shown one kept (where the rule keeps them). */
export function withKeptNames(shown: SpeakersAndTurns | null, t: Transcript): Transcript {
  return shown ? { ...t, speakers: keepSpeakerNames(shown, t) } : t;
}

/**
 * The job: the new count's transcript (cached, or made from the cached recognition: NotCached when
 * there is none), the shown one's names kept, saved where `transcribe/file` with the new count finds it.
 */
export async function rediarizeJob(
  d: DiarizeAloneDeps,
  report: JobReport,
  j: AloneJob & { plan: DiarizationPlan | null; shownPlan: DiarizationPlan | null },
  hash: string,
  cached: Transcript | null,
): Promise<Transcript> {
  const plan = j.plan as DiarizationPlan;
  const shown = j.shownPlan ? await d.cache.get(transcriptCacheKey(hash, j.engine.info, j.options, j.shownPlan)) : null;
  let t = cached ?? (await diarizeCachedRecognition(d, report, j, hash, plan));
  if (!t)
    throw new SenseVoiceError(
      ErrorCode.NotCached,
      `The recognition of ${j.file} is not in the cache for this model and these settings (the file, the model or a setting changed, or the cache was cleared), so the speakers cannot be found again alone: transcribe the file again with the new number of speakers.`,
    );
  if (cached) report.onProgress(1, cached.segments.length, 'cached');
  t = withKeptNames(shown, { ...t, recognitionCached: true });
  const { cached: _c, ...toCache } = t;
  await d.cache.set(transcriptCacheKey(hash, j.engine.info, j.options, plan), toCache);
  return { ...t, file: j.file };
}
