// Human words and emoji for SenseVoice's tags. Shared by the exports, the cli and the transcript
// webview (which bundles it for the browser), so it imports nothing but the tag tables.
import { EMOTION_EMOJI, EVENT_EMOJI } from '../richTags';

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  zh: 'Chinese',
  en: 'English',
  yue: 'Cantonese',
  ja: 'Japanese',
  ko: 'Korean',
  nospeech: 'No speech',
};

const EMOTION_NAMES: Readonly<Record<string, string>> = {
  HAPPY: 'Happy',
  SAD: 'Sad',
  ANGRY: 'Angry',
  NEUTRAL: 'Neutral',
  FEARFUL: 'Fearful',
  DISGUSTED: 'Disgusted',
  SURPRISED: 'Surprised',
  OTHER: 'Other',
  EMO_UNKNOWN: 'Unknown',
};

const EVENT_NAMES: Readonly<Record<string, string>> = {
  Speech: 'Speech',
  BGM: 'Music',
  Laughter: 'Laughter',
  Applause: 'Applause',
  Cry: 'Crying',
  Sneeze: 'Sneeze',
  Breath: 'Breathing',
  Cough: 'Cough',
  Sing: 'Singing',
  Speech_Noise: 'Noise',
  GBG: 'Unclear',
  Event_UNK: 'Unknown',
};

/** 'English' for 'en'; an unknown code comes back upper-cased ('minnan' -> 'MINNAN'). */
export function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? code.toUpperCase();
}

/** 'Happy' for 'HAPPY'; an unknown tag comes back as it is. */
export function emotionName(tag: string): string {
  return EMOTION_NAMES[tag] ?? tag;
}

/** 'Music' for 'BGM'; an unknown tag comes back with underscores as spaces. */
export function eventName(tag: string): string {
  return EVENT_NAMES[tag] ?? tag.replace(/_/g, ' ');
}

/** The conventional emoji of an emotion ('😊' for HAPPY); '' for NEUTRAL and the unknowns. */
export function emotionEmoji(tag: string): string {
  return EMOTION_EMOJI[tag] ?? '';
}

/** The conventional emoji of an event ('🎼' for BGM); '' for Speech and the rest. */
export function eventEmoji(tag: string): string {
  return EVENT_EMOJI[tag] ?? '';
}

/** Events that say nothing beyond "someone talks": not worth a chip, a mark or a summary line. */
export function isPlainSpeechEvent(tag: string): boolean {
  return tag === 'Speech' || tag === 'Event_UNK' || tag === '';
}

/** Emotions that carry no mood: no mark in exports. */
export function isMoodless(tag: string): boolean {
  return tag === 'NEUTRAL' || tag === 'EMO_UNKNOWN' || tag === '';
}
