// The `diarization` option of `transcribe/file`: checked, planned (which models; absent ones give
// a "transcript without speakers" reason or, when required, an error), and run on the samples the
// transcription decoded, so the file is decoded once: the models' analysis, then its clustering
// (apart, so another speaker count re-clusters a kept analysis). Turns become the transcript's speakers.
import { ErrorCode, SenseVoiceError, type DiarizationOptions, type Transcript } from '../../common/protocol';
import { optionalBoolean, optionalNumber, optionalString, paramObject, type ParamObject } from '../rpc/params';
import {
  analyseSpeakers,
  clusterSpeakers,
  DEFAULT_MIN_DURATION_OFF,
  DEFAULT_MIN_DURATION_ON,
  windowCount,
  type SpeakerAnalysis,
  type TurnOptions,
} from '../diarization/diarize';
import type { SampleChannel } from '../diarization/sampleChannel';
import {
  resolveDiarizationModels,
  type DiarizationModelFiles,
  type LoadedDiarizationModels,
} from '../diarization/diarizationModelStore';
import { withSpeakers } from '../diarization/transcriptSpeakers';
import { voiceModelId } from '../diarization/voiceModelId';
import { profileThresholdParam, speakerProfilesParam } from './speakerProfilesParam';

/** sherpa-onnx's default clustering threshold (FastClusteringConfig). */
export const DEFAULT_CLUSTER_THRESHOLD = 0.5;

/** What a diarized transcription runs with: the model files and the clustering. */
export interface DiarizationPlan {
  files: DiarizationModelFiles;
  /** > 0: exactly this many speakers; 0: automatic. */
  numSpeakers: number;
  threshold: number;
}

/** The request's `diarization` object, type-checked; undefined when it was not asked for. */
export function diarizationParam(p: ParamObject, method: string): DiarizationOptions | undefined {
  if (p.diarization === undefined || p.diarization === null) return undefined;
  const where = `${method} diarization`;
  if (typeof p.diarization !== 'object' || Array.isArray(p.diarization))
    throw new SenseVoiceError(ErrorCode.InvalidParams, `${where} must be an object ({} for the defaults).`);
  const d = paramObject(p.diarization, where);
  const numSpeakers = optionalNumber(d, 'numSpeakers', where, 0, 100);
  if (numSpeakers !== undefined && !Number.isInteger(numSpeakers))
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `${where}: "numSpeakers" must be a whole number (0: automatic).`,
    );
  const o: DiarizationOptions = {
    segmentationModel: optionalString(d, 'segmentationModel', where) || undefined,
    embeddingModel: optionalString(d, 'embeddingModel', where) || undefined,
    numSpeakers,
    threshold: optionalNumber(d, 'threshold', where, 0, 2),
    required: optionalBoolean(d, 'required', where),
    profiles: speakerProfilesParam(d, where),
    profileThreshold: profileThresholdParam(d, where),
  };
  return o;
}

/**
 * The plan, or why there are no speakers: a model absent from the store gives a reason unless the
 * request requires speakers; a path the request named that is absent is always an error.
 */
export async function planDiarization(
  o: DiarizationOptions,
  storeDir: string,
): Promise<{ plan: DiarizationPlan } | { unavailable: string }> {
  try {
    const files = await resolveDiarizationModels(o, storeDir);
    return { plan: { files, numSpeakers: o.numSpeakers ?? 0, threshold: o.threshold ?? DEFAULT_CLUSTER_THRESHOLD } };
  } catch (e) {
    const named = o.segmentationModel !== undefined || o.embeddingModel !== undefined;
    if (e instanceof SenseVoiceError && e.code === ErrorCode.DiarizationModelNotFound && !o.required && !named)
      return { unavailable: `transcript without speakers: ${e.message}` };
    throw e;
  }
}

/** The same cache key for the same plan: models by identity, clustering by value. */
export function planKey(plan: DiarizationPlan | null): unknown {
  return plan === null ? null : [plan.files.segmentation, plan.files.embedding, plan.numSpeakers, plan.threshold];
}

/** What the plan's clustering asks of diarize.ts. */
export function turnOptions(plan: DiarizationPlan): TurnOptions {
  return {
    numClusters: plan.numSpeakers > 0 ? plan.numSpeakers : -1,
    threshold: plan.threshold,
    minDurationOn: DEFAULT_MIN_DURATION_ON,
    minDurationOff: DEFAULT_MIN_DURATION_OFF,
  };
}

/**
 * The models' half of the diarization over the samples as the decoder delivers them (the channel).
 * Cancellable; progress 0..1 over the windows of the samples pushed so far.
 */
export function analyseSamples(
  channel: SampleChannel,
  models: LoadedDiarizationModels,
  signal: AbortSignal,
  onProgress: (fraction: number) => void,
): Promise<SpeakerAnalysis> {
  const meta = models.segmentation.meta;
  return analyseSpeakers(channel, models.segmentation, models.embedding, {
    signal,
    onProgress: (done) => {
      const total = Math.max(windowCount(channel.pushed, meta).count, done);
      onProgress(done / total);
    },
  });
}

/** The transcript with the speakers the plan's clustering of the analysis finds. */
export async function applyDiarization(
  t: Transcript,
  analysis: SpeakerAnalysis,
  plan: DiarizationPlan,
): Promise<Transcript> {
  const result = clusterSpeakers(analysis, turnOptions(plan));
  const model = await voiceModelId(plan.files.embedding, analysis.dim);
  return withSpeakers(t, result.turns, { byCluster: result.voices, model });
}
