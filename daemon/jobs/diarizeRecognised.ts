// The diarization alone, on a transcript whose recognition is already cached (the same file, model
// and settings with another number of speakers, or `transcript/rediarize`): no ASR runs. The
// speaker analysis of the last run of this file is re-clustered when it is still in memory
// (milliseconds); otherwise the file is decoded again and the segmentation and embedding models run
// over it (the clustering is what changed, but the analysis is not kept on disk).
import type { Transcript } from '../../common/protocol';
import { decodeAudio } from '../ffmpeg/decodeAudio';
import type { LoadedDiarizationModels } from '../diarization/diarizationModelStore';
import { SampleChannel } from '../diarization/sampleChannel';
import type { SpeakerAnalysisCache } from '../diarization/speakerAnalysisCache';
import { analyseSamples, applyDiarization, type DiarizationPlan } from './transcriptDiarization';

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
  if (kept) return { transcript: applyDiarization(a.recognition, kept, a.plan), reclustered: true };
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
  return { transcript: applyDiarization(a.recognition, analysis, a.plan), reclustered: false };
}
