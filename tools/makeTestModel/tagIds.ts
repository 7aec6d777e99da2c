// Token ids of SenseVoiceSmall's tokens.txt that the synthetic model emits in its four query frames.
// Ids are those of the real vocabulary (see README.md here), so decoders built against the
// real model read the synthetic one unchanged.

export const VOCAB_SIZE = 25055;
export const BLANK_ID = 0;
/** First id of the `<|...|>` special tokens; ordinary text pieces are 3..24883 (1 and 2 are <s>, </s>). */
export const FIRST_SPECIAL_ID = 24884;
/** The model's 4 query frames, prepended before the T text frames. */
export const QUERY_FRAMES = 4;

/** `language` input values (as in metadata lang_*), each with the tag the language frame then emits. */
export const LANGUAGES = [
  { name: 'zh', input: 3, tag: '<|zh|>', id: 24884 },
  { name: 'en', input: 4, tag: '<|en|>', id: 24885 },
  { name: 'yue', input: 7, tag: '<|yue|>', id: 24888 },
  { name: 'ja', input: 11, tag: '<|ja|>', id: 24892 },
  { name: 'ko', input: 12, tag: '<|ko|>', id: 24896 },
  { name: 'nospeech', input: 13, tag: '<|nospeech|>', id: 24992 },
] as const;
export const LANG_AUTO = 0;

export const EMOTIONS = [
  { tag: '<|HAPPY|>', id: 25001 },
  { tag: '<|SAD|>', id: 25002 },
  { tag: '<|ANGRY|>', id: 25003 },
  { tag: '<|NEUTRAL|>', id: 25004 },
  { tag: '<|FEARFUL|>', id: 25005 },
  { tag: '<|DISGUSTED|>', id: 25006 },
  { tag: '<|SURPRISED|>', id: 25007 },
  { tag: '<|OTHER|>', id: 25008 },
] as const;
export const EMO_UNKNOWN_ID = 25009;

export const EVENTS = [
  { tag: '<|Speech|>', id: 24993 },
  { tag: '<|BGM|>', id: 24995 },
  { tag: '<|Laughter|>', id: 24997 },
  { tag: '<|Applause|>', id: 24999 },
  { tag: '<|Cry|>', id: 25010 },
  { tag: '<|Sneeze|>', id: 25011 },
  { tag: '<|Breath|>', id: 25012 },
  { tag: '<|Cough|>', id: 25013 },
] as const;

/** `text_norm` input values (metadata with_itn / without_itn) and the tags the fourth frame emits. */
export const WITH_ITN = { input: 14, tag: '<|withitn|>', id: 25016 } as const;
export const WITHOUT_ITN = { input: 15, tag: '<|woitn|>', id: 25017 } as const;
