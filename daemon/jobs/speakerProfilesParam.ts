// The `profiles` and `profileThreshold` of a request's `diarization` option, checked (a malformed
// profile is InvalidParams saying which one and what), and applied to the transcript on its way out:
// profiles never change the cached transcript, so editing the profiles file needs no new transcription.
import {
  DEFAULT_PROFILE_THRESHOLD,
  type DiarizationOptions,
  type SpeakerProfile,
  type Transcript,
} from '../../common/protocol';
import { parseSpeakerProfileList } from '../../common/speakerProfiles/profilesFile';
import { recogniseSpeakers } from '../diarization/profileMatching';
import { optionalNumber, type ParamObject } from '../rpc/params';

export function speakerProfilesParam(d: ParamObject, where: string): SpeakerProfile[] | undefined {
  if (d.profiles === undefined || d.profiles === null) return undefined;
  return parseSpeakerProfileList(d.profiles, `${where} "profiles"`);
}

export function profileThresholdParam(d: ParamObject, where: string): number | undefined {
  return optionalNumber(d, 'profileThreshold', where, -1, 1);
}

/** The transcript with its speakers named by the request's profiles (unchanged without diarization). */
export function applySpeakerProfiles(t: Transcript, o: DiarizationOptions | undefined): Transcript {
  if (!o || !t.speakers) return t;
  return recogniseSpeakers(t, o.profiles ?? [], o.profileThreshold ?? DEFAULT_PROFILE_THRESHOLD);
}
