// The one contract between the extension, the cli and the daemon. JSON-RPC 2.0, one frame per line
// over the daemon's stdin/stdout (a private daemon) or the per-user socket (the shared one).
// Everything that crosses is declared in this folder, one file per area; this file composes their
// requests and notifications into the two maps. No runtime dependencies, so every side can import it.
import type { DiarizationModelRequests } from './diarizationModels';
import type { GpuCheckRequests } from './gpuCheck';
import type { GpuSetupRequests } from './gpuSetup';
import type { InferenceServerRequests } from './inferenceServer';
import type { LiveNotifications, LiveRequests } from './live';
import type { ModelStoreRequests } from './modelStore';
import type { SessionNotifications, SessionRequests } from './session';
import type { SpeakerEditRequests } from './speakerEdits';
import type { TranscriptionNotifications, TranscriptionRequests } from './transcription';

export * from './errors';
export * from './session';
export * from './transcription';
export * from './sourceWarnings';
export * from './modelStore';
export * from './diarizationModels';
export * from './gpuCheck';
export * from './gpuSetup';
export * from './live';
export * from './inferenceServer';
export * from './speakerEdits';
export * from './speakerProfiles';
export type {
  DiarizationEmbeddingName,
  DiarizationSourceName,
  LanguageSetting,
  ModelSourceName,
  ModelVariant,
  ProviderSetting,
  VadMode,
} from '../values';

/** Requests: name -> params and result. Clients call these; the daemon serves them. */
export interface RequestMap
  extends
    SessionRequests,
    TranscriptionRequests,
    ModelStoreRequests,
    DiarizationModelRequests,
    GpuCheckRequests,
    GpuSetupRequests,
    LiveRequests,
    InferenceServerRequests,
    SpeakerEditRequests {}

/** Notifications: name -> params. */
export interface NotificationMap extends SessionNotifications, TranscriptionNotifications, LiveNotifications {}

export type RequestName = keyof RequestMap;
export type NotificationName = keyof NotificationMap;
export type ParamsOf<M extends RequestName> = RequestMap[M]['params'];
export type ResultOf<M extends RequestName> = RequestMap[M]['result'];
