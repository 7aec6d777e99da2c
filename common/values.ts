// The value lists that settings, the protocol, the cli and the extension all check against, declared
// once. Each type is derived from its list, so a new value is added here and nowhere else (the
// package.json settings enums are checked against these lists by a unit test).

/** ONNX Runtime execution providers a user may ask for; `auto` tries the platform's GPU providers, then CPU. */
export const PROVIDERS = ['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'] as const;
export type ProviderSetting = (typeof PROVIDERS)[number];

/** Languages SenseVoiceSmall recognises well and accepts as a hint (the vocabulary spells ~100 more). */
export const HINT_LANGUAGES = ['zh', 'en', 'yue', 'ja', 'ko'] as const;
/** The language setting: a hint, or `auto` to let the model decide. */
export const LANGUAGES = ['auto', ...HINT_LANGUAGES] as const;
export type LanguageSetting = (typeof LANGUAGES)[number];

/** Voice activity detection: `on` cuts files into speech segments; `off` is one whole-file segment. */
export const VAD_MODES = ['on', 'off'] as const;
export type VadMode = (typeof VAD_MODES)[number];

/** Which model file of a layout: int8 for the CPU, fp32 for GPUs (no int8 kernels there). */
export const MODEL_VARIANTS = ['int8', 'fp32'] as const;
export type ModelVariant = (typeof MODEL_VARIANTS)[number];

/** The public places a model can be downloaded from by name. */
export const MODEL_SOURCES = ['huggingface', 'github', 'modelscope'] as const;
export type ModelSourceName = (typeof MODEL_SOURCES)[number];

/** The public places the speaker models (`model download --diarization`) come from by name. */
export const DIARIZATION_SOURCES = ['github', 'huggingface'] as const;
export type DiarizationSourceName = (typeof DIARIZATION_SOURCES)[number];

/** The speaker-embedding models `model download --diarization --embedding` offers. */
export const DIARIZATION_EMBEDDINGS = ['3dspeaker', 'wespeaker', 'nemo'] as const;
export type DiarizationEmbeddingName = (typeof DIARIZATION_EMBEDDINGS)[number];

/** The transcript export formats (`--format`, Export…). */
export const EXPORT_FORMAT_IDS = ['md', 'srt', 'vtt', 'json', 'txt'] as const;
export type ExportFormat = (typeof EXPORT_FORMAT_IDS)[number];

/** Whether `value` is one of `list`'s values. */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
