// Greedy CTC decoding of one utterance's SenseVoice logits, [T + 4, vocab]: argmax per frame, merge
// repeats, drop blanks. The first four frames answer the model's query slots (language, emotion,
// event, text norm); the rest carry the text.
//
// Parity with sherpa-onnx (offline-recognizer-sense-voice-impl.h, symbol-table.cc,
// offline-ctc-greedy-search-decoder.cc; checked against sherpa-onnx-node 1.13.8 in the tests):
// - argmax keeps the first maximum (std::max_element), so a tie goes to the lower id;
// - a token's time is (frame - 4) * 60 ms; sherpa prints it with two decimals, which is exact here;
// - a token's text is its piece with a leading "▁" turned into a space; the text is their
//   concatenation with leading spaces removed (sherpa keeps trailing ones; we trim both);
// - sherpa reads the tags by position (emitted tokens 0, 1, 2) and the text from emitted token 4 on.
//   We take the tags from the tokens emitted at the four query frames, named by their spelling, and
//   the text from frames 4 on. The two agree whenever each query frame emits its tag, which a
//   trained model does; where a query frame emits blank, sherpa shifts every slot and drops a text
//   token, and we report the slot as null instead.
// ban_emo_unk follows FunASR's SenseVoiceSmall.inference: EMO_UNKNOWN's logit is -inf in every
// frame, so the emotion slot shows the runner-up emotion.

import { EMOTION_UNKNOWN } from '../../common/richTags';
import { classifyTag, renderTag, tagId } from './richTags';

/** Number of query frames the model prepends to the features. */
export const QUERY_FRAMES = 4;

export interface CtcDecodeOptions {
  /** id -> piece, as tokens.txt spells it. */
  tokens: readonly string[];
  /** Logit row length; defaults to tokens.length. */
  vocab?: number;
  /** Valid frames (T + 4) when the logits hold padding after them; defaults to all rows. */
  frames?: number;
  /** CTC blank; sherpa-onnx reads it from metadata `blank_id`, default 0. */
  blankId?: number;
  /** Never report EMO_UNKNOWN (FunASR's ban_emo_unk). */
  banEmotionUnknown?: boolean;
  /**
   * 'sherpa' (default): (frame - 4) * frameMs. 'funasr': 30 ms earlier, clamped at 0, as FunASR's
   * timestamps are (FunASR places tokens by forced alignment, so its times can still differ).
   */
  timestamps?: 'sherpa' | 'funasr';
  /** Milliseconds per logit frame: 10 ms fbank shift * LFR shift (6). */
  frameMs?: number;
  /** Seconds added to every time, e.g. the start of the segment within the file. */
  offsetSec?: number;
}

export interface DecodedToken {
  id: number;
  /** The piece as tokens.txt spells it ("▁the"). */
  piece: string;
  /** The piece as it reads in text, sherpa-onnx's token string (" the"). */
  text: string;
  /** Seconds. */
  start: number;
}

export interface CtcDecodeResult {
  /** Bare tag names ('en', 'NEUTRAL', 'Speech', 'woitn'); null when the query frame named none. */
  language: string | null;
  emotion: string | null;
  event: string | null;
  textNorm: string | null;
  text: string;
  /** The text tokens, without the tags. */
  tokens: DecodedToken[];
  /** Seconds: the first text token's start, or offsetSec when there is none. */
  start: number;
  /** Seconds: the end of the audio the logits cover, offsetSec + (frames - 4) * frameMs. */
  end: number;
}

/** Decodes `logits`, row-major [frames, vocab] for one utterance. */
export function ctcDecode(logits: Float32Array, options: CtcDecodeOptions): CtcDecodeResult {
  const { tokens } = options;
  const vocab = options.vocab ?? tokens.length;
  if (vocab <= 0 || logits.length % vocab !== 0) {
    throw new RangeError(`logits hold ${logits.length} values, not a whole number of ${vocab}-wide rows`);
  }
  if (vocab > tokens.length) {
    throw new RangeError(`logits are ${vocab} wide but the token table has only ${tokens.length} entries`);
  }
  const frames = options.frames ?? logits.length / vocab;
  if (frames * vocab > logits.length || frames < 0) {
    throw new RangeError(`${frames} frames asked of logits holding ${logits.length / vocab}`);
  }
  const banned = options.banEmotionUnknown ? (tagId(tokens, EMOTION_UNKNOWN) ?? -1) : -1;
  const ids = new Int32Array(frames);
  for (let t = 0; t < frames; t++) ids[t] = argmax(logits, t * vocab, vocab, banned);
  return ctcDecodeIds(ids, options);
}

/**
 * Decodes per-frame token ids, the argmax of each logit row, as an inference server's argmax step
 * gives them back (daemon/remote): the same result ctcDecode gives for the logits they came from.
 * banEmotionUnknown must already have been applied by whoever took the argmax.
 */
export function ctcDecodeIds(ids: Int32Array, options: CtcDecodeOptions): CtcDecodeResult {
  const { tokens } = options;
  const blankId = options.blankId ?? 0;
  const frameMs = options.frameMs ?? 60;
  const offsetMs = (options.offsetSec ?? 0) * 1000;
  const shiftMs = options.timestamps === 'funasr' ? 30 : 0;
  const frames = options.frames ?? ids.length;
  if (frames > ids.length || frames < 0) throw new RangeError(`${frames} frames asked of ${ids.length} token ids`);

  const result: CtcDecodeResult = {
    language: null,
    emotion: null,
    event: null,
    textNorm: null,
    text: '',
    tokens: [],
    start: 0,
    end: 0,
  };
  const time = (frame: number): number => {
    const ms = Math.max((frame - QUERY_FRAMES) * frameMs - shiftMs, 0);
    return Math.round(offsetMs + ms) / 1000;
  };

  let prev = -1;
  for (let t = 0; t < frames; t++) {
    const id = ids[t]!;
    if (id !== blankId && id !== prev) {
      const piece = tokens[id];
      if (piece === undefined) throw new RangeError(`token id ${id} at frame ${t} is not in the token table`);
      if (t < QUERY_FRAMES) {
        const tag = classifyTag(piece);
        if (tag && result[tag.kind] === null) result[tag.kind] = tag.name;
      } else {
        result.tokens.push({ id, piece, text: pieceText(piece), start: time(t) });
      }
    }
    prev = id;
  }

  result.text = result.tokens
    .map((tk) => tk.text)
    .join('')
    .replace(/^ +| +$/g, '');
  result.start = result.tokens.length > 0 ? result.tokens[0]!.start : Math.round(offsetMs) / 1000;
  result.end = Math.round(offsetMs + Math.max(frames - QUERY_FRAMES, 0) * frameMs) / 1000;
  return result;
}

/** A piece as it reads in text: sherpa-onnx turns a leading "▁" into a space and nothing else. */
export function pieceText(piece: string): string {
  return piece.startsWith('▁') ? ' ' + piece.slice(1) : piece;
}

/** The first index of the largest value in row [start, start + n), skipping `skip`. */
function argmax(data: Float32Array, start: number, n: number, skip: number): number {
  let best = -Infinity;
  let bestIdx = -1;
  for (let j = 0; j < n; j++) {
    if (j === skip) continue;
    const v = data[start + j]!;
    if (bestIdx < 0 || v > best) {
      best = v;
      bestIdx = j;
    }
  }
  return bestIdx;
}

/** sherpa-onnx's `lang`, `emotion`, `event` strings for a result ('' where a slot is empty). */
export function sherpaTags(r: CtcDecodeResult): { lang: string; emotion: string; event: string } {
  const wrap = (name: string | null): string => (name === null ? '' : renderTag(name));
  return { lang: wrap(r.language), emotion: wrap(r.emotion), event: wrap(r.event) };
}
