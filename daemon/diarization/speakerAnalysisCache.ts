// The last files' speaker analyses (diarize.ts: the segmentation windows' activity and the speaker
// embeddings), kept in memory so that asking for another number of speakers re-clusters in
// milliseconds instead of running the models over the file again. Bounded by bytes: an analysis is
// small (a byte per frame per window and a few embeddings per window: about 1 MB per 10 minutes with
// 192-dim embeddings, a 3-hour file some 20-30 MB), and the least recently used go first. Keyed by the file's content and the two models' identities; memory only (a new
// daemon runs the models once more).
import { analysisBytes, type SpeakerAnalysis } from './diarize';
import type { DiarizationModelFiles } from './diarizationModelStore';

/** Bytes of analyses kept at most (a few long files, many short ones). */
export const DEFAULT_ANALYSIS_BUDGET = 96 * 1024 * 1024;

export class SpeakerAnalysisCache {
  private readonly entries = new Map<string, { analysis: SpeakerAnalysis; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budget = DEFAULT_ANALYSIS_BUDGET) {}

  static key(contentHash: string, models: DiarizationModelFiles): string {
    const id = (f: DiarizationModelFiles['segmentation']) => [f.path, f.size, f.mtimeMs];
    return JSON.stringify([contentHash, id(models.segmentation), id(models.embedding)]);
  }

  get(key: string): SpeakerAnalysis | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.analysis;
  }

  /** Keeps it unless it alone is over the budget; the least recently used go to make room. */
  set(key: string, analysis: SpeakerAnalysis): void {
    this.delete(key);
    const bytes = analysisBytes(analysis);
    if (bytes > this.budget) return;
    this.entries.set(key, { analysis, bytes });
    this.bytes += bytes;
    while (this.bytes > this.budget) this.delete(this.entries.keys().next().value as string);
  }

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
  }
}
