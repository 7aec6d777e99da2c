import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { ctcDecode, pieceText, sherpaTags } from '../../../../daemon/decoding/ctcDecode';
import { classifyTag, renderRichText, renderTag, tagName } from '../../../../daemon/decoding/richTags';
import { readTokenTable } from '../../../../daemon/model/tokens';
import { ASSETS } from '../../../helpers/paths';

const V = 25055;
const ID = {
  blank: 0,
  the: 3,
  to: 5,
  apos: 9,
  space: 124,
  zh: 24884,
  en: 24885,
  nospeech: 24992,
  Speech: 24993,
  BGM: 24995,
  Laughter: 24997,
  HAPPY: 25001,
  SAD: 25002,
  NEUTRAL: 25004,
  EMO_UNKNOWN: 25009,
  Cough: 25013,
  withitn: 25016,
  woitn: 25017,
};
let tokens: string[];
before(async () => {
  tokens = await readTokenTable(path.join(ASSETS, 'tokens.txt'));
});

/** Logits where each frame's scores are given as {id: score}; every other id scores -10. */
function logits(frames: Record<number, number>[]): Float32Array {
  const data = new Float32Array(frames.length * V).fill(-10);
  frames.forEach((scores, t) => {
    for (const [id, s] of Object.entries(scores)) data[t * V + Number(id)] = s;
  });
  return data;
}
/** One-hot frames: the argmax of frame t is ids[t]. */
const frames = (...ids: number[]): Float32Array => logits(ids.map((id) => ({ [id]: 0 })));
const TAGS = [ID.en, ID.NEUTRAL, ID.Speech, ID.woitn];

describe('ctcDecode', () => {
  test('splits the tags, merges repeats, drops blanks and times tokens from frame 4', () => {
    const r = ctcDecode(
      frames(...TAGS, ID.blank, ID.the, ID.the, ID.blank, ID.the, ID.space, ID.to, ID.to, ID.blank, ID.apos),
      { tokens },
    );
    assert.equal(r.language, 'en');
    assert.equal(r.emotion, 'NEUTRAL');
    assert.equal(r.event, 'Speech');
    assert.equal(r.textNorm, 'woitn');
    assert.deepEqual(r.tokens, [
      { id: ID.the, piece: '▁the', text: ' the', start: 0.06 },
      { id: ID.the, piece: '▁the', text: ' the', start: 0.24 },
      { id: ID.space, piece: '▁', text: ' ', start: 0.3 },
      { id: ID.to, piece: '▁to', text: ' to', start: 0.36 },
      { id: ID.apos, piece: "'", text: "'", start: 0.54 },
    ]);
    assert.equal(r.text, "the the  to'");
    assert.equal(r.start, 0.06);
    assert.equal(r.end, 0.6); // 14 frames - 4 query frames = 10 frames of 60 ms
  });

  test('times are exact decimals (k * 60 ms), not float noise', () => {
    const ids = [...TAGS];
    for (let k = 0; k < 300; k++) ids.push(k % 2 ? ID.blank : ID.the);
    const r = ctcDecode(frames(...ids), { tokens });
    r.tokens.forEach((tk, i) => assert.equal(tk.start, Number(((2 * i * 60) / 1000).toFixed(2))));
  });

  test('only tags: empty text, no tokens, start at the offset', () => {
    const r = ctcDecode(frames(...TAGS, ID.blank, ID.blank), { tokens, offsetSec: 12.5 });
    assert.equal(r.text, '');
    assert.deepEqual(r.tokens, []);
    assert.equal(r.start, 12.5);
    assert.equal(r.end, 12.62);
    assert.equal(r.language, 'en');
  });

  test('a tie goes to the lower id, as std::max_element does', () => {
    const r = ctcDecode(
      logits([
        { [ID.en]: 1 },
        { [ID.NEUTRAL]: 1 },
        { [ID.Speech]: 1 },
        { [ID.woitn]: 1 },
        { [ID.to]: 5, [ID.the]: 5 },
        {},
      ]),
      { tokens },
    );
    assert.deepEqual(
      r.tokens.map((t) => t.id),
      [ID.the],
    );
    // The all-equal frame (-10 everywhere) decodes to id 0, the blank.
    assert.equal(r.tokens.length, 1);
  });

  test('banEmotionUnknown flips an EMO_UNKNOWN frame to the runner-up emotion', () => {
    const scores = [
      { [ID.en]: 3 },
      { [ID.EMO_UNKNOWN]: 5, [ID.SAD]: 4, [ID.HAPPY]: 2 },
      { [ID.Speech]: 3 },
      { [ID.woitn]: 3 },
      { [ID.the]: 1 },
    ];
    assert.equal(ctcDecode(logits(scores), { tokens }).emotion, 'EMO_UNKNOWN');
    assert.equal(ctcDecode(logits(scores), { tokens, banEmotionUnknown: true }).emotion, 'SAD');
  });

  test('the ban applies to every frame, as FunASR sets the column to -inf', () => {
    const scores = [
      { [ID.en]: 3 },
      { [ID.NEUTRAL]: 3 },
      { [ID.Speech]: 3 },
      { [ID.woitn]: 3 },
      { [ID.EMO_UNKNOWN]: 5, [ID.to]: 4 },
    ];
    assert.equal(ctcDecode(logits(scores), { tokens }).tokens[0]!.piece, '<|EMO_UNKNOWN|>');
    assert.equal(ctcDecode(logits(scores), { tokens, banEmotionUnknown: true }).tokens[0]!.piece, '▁to');
  });

  test('tags are named by spelling, whatever order the query frames emit them in', () => {
    const r = ctcDecode(frames(ID.zh, ID.BGM, ID.HAPPY, ID.withitn, 30), { tokens });
    assert.deepEqual([r.language, r.emotion, r.event, r.textNorm], ['zh', 'HAPPY', 'BGM', 'withitn']);
  });

  test('a blank query frame leaves its slot null and keeps the text (sherpa-onnx would shift)', () => {
    const r = ctcDecode(frames(ID.en, ID.blank, ID.Speech, ID.woitn, ID.to), { tokens });
    assert.deepEqual([r.language, r.emotion, r.event, r.textNorm], ['en', null, 'Speech', 'woitn']);
    assert.equal(r.text, 'to');
    assert.deepEqual(sherpaTags(r), { lang: '<|en|>', emotion: '', event: '<|Speech|>' });
  });

  test('a text frame repeating the text-norm tag merges into it, as CTC does', () => {
    const r = ctcDecode(frames(...TAGS, ID.woitn, ID.to), { tokens });
    assert.deepEqual(
      r.tokens.map((t) => t.piece),
      ['▁to'],
    );
  });

  test('FunASR timestamps are 30 ms earlier, clamped at zero; offsetSec shifts everything', () => {
    const ids = [...TAGS, ID.the, ID.blank, ID.to];
    const funasr = ctcDecode(frames(...ids), { tokens, timestamps: 'funasr' });
    assert.deepEqual(
      funasr.tokens.map((t) => t.start),
      [0, 0.09],
    );
    const shifted = ctcDecode(frames(...ids), { tokens, offsetSec: 30 });
    assert.deepEqual(
      shifted.tokens.map((t) => t.start),
      [30, 30.12],
    );
    assert.equal(shifted.end, 30.18);
  });

  test('frames limits decoding to the valid rows of a padded output', () => {
    const r = ctcDecode(frames(...TAGS, ID.the, ID.to, ID.apos), { tokens, frames: 5 });
    assert.deepEqual(
      r.tokens.map((t) => t.id),
      [ID.the],
    );
    assert.equal(r.end, 0.06);
  });

  test('rejects logits that do not fit the vocabulary', () => {
    assert.throws(() => ctcDecode(new Float32Array(V + 1), { tokens }), /not a whole number of 25055-wide rows/);
    assert.throws(
      () => ctcDecode(new Float32Array(V * 2), { tokens: tokens.slice(0, 10), vocab: V }),
      /token table has only 10/,
    );
    assert.throws(
      () => ctcDecode(new Float32Array(V * 2), { tokens, frames: 3 }),
      /3 frames asked of logits holding 2/,
    );
  });

  test('pieceText turns only a leading ▁ into a space', () => {
    assert.equal(pieceText('▁the'), ' the');
    assert.equal(pieceText('▁'), ' ');
    assert.equal(pieceText('a▁b'), 'a▁b');
    assert.equal(pieceText('你好'), '你好');
  });
});

describe('richTags', () => {
  test('classifies tags by spelling', () => {
    assert.deepEqual(classifyTag('<|en|>'), { kind: 'language', name: 'en' });
    assert.deepEqual(classifyTag('<|nospeech|>'), { kind: 'language', name: 'nospeech' });
    assert.deepEqual(classifyTag('<|zh/en|>'), { kind: 'language', name: 'zh/en' });
    assert.deepEqual(classifyTag('<|EMO_UNKNOWN|>'), { kind: 'emotion', name: 'EMO_UNKNOWN' });
    assert.deepEqual(classifyTag('<|Speech_Noise|>'), { kind: 'event', name: 'Speech_Noise' });
    assert.deepEqual(classifyTag('<|Event_UNK|>'), { kind: 'event', name: 'Event_UNK' });
    assert.deepEqual(classifyTag('<|withitn|>'), { kind: 'textNorm', name: 'withitn' });
    for (const p of ['<|ASR|>', '<|/Speech|>', '<|SPECIAL_TOKEN_3|>', '▁the', '<unk>', '<||>'])
      assert.equal(classifyTag(p), null, p);
    assert.equal(tagName('<|en|>'), 'en');
    assert.equal(renderTag('NEUTRAL'), '<|NEUTRAL|>');
  });

  test('every tag id in REFERENCE is classified into its slot', () => {
    const kinds: Record<string, number[]> = {
      language: [24884, 24885, 24888, 24892, 24896, 24992],
      event: [24993, 24995, 24997, 24999, 25010, 25011, 25012, 25013, 25014, 25015, 25018, 25019],
      emotion: [25001, 25002, 25003, 25004, 25005, 25006, 25007, 25008, 25009],
      textNorm: [25016, 25017],
    };
    for (const [kind, ids] of Object.entries(kinds)) {
      for (const id of ids) assert.equal(classifyTag(tokens[id]!)?.kind, kind, tokens[id]);
    }
  });

  test('renders rich text: event emoji first, emotion emoji last, none for NEUTRAL/Speech/unknown', () => {
    assert.equal(renderRichText({ text: 'Hello', event: 'BGM', emotion: 'HAPPY' }), '🎼Hello😊');
    assert.equal(renderRichText({ text: 'Hello', event: 'Speech', emotion: 'NEUTRAL' }), 'Hello');
    assert.equal(renderRichText({ text: '咳', event: 'Cough', emotion: 'EMO_UNKNOWN' }), '😷咳');
    assert.equal(renderRichText({ text: '', event: 'Laughter', emotion: 'SAD' }), '😀😔');
    assert.equal(renderRichText({ text: 'x', event: null, emotion: null }), 'x');
  });
});
