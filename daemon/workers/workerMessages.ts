// Messages between the daemon's main thread and its inference worker (internal to the daemon).
import type { LanguageSetting, ModelInfo, ProviderSetting, TranscriptSegment } from '../../common/protocol';
import type { RemoteOptions } from '../remote/remoteModel';

/** One utterance to recognise: its samples (transferred, not copied) and where it sits in the file. */
export interface WorkItem {
  samples: Float32Array;
  offsetSec: number;
  language: LanguageSetting;
  itn: boolean;
  banEmotionUnknown: boolean;
}

export interface WorkResult {
  /** null when the item was too short for one feature frame. */
  segment: TranscriptSegment | null;
  /** This item's share of its batch's feature and inference time (set by the scheduler). */
  featuresMs?: number;
  inferenceMs?: number;
}

export type ToWorker =
  | { type: 'load'; id: number; dir: string; provider: ProviderSetting; threads: number; remote?: RemoteOptions }
  | { type: 'run'; id: number; items: WorkItem[] };

export type FromWorker =
  | { type: 'loaded'; id: number; info: ModelInfo }
  | { type: 'ran'; id: number; results: WorkResult[]; featuresMs: number; inferenceMs: number }
  | { type: 'failed'; id: number; code: number; message: string; data?: unknown };
