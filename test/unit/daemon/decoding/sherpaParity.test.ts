// ctcDecode against sherpa-onnx itself: a one-hot "model" fixes the logits frame by frame, sherpa-onnx
// runs it end to end, and our decoder reads the same logits. Tags, tokens, timestamps and text must
// agree exactly (text up to trailing spaces, which sherpa-onnx keeps and we trim).

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ctcDecode, sherpaTags } from '../../../../daemon/decoding/ctcDecode';
import { readTokenTable } from '../../../../daemon/model/tokens';
import { oneHotLogits, oneHotSherpaModel, writeModel } from '../../../fixtures/onnxModels';
import { ASSETS } from '../../../helpers/paths';

const TOKENS_TXT = path.join(ASSETS, 'tokens.txt');

interface SherpaResult {
  lang: string;
  emotion: string;
  event: string;
  text: string;
  tokens: string[];
  timestamps: number[];
}
interface Sherpa {
  OfflineRecognizer: new (config: unknown) => {
    createStream(): { acceptWaveform(w: { sampleRate: number; samples: Float32Array }): void };
    decode(stream: unknown): void;
    getResult(stream: unknown): SherpaResult;
  };
}

let sherpa: Sherpa | null = null;
let loadError = '';
try {
  sherpa = createRequire(__filename)('sherpa-onnx-node') as Sherpa;
} catch (err) {
  loadError = `sherpa-onnx-node cannot be loaded here: ${(err as Error).message.split('\n')[0]}`;
}

let tmp: string;
let tokens: string[];
let caseNo = 0;
before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sv-parity-'));
  tokens = await readTokenTable(TOKENS_TXT);
});
after(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** 20 s of a quiet tone: about 333 logit frames, more than any case below uses. */
const samples = Float32Array.from({ length: 20 * 16000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 220 * i) / 16000));

async function runSherpa(ids: number[]): Promise<SherpaResult> {
  const model = path.join(tmp, `case${caseNo++}.onnx`);
  await writeModel(model, oneHotSherpaModel(ids, { maxFrames: 600 }));
  const recognizer = new sherpa!.OfflineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      senseVoice: { model, language: '', useInverseTextNormalization: 0 },
      tokens: TOKENS_TXT,
      numThreads: 1,
      provider: 'cpu',
      debug: 0,
    },
  });
  const stream = recognizer.createStream();
  stream.acceptWaveform({ sampleRate: 16000, samples });
  recognizer.decode(stream);
  return recognizer.getResult(stream);
}

async function assertParity(ids: number[]): Promise<void> {
  const theirs = await runSherpa(ids);
  const ours = ctcDecode(oneHotLogits(ids, ids.length + 8), { tokens });
  assert.deepEqual(sherpaTags(ours), { lang: theirs.lang, emotion: theirs.emotion, event: theirs.event });
  assert.deepEqual(
    ours.tokens.map((t) => t.text),
    theirs.tokens,
  );
  assert.deepEqual(
    ours.tokens.map((t) => t.start),
    theirs.timestamps,
  );
  assert.equal(ours.text, theirs.text.replace(/ +$/, ''));
}

const id = (piece: string): number => {
  const i = tokens.indexOf(piece);
  assert.ok(i >= 0, piece);
  return i;
};
/** An id past the vocabulary: the one-hot row is all zeros, a tie that argmax must give to id 0. */
const TIE = 1_000_000;

describe('ctcDecode matches sherpa-onnx-node', { skip: sherpa ? false : loadError }, () => {
  test('English with repeats, blanks, a lone ▁ and a tie frame', async () => {
    const T = ['<|en|>', '<|NEUTRAL|>', '<|Speech|>', '<|woitn|>'].map(id);
    await assertParity([...T, 0, 3, 3, 0, 3, 124, 5, 5, TIE, 9, 0, 0, id('▁world'), id('▁world')]);
  });

  test('Chinese with ITN, another event and emotion', async () => {
    const T = ['<|zh|>', '<|HAPPY|>', '<|BGM|>', '<|withitn|>'].map(id);
    const text = ['你', '好', '，', '世', '界', '。'].map(id);
    await assertParity([...T, text[0]!, 0, text[1]!, text[2]!, text[2]!, 0, text[3]!, TIE, text[4]!, text[5]!]);
  });

  test('leading and trailing lone ▁, a tag token inside the text', async () => {
    const T = ['<|en|>', '<|SAD|>', '<|Laughter|>', '<|woitn|>'].map(id);
    await assertParity([...T, 124, 0, 124, 3, id('<|Speech|>'), 5, 0, 124]);
  });

  test('tags only, and nospeech', async () => {
    await assertParity(['<|nospeech|>', '<|EMO_UNKNOWN|>', '<|Event_UNK|>', '<|woitn|>'].map(id));
  });

  test('300 random frames', async () => {
    let s = 12345;
    const rnd = (): number => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const ids = ['<|ja|>', '<|ANGRY|>', '<|Applause|>', '<|woitn|>'].map(id);
    for (let t = 0; t < 300; t++) {
      const r = rnd();
      ids.push(r < 0.4 ? 0 : r < 0.5 ? ids[ids.length - 1]! : r < 0.52 ? TIE : Math.floor(rnd() * 25055));
    }
    await assertParity(ids);
  });
});
