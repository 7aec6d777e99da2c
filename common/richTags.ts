// SenseVoice's rich-transcription tags as bare names ('en', 'NEUTRAL', 'Speech') and the conventional
// emoji for them. The decoder (daemon/decoding/richTags.ts) finds them in the token table; the
// transcript formats, the cli and the transcript page label them. The hint languages are in values.ts.

/** `nospeech` sits in the language slot: the model's verdict that nothing was said. */
export const NO_SPEECH = 'nospeech';
export const EMOTIONS = [
  'HAPPY',
  'SAD',
  'ANGRY',
  'NEUTRAL',
  'FEARFUL',
  'DISGUSTED',
  'SURPRISED',
  'OTHER',
  'EMO_UNKNOWN',
] as const;
export const EVENTS = [
  'Speech',
  'BGM',
  'Laughter',
  'Applause',
  'Cry',
  'Sneeze',
  'Breath',
  'Cough',
  'Sing',
  'Speech_Noise',
  'GBG',
  'Event_UNK',
] as const;
export const TEXT_NORMS = ['withitn', 'woitn'] as const;
export const EMOTION_UNKNOWN = 'EMO_UNKNOWN';

/** The conventional rich-text emoji; NEUTRAL, Speech and the unknowns have none. */
export const EMOTION_EMOJI: Readonly<Record<string, string>> = {
  HAPPY: '😊',
  SAD: '😔',
  ANGRY: '😡',
  FEARFUL: '😰',
  DISGUSTED: '🤢',
  SURPRISED: '😮',
};
export const EVENT_EMOJI: Readonly<Record<string, string>> = {
  BGM: '🎼',
  Applause: '👏',
  Laughter: '😀',
  Cry: '😭',
  Sneeze: '🤧',
  Cough: '😷',
};
