// `transcript/editSpeakers`: renames or merges the speakers of a transcript in the transcript cache,
// found exactly as `transcribe/file` would find it (file content, model, options, diarization plan),
// so the view restored from the cache after a window reload shows the names the user gave. Nothing is
// decoded or run; no cached transcript is NotCached, a bad edit InvalidParams.
import { ErrorCode, SenseVoiceError, type EditSpeakersResult } from '../../common/protocol';
import { applySpeakerEdit, parseSpeakerEdit } from '../../common/formats/speakerEdits';
import { optionalString, paramObject, requiredString } from '../rpc/params';
import { checkAudioFile } from '../ffmpeg/decodeAudio';
import type { ModelRegistry } from '../modelRegistry';
import { contentHash, type TranscriptCache } from './transcriptCache';
import { requestOptions, transcriptCacheKey } from './transcriptCacheKey';
import { diarizationParam, planDiarization } from './transcriptDiarization';
import { applySpeakerProfiles } from './speakerProfilesParam';
import type { TranscriptionClient } from './transcriptionRequests';

export interface SpeakerEditDeps {
  models: ModelRegistry;
  cache: TranscriptCache;
  /** The model store folder, where the diarization models are looked for when a request names none. */
  storeDir: () => string;
}

export async function editCachedSpeakers(
  raw: unknown,
  client: Pick<TranscriptionClient, 'id' | 'settings'>,
  d: SpeakerEditDeps,
): Promise<EditSpeakersResult> {
  const m = 'transcript/editSpeakers';
  const p = paramObject(raw, m);
  const s = client.settings;
  const file = requiredString(p, 'path', m);
  const edit = parseSpeakerEdit(p.edit);
  if (!edit)
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `${m}: "edit" must be {kind: "rename", id, name} or {kind: "merge", from, into}.`,
    );
  const options = requestOptions(p, m, s);
  const modelPath = optionalString(p, 'modelPath', m) ?? s.modelPath;
  const diarization = diarizationParam(p, m);
  const abs = await checkAudioFile(file);
  // The model's identity is part of the key; it is the one `transcribe/file` would load (or has).
  const engine = await d.models.get({ dir: modelPath, provider: s.provider, threads: s.threads }, client.id);
  const planned = diarization ? await planDiarization(diarization, d.storeDir()) : null;
  const plan = planned && 'plan' in planned ? planned.plan : null;
  if (!plan)
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `${m}: only a diarized transcript has speakers to edit; pass the "diarization" option it was made with.`,
    );
  const key = transcriptCacheKey(await contentHash(abs), engine.info, options, plan);
  const cached = await d.cache.get(key);
  if (!cached)
    throw new SenseVoiceError(
      ErrorCode.NotCached,
      `No cached transcript of ${file} for this model and these settings, so the speakers could not be saved there (the file, the model or a setting changed, or the cache was cleared).`,
    );
  const edited = applySpeakerEdit(cached, edit);
  await d.cache.set(key, edited);
  // As `transcribe/file` would show it: the request's speaker profiles name the speakers not renamed.
  return { speakers: applySpeakerProfiles(edited, diarization).speakers ?? [] };
}
