// The server-side argmax model (daemon/remote/argmaxModel.ts), run with onnxruntime-node on the
// synthetic encoder's real logits: its ids are the local decoder's argmax, plain and with
// EMO_UNKNOWN banned, so a transcript decoded from them is the one decoded from the logits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildArgmaxModel } from '../../../../daemon/remote/argmaxModel';
import { SenseVoiceModel } from '../../../../daemon/inference/senseVoiceModel';
import { ctcDecode, ctcDecodeIds } from '../../../../daemon/decoding/ctcDecode';
import { tagId } from '../../../../daemon/decoding/richTags';
import { EMOTION_UNKNOWN } from '../../../../common/richTags';
import { AUDIO } from '../../../helpers/paths';
import { testModel } from '../../../helpers/testModels';
import { readPcm16Wav } from '../features/helpers';

test('argmax ids from the ONNX model decode to the same result as the logits, with and without the ban', async () => {
  const model = await SenseVoiceModel.load({
    dir: testModel('sherpa').dir,
    provider: 'cpu',
    threads: 1,
    warmUp: false,
  });
  const tokens = model.folder.tokens;
  const emoUnknown = tagId(tokens, EMOTION_UNKNOWN)!;
  const argmax = await ort.InferenceSession.create(
    buildArgmaxModel({ logitsName: 'logits', vocabSize: model.folder.vocabSize, emotionUnknownId: emoUnknown }),
  );
  try {
    const clips = fs.readdirSync(path.join(AUDIO, 'sense_voice')).filter((f) => f.endsWith('.wav'));
    const features = clips.map((c) =>
      model.frontEnd.compute({ samples: readPcm16Wav(path.join(AUDIO, 'sense_voice', c)).samples }),
    );
    const logits = await model.runBatch(features.map((f) => ({ features: f, language: 0, textNorm: 15 })));
    for (const [i, l] of logits.entries()) {
      const t = new ort.Tensor('float32', l.data.slice(), [1, l.frames, l.vocab]);
      const out = await argmax.run({ logits: t });
      for (const [name, ban] of [
        ['token_ids', false],
        ['token_ids_no_emo_unknown', true],
      ] as const) {
        const ids = out[name]!;
        assert.equal(ids.type, 'int32');
        assert.deepEqual(ids.dims, [1, l.frames]);
        const opts = { tokens, vocab: l.vocab, banEmotionUnknown: ban };
        assert.deepEqual(ctcDecodeIds(ids.data as Int32Array, opts), ctcDecode(l.data, opts), `${clips[i]} ban ${ban}`);
      }
      assert.ok(
        !(out.token_ids_no_emo_unknown!.data as Int32Array).includes(emoUnknown),
        'never EMO_UNKNOWN when banned',
      );
    }
    // A row led by EMO_UNKNOWN, a tie after it, and a row of equal values: the ban takes the runner-up,
    // ties go to the lower id (as in the local decoder).
    const V = model.folder.vocabSize;
    const rows = new Float32Array(3 * V);
    rows[emoUnknown] = 9;
    rows[25004] = 5;
    rows[25001] = 5;
    rows[V + 7] = 2;
    const out = await argmax.run({ logits: new ort.Tensor('float32', rows, [1, 3, V]) });
    assert.deepEqual(Array.from(out.token_ids!.data as Int32Array), [emoUnknown, 7, 0]);
    assert.deepEqual(Array.from(out.token_ids_no_emo_unknown!.data as Int32Array), [25001, 7, 0]);
  } finally {
    await argmax.release();
    await model.dispose();
  }
});
