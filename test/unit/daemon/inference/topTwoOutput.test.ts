// The TopK output appended to SenseVoice's graph (daemon/inference/topTwoOutput.ts): the session's
// ids decode to exactly what the logits decode to, plain and with EMO_UNKNOWN banned, one utterance
// or a padded batch, both layouts and the int8 model; ties go to the lower id like the JS argmax; a
// file that is not a model is refused by the splice (the loader then takes the file as it is).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { DataType, GraphBuilder } from '../../../../common/onnx/graphBuilder';
import { concatParts } from '../../../../common/onnx/protoWriter';
import { EMOTION_UNKNOWN } from '../../../../common/richTags';
import { ctcDecode, ctcDecodeIds } from '../../../../daemon/decoding/ctcDecode';
import { tagId } from '../../../../daemon/decoding/richTags';
import { SenseVoiceModel, type Logits } from '../../../../daemon/inference/senseVoiceModel';
import type { FrameOutput } from '../../../../daemon/remote/remoteModel';
import { modelWithTopTwo, TOP_TWO } from '../../../../daemon/inference/topTwoOutput';
import { AUDIO } from '../../../helpers/paths';
import { testModel } from '../../../helpers/testModels';
import { readPcm16Wav } from '../features/helpers';

const clips = fs.readdirSync(path.join(AUDIO, 'sense_voice')).filter((f) => f.endsWith('.wav'));

for (const [layout, int8] of [
  ['sherpa', false],
  ['funasr', false],
  ['sherpa', true],
] as const) {
  test(`${layout}${int8 ? ' int8' : ''}: the session's ids decode as its logits do, with and without the ban`, async () => {
    const model = await SenseVoiceModel.load({
      dir: testModel(layout, { int8 }).dir,
      provider: 'cpu',
      threads: 1,
      idsInRuntime: true,
    });
    try {
      assert.equal(model.idsInRuntime, true);
      assert.ok(model.session.outputNames.includes(TOP_TWO.ids));
      const tokens = model.folder.tokens;
      const features = clips.map((c) =>
        model.frontEnd.compute({ samples: readPcm16Wav(path.join(AUDIO, 'sense_voice', c)).samples }),
      );
      const items = features.map((f) => ({ features: f, language: model.languageId('auto'), textNorm: 15 }));
      // One at a time and all at once (padded to the longest): the same rows either way, except on
      // int8, whose dynamic quantisation scales by the whole batch's range (the daemon runs int8
      // models one utterance at a time: batchScheduler.ts).
      const logits: Logits[] = [];
      for (const it of items) logits.push(...(await model.runBatch([it])));
      for (const ban of [false, true]) {
        const one: FrameOutput[] = [];
        for (const it of items) one.push(...(await model.recognise([{ ...it, banEmotionUnknown: ban }])));
        const batch = int8 ? one : await model.recognise(items.map((it) => ({ ...it, banEmotionUnknown: ban })));
        for (const [i, l] of logits.entries()) {
          const opts = { tokens, vocab: l.vocab, banEmotionUnknown: ban };
          const expected = ctcDecode(l.data, opts);
          for (const got of [one[i]!, batch[i]!]) {
            assert.equal(got.kind, 'ids');
            if (got.kind !== 'ids') continue;
            assert.equal(got.frames, l.frames, clips[i]);
            assert.deepEqual(ctcDecodeIds(got.ids, opts), expected, `${clips[i]} ban ${ban}`);
          }
        }
      }
    } finally {
      await model.dispose();
    }
  });
}

test('without idsInRuntime the session is the file itself and recognise gives logits', async () => {
  const model = await SenseVoiceModel.load({
    dir: testModel('sherpa').dir,
    provider: 'cpu',
    threads: 1,
    warmUp: false,
  });
  try {
    assert.equal(model.idsInRuntime, false);
    assert.ok(!model.session.outputNames.includes(TOP_TWO.ids));
    const features = model.frontEnd.compute({ samples: new Float32Array(8000) });
    const [out] = await model.recognise([{ features, language: 0, textNorm: 15, banEmotionUnknown: false }]);
    assert.equal(out!.kind, 'logits');
  } finally {
    await model.dispose();
  }
});

test('ties go to the lower id and the runner-up follows; the rest of the graph is untouched', async () => {
  const V = 25055;
  const g = new GraphBuilder('logits_only');
  g.input('x', DataType.FLOAT, [1, 'T', V]);
  g.node('Identity', ['x'], '', {}, ['logits']);
  g.output('logits', DataType.FLOAT, [1, 'T', V]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-top2-'));
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, concatParts(g.encode({ producerName: 'test', metadata: [['vocab_size', String(V)]] })));
  const session = await ort.InferenceSession.create(modelWithTopTwo(file, 'logits'));
  try {
    const emoUnknown = tagId(testModelTokens(), EMOTION_UNKNOWN)!;
    const rows = new Float32Array(3 * V);
    rows[emoUnknown] = 9;
    rows[25004] = 5;
    rows[25001] = 5;
    rows[V + 7] = 2;
    const out = await session.run({ x: new ort.Tensor('float32', rows, [1, 3, V]) });
    assert.deepEqual(Array.from(out[TOP_TWO.ids]!.data as BigInt64Array, Number), [emoUnknown, 25001, 7, 0, 0, 1]);
    assert.deepEqual(out.logits!.data, rows);
  } finally {
    await session.release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is not an ONNX model is refused by the splice, naming what is wrong', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sv-top2-'));
  try {
    const text = path.join(dir, 'notes.onnx');
    fs.writeFileSync(text, 'this is not a model\n');
    assert.throws(() => modelWithTopTwo(text, 'logits'), /./);
    const empty = path.join(dir, 'empty.onnx');
    fs.writeFileSync(empty, '');
    assert.throws(() => modelWithTopTwo(empty, 'logits'), /no graph field/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function testModelTokens(): string[] {
  return fs
    .readFileSync(path.join(testModel('sherpa').dir, 'tokens.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.slice(0, l.lastIndexOf(' ')));
}
