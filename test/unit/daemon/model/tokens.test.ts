import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  PieceType,
  parseSentencePieceModel,
  readSentencePieceTokens,
} from '../../../../daemon/model/sentencePieceModel';
import { TokenTableError, parseTokensJson, parseTokensTxt, readTokenTable } from '../../../../daemon/model/tokens';
import { ASSETS } from '../../../helpers/paths';

const TOKENS_TXT = path.join(ASSETS, 'tokens.txt');
const BPE_MODEL = path.join(ASSETS, 'chn_jpn_yue_eng_ko_spectok.bpe.model');

describe('tokens.txt', () => {
  test('the real table has 25055 pieces with the tags at their documented ids', async () => {
    const tokens = await readTokenTable(TOKENS_TXT);
    assert.equal(tokens.length, 25055);
    assert.deepEqual(tokens.slice(0, 4), ['<unk>', '<s>', '</s>', '▁the']);
    assert.equal(tokens[124], '▁');
    const expected: Record<number, string> = {
      24884: '<|zh|>',
      24885: '<|en|>',
      24888: '<|yue|>',
      24892: '<|ja|>',
      24896: '<|ko|>',
      24992: '<|nospeech|>',
      24993: '<|Speech|>',
      24995: '<|BGM|>',
      24997: '<|Laughter|>',
      24999: '<|Applause|>',
      25001: '<|HAPPY|>',
      25002: '<|SAD|>',
      25003: '<|ANGRY|>',
      25004: '<|NEUTRAL|>',
      25005: '<|FEARFUL|>',
      25006: '<|DISGUSTED|>',
      25007: '<|SURPRISED|>',
      25008: '<|OTHER|>',
      25009: '<|EMO_UNKNOWN|>',
      25010: '<|Cry|>',
      25011: '<|Sneeze|>',
      25012: '<|Breath|>',
      25013: '<|Cough|>',
      25014: '<|Sing|>',
      25015: '<|Speech_Noise|>',
      25016: '<|withitn|>',
      25017: '<|woitn|>',
      25018: '<|GBG|>',
      25019: '<|Event_UNK|>',
    };
    for (const [id, piece] of Object.entries(expected)) assert.equal(tokens[Number(id)], piece, `id ${id}`);
    // No piece contains whitespace, so sherpa-onnx's `is >> sym >> id` reads the same table.
    assert.ok(tokens.every((t) => !/\s/u.test(t)));
  });

  test('ids may come in any order; CRLF, a BOM and blank lines are tolerated', () => {
    assert.deepEqual(parseTokensTxt('\uFEFFb 1\r\n\r\na 0\r\nc d 2\n'), ['a', 'b', 'c d']);
  });

  test('a repeated id, a gap or a malformed line is an error naming the line', () => {
    assert.throws(
      () => parseTokensTxt('a 0\nb 0\n', 'x.txt'),
      (e: Error) => e instanceof TokenTableError && /x\.txt line 2 repeats id 0/.test(e.message),
    );
    assert.throws(() => parseTokensTxt('a 0\nb 2\n', 'x.txt'), /has 2 tokens but uses id 2.*id 1 is missing/);
    assert.throws(
      () => parseTokensTxt('a 0\nbroken\n', 'x.txt'),
      /x\.txt line 2 is "broken"; expected a token, a space and its id/,
    );
    assert.throws(() => parseTokensTxt('\n\n', 'x.txt'), /holds no tokens/);
  });

  test('tokens.json is a JSON array indexed by id', async () => {
    assert.deepEqual(parseTokensJson('["<unk>","▁a"]'), ['<unk>', '▁a']);
    assert.throws(() => parseTokensJson('{"a":1}'), /non-empty JSON array/);
    assert.throws(() => parseTokensJson('[1]'), /entry 0 is 1; expected a string/);
    assert.throws(() => parseTokensJson('[', 't.json'), /t\.json is not valid JSON/);
  });
});

describe('SentencePiece model', () => {
  test('the real bpe model and the real tokens.txt agree on all 25055 pieces', async () => {
    const [fromTxt, fromBpe] = await Promise.all([readTokenTable(TOKENS_TXT), readSentencePieceTokens(BPE_MODEL)]);
    assert.equal(fromBpe.length, 25055);
    const differ = fromTxt.map((t, i) => (t === fromBpe[i] ? -1 : i)).filter((i) => i >= 0);
    assert.deepEqual(differ, []);
  });

  test('piece types and scores are read', async () => {
    const pieces = parseSentencePieceModel(await fs.readFile(BPE_MODEL));
    assert.deepEqual(pieces[0], { piece: '<unk>', score: 0, type: PieceType.Unknown });
    assert.equal(pieces[1]!.type, PieceType.Control);
    assert.equal(pieces[3]!.piece, '▁the');
    assert.ok(pieces[3]!.score < 0);
    // The rich tags are ordinary pieces in this model, not user-defined ones.
    assert.equal(pieces[25009]!.type, PieceType.Normal);
  });

  test('a file that is not a SentencePiece model is rejected', async () => {
    assert.throws(
      () => parseSentencePieceModel(Buffer.from('<unk> 0\n'), 'x.model'),
      (e: Error) => e instanceof TokenTableError && /x\.model is not a SentencePiece model/.test(e.message),
    );
    assert.throws(() => parseSentencePieceModel(new Uint8Array(0), 'x.model'), /holds no pieces/);
    const tokensTxt = await fs.readFile(TOKENS_TXT);
    assert.throws(() => parseSentencePieceModel(tokensTxt, 'tokens.txt'), TokenTableError);
  });
});
