// The diarization alone, on a transcript whose recognition is already cached (the same file, model
// and settings with another number of speakers, or `transcript/rediarize`): no ASR runs. The
// speaker analysis of the last run of this file is re-clustered when it is still in memory
// (milliseconds); otherwise the file is decoded again and the segmentation and embedding models run
// over it (the clustering is what changed, but the analysis is not kept on disk).
import type { Transcript } from '../../common/protocol';
import { decodeAudio } from '../ffmpeg/decodeAudio';
import type { DiarizationModelCache, LoadedDiarizationModels } from '../diarization/diarizationModelStore';
import { SampleChannel } from '../diarization/sampleChannel';
import { SpeakerAnalysisCache } from '../diarization/speakerAnalysisCache';
import type { Engine } from '../modelRegistry';
import type { JobReport } from './jobQueue';
import type { TranscriptionOptions } from './runTranscription';
import type { TranscriptCache } from './transcriptCache';
import { transcriptCacheKey } from './transcriptCacheKey';
import { analyseSamples, applyDiarization, type DiarizationPlan } from './transcriptDiarization';

/** What the diarization alone uses of the transcription requests: the caches, the models, the log. */
export interface DiarizeAloneDeps {
  cache: TranscriptCache;
  analyses: SpeakerAnalysisCache;
  diarizationModels: DiarizationModelCache;
  log: (message: string) => void;
}

/** A job's particulars the diarization alone reads. */
export interface AloneJob {
  abs: string;
  file: string;
  ffmpegPath: string;
  engine: Engine;
  options: TranscriptionOptions;
  threads: number;
}

/**
 * A diarized transcript made from the cached recognition (another speaker count for a file already
 * transcribed with these settings), or null when the recognition is not cached.
 */
export async function diarizeCachedRecognition(
  d: DiarizeAloneDeps,
  report: JobReport,
  j: AloneJob,
  hash: string,
  plan: DiarizationPlan,
): Promise<Transcript | null> {
  const t0 = performance.now();
  const recognition = await d.cache.get(transcriptCacheKey(hash, j.engine.info, j.options, null));
  if (!recognition) return null;
  report.onProgress(0, 0, 'diarizing');
  const { transcript, reclustered } = await diarizeRecognised({
    recognition,
    file: j.abs,
    ffmpegPath: j.ffmpegPath,
    plan,
    models: () => d.diarizationModels.get(plan.files, j.threads),
    analyses: d.analyses,
    analysisKey: SpeakerAnalysisCache.key(hash, plan.files),
    signal: report.signal,
    onProgress: (f) => report.onProgress(f * 0.99, 0, 'diarizing'),
  });
  const ms = Math.round(performance.now() - t0);
  d.log(
    `diarized ${j.file} again on its cached recognition (${reclustered ? 'kept analysis re-clustered' : 'models run'}): ` +
      `${transcript.speakers?.length ?? 0} speaker(s) in ${ms} ms`,
  );
  const { cached: _c, ...rest } = transcript;
  const t: Transcript = {
    ...rest,
    recognitionCached: true,
    timings: { decodeMs: 0, featuresMs: 0, inferenceMs: 0, totalMs: ms },
  };
  report.onProgress(1, t.segments.length, 'done');
  return t;
}

export interface DiarizeRecognisedArgs {
  /** The cached recognition: segments without speakers. */
  recognition: Transcript;
  file: string;
  ffmpegPath: string;
  plan: DiarizationPlan;
  models: () => Promise<LoadedDiarizationModels>;
  analyses: SpeakerAnalysisCache;
  analysisKey: string;
  signal: AbortSignal;
  /** 0..1 over the file's windows (a re-clustering jumps to the end). */
  onProgress: (fraction: number) => void;
}

/** The transcript with speakers, and whether a kept analysis spared the models. */
export async function diarizeRecognised(
  a: DiarizeRecognisedArgs,
): Promise<{ transcript: Transcript; reclustered: boolean }> {
  const kept = a.analyses.get(a.analysisKey);
  if (kept) return { transcript: await applyDiarization(a.recognition, kept, a.plan), reclustered: true };
  const models = await a.models();
  const channel = new SampleChannel();
  const analysing = analyseSamples(channel, models, a.signal, a.onProgress);
  analysing.catch(() => undefined); // taken below; until then not an unhandled rejection
  try {
    await decodeAudio({ ffmpegPath: a.ffmpegPath, file: a.file, signal: a.signal, onSamples: (c) => channel.push(c) });
  } catch (e) {
    channel.end(e);
    throw e;
  }
  channel.end();
  const analysis = await analysing;
  a.analyses.set(a.analysisKey, analysis);
  return { transcript: await applyDiarization(a.recognition, analysis, a.plan), reclustered: false };
}
