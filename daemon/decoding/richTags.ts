// SenseVoice's rich-transcription tags: the language, emotion, event and text-norm tokens the four
// query frames emit, identified by their spelling in tokens.txt (`<|en|>`, `<|HAPPY|>`, …) rather
// than by id, so the decoder works with any token table that spells them the usual way. Tags travel
// as bare names ('en', 'NEUTRAL', 'Speech', 'woitn'); renderTag gives back the `<|…|>` form.
import { EMOTION_EMOJI, EMOTIONS, EVENT_EMOJI, EVENTS, TEXT_NORMS } from '../../common/richTags';

export type TagKind = 'language' | 'emotion' | 'event' | 'textNorm';

const emotionSet = new Set<string>(EMOTIONS);
const eventSet = new Set<string>(EVENTS);
const textNormSet = new Set<string>(TEXT_NORMS);
// Language tags are lower-case codes (`en`, `yue`, `zh/en`, `minnan`, `nospeech`); the other
// `<|…|>` pieces are upper-case (`ASR`, `SPECIAL_TOKEN_1`) or closing tags (`/Speech`).
const languagePattern = /^[a-z]{2,10}(\/[a-z]{2,10})?$/;

/** 'en' for '<|en|>'; null for a piece that is not a `<|…|>` tag. */
export function tagName(piece: string): string | null {
  return piece.length > 4 && piece.startsWith('<|') && piece.endsWith('|>') ? piece.slice(2, -2) : null;
}

/** '<|en|>' for 'en'. */
export function renderTag(name: string): string {
  return `<|${name}|>`;
}

/** Which query slot a piece belongs to, if it is one of the rich tags. */
export function classifyTag(piece: string): { kind: TagKind; name: string } | null {
  const name = tagName(piece);
  if (name === null) return null;
  if (textNormSet.has(name)) return { kind: 'textNorm', name };
  if (emotionSet.has(name)) return { kind: 'emotion', name };
  if (eventSet.has(name)) return { kind: 'event', name };
  if (languagePattern.test(name)) return { kind: 'language', name };
  return null;
}

/** The id of `<|name|>` in a token table, or undefined. */
export function tagId(tokens: readonly string[], name: string): number | undefined {
  const i = tokens.indexOf(renderTag(name));
  return i >= 0 ? i : undefined;
}

/** What renderRichText needs from a decoded utterance. */
export interface RichTextSource {
  text: string;
  emotion: string | null;
  event: string | null;
}

/** The conventional rich rendering: event emoji, the text, then the emotion emoji ("🎼Hello😊"). */
export function renderRichText(r: RichTextSource): string {
  const event = (r.event && EVENT_EMOJI[r.event]) ?? '';
  const emotion = (r.emotion && EMOTION_EMOJI[r.emotion]) ?? '';
  return `${event}${r.text}${emotion}`;
}
