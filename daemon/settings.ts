// The daemon's settings, as sent by the client in `initialize` and `config/didChange`. Every value
// is sanitized on read: a wrong type falls back to the default instead of failing later.
import type { DaemonSettings } from '../common/protocol';
import { isOneOf, LANGUAGES, PROVIDERS, VAD_MODES } from '../common/values';

type Optional =
  'ffmpegPath' | 'modelPath' | 'searchPath' | 'inferenceEndpoint' | 'inferenceModelName' | 'inferenceHeaders';
export type EffectiveSettings = Required<Omit<DaemonSettings, Optional>> & Pick<DaemonSettings, Optional>;

export function sanitizeSettings(raw: unknown): EffectiveSettings {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const intIn = (v: unknown, min: number, max: number, fallback: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
  const threads =
    typeof s.threads === 'number' && Number.isInteger(s.threads) && s.threads >= 0 && s.threads <= 256 ? s.threads : 0;
  return {
    ffmpegPath: str(s.ffmpegPath),
    modelPath: str(s.modelPath),
    searchPath: typeof s.searchPath === 'string' ? s.searchPath : undefined,
    provider: isOneOf(PROVIDERS, s.provider) ? s.provider : 'auto',
    threads,
    language: isOneOf(LANGUAGES, s.language) ? s.language : 'auto',
    itn: typeof s.itn === 'boolean' ? s.itn : true,
    banEmotionUnknown: typeof s.banEmotionUnknown === 'boolean' ? s.banEmotionUnknown : false,
    vad: isOneOf(VAD_MODES, s.vad) ? s.vad : 'on',
    maxSegmentSec:
      typeof s.maxSegmentSec === 'number' && s.maxSegmentSec >= 1 && s.maxSegmentSec <= 60 ? s.maxSegmentSec : 30,
    batchSize: intIn(s.batchSize, 1, 64, 4),
    concurrency: intIn(s.concurrency, 1, 16, 2),
    inferenceEndpoint: str(s.inferenceEndpoint),
    inferenceModelName: str(s.inferenceModelName),
    inferenceHeaders: headers(s.inferenceHeaders),
    inferenceTimeoutSec:
      typeof s.inferenceTimeoutSec === 'number' && s.inferenceTimeoutSec > 0 && s.inferenceTimeoutSec <= 600
        ? s.inferenceTimeoutSec
        : 60,
  };
}

/** Header name -> value pairs with string values (HTTP header names are tokens); anything else is dropped. */
function headers(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out = Object.entries(v).filter(
    (e): e is [string, string] =>
      /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(e[0]) && typeof e[1] === 'string' && !/[\r\n]/.test(e[1]),
  );
  return out.length > 0 ? Object.fromEntries(out) : undefined;
}
