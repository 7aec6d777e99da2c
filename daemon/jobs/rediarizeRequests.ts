// `transcript/rediarize`: its parameters checked (the diarization the shown transcript was made with,
// and the new count), and the names carried from that transcript onto the new speakers
// (diarization/keepSpeakerNames.ts). The work itself is a `transcribe/file` job that may not run the
// ASR (transcriptionRequests.ts): the recognition must be in the cache.
import { ErrorCode, SenseVoiceError, type DiarizationOptions, type Transcript } from '../../common/protocol';
import { paramObject, optionalNumber, type ParamObject } from '../rpc/params';
import { keepSpeakerNames, type SpeakersAndTurns } from '../diarization/keepSpeakerNames';
import { diarizationParam } from './transcriptDiarization';

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
