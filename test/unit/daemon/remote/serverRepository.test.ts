// export-server-model's Triton repository (daemon/remote/serverRepository.ts, tritonConfig.ts): the
// files, what the configs say (and that each setting is explained), the encoder copied or linked byte
// for byte, nothing replaced without overwrite, and the exported argmax model giving, under
// onnxruntime-node, the ids the local decoder takes from the exported encoder's logits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { exportServerRepository } from '../../../../daemon/remote/serverRepository';
import { SenseVoiceModel } from '../../../../daemon/inference/senseVoiceModel';
import { ctcDecode, ctcDecodeIds } from '../../../../daemon/decoding/ctcDecode';
import { AUDIO, tempDir } from '../../../helpers/paths';
import { testModel } from '../../../helpers/testModels';
import { readPcm16Wav } from '../features/helpers';

const FILES = [
  'sensevoice/config.pbtxt',
  'sensevoice_encoder/config.pbtxt',
  'sensevoice_argmax/config.pbtxt',
  'sensevoice_argmax/1/model.onnx',
  'sensevoice_encoder/1/model.onnx',
];

/** Top-level settings of a config.pbtxt without a comment line right above them. */
function unexplained(text: string): string[] {
  const lines = text.split('\n');
  return lines.filter((l, i) => /^[a-z_]+[:\s[{]/.test(l) && !lines[i - 1]?.startsWith('#'));
}

test('the repository holds the ensemble, the encoder and the argmax model, every setting explained', async () => {
  const m = testModel('sherpa');
  const out = path.join(tempDir('repo'), 'models');
  const r = await exportServerRepository({ modelPath: m.dir, out });
  assert.deepEqual(r.files, FILES);
  assert.equal(r.modelName, 'sensevoice');
  assert.equal(r.linked, false);
  assert.deepEqual(fs.readFileSync(path.join(out, 'sensevoice_encoder/1/model.onnx')), fs.readFileSync(m.model));
  assert.ok(fs.statSync(path.join(out, 'sensevoice/1')).isDirectory(), 'an ensemble needs its version folder');

  const enc = fs.readFileSync(path.join(out, 'sensevoice_encoder/config.pbtxt'), 'utf8');
  for (const want of [
    'name: "sensevoice_encoder"',
    'platform: "onnxruntime_onnx"',
    'max_batch_size: 16',
    'name: "x"',
    'dims: [ -1, 560 ]',
    'name: "x_length"',
    'reshape: { shape: [ ] }',
    'name: "logits"',
    'dims: [ -1, 25055 ]',
    'preferred_batch_size: [ 4, 8, 16 ]',
    'max_queue_delay_microseconds: 2000',
    'kind: KIND_GPU',
  ]) {
    assert.ok(enc.includes(want), `encoder config has ${want}`);
  }
  const ens = fs.readFileSync(path.join(out, 'sensevoice/config.pbtxt'), 'utf8');
  for (const want of [
    'platform: "ensemble"',
    'model_name: "sensevoice_encoder"',
    'model_name: "sensevoice_argmax"',
    'input_map { key: "text_norm" value: "text_norm" }',
    'output_map { key: "logits" value: "logits" }',
    'output_map { key: "token_ids_no_emo_unknown" value: "token_ids_no_emo_unknown" }',
    'name: "token_ids"',
    'data_type: TYPE_INT32',
  ]) {
    assert.ok(ens.includes(want), `ensemble config has ${want}`);
  }
  for (const f of FILES.filter((x) => x.endsWith('.pbtxt'))) {
    const text = fs.readFileSync(path.join(out, f), 'utf8');
    assert.deepEqual(unexplained(text), [], `${f}: every top-level setting has a comment`);
    assert.equal((text.match(/\{/g) ?? []).length, (text.match(/\}/g) ?? []).length, `${f}: braces balance`);
    assert.equal((text.match(/\[/g) ?? []).length, (text.match(/\]/g) ?? []).length, `${f}: brackets balance`);
  }
  assert.deepEqual(unexplained('name: "x"\n'), ['name: "x"'], 'the check can fail');
});

test('the FunASR layout keeps its tensor names; CPU instances and a hard link when asked', async () => {
  const m = testModel('funasr');
  const out = path.join(tempDir('repo-funasr'), 'models');
  const r = await exportServerRepository({ modelPath: m.dir, out, link: true, instanceKind: 'cpu', instanceCount: 2 });
  assert.equal(r.linked, true);
  assert.equal(fs.statSync(path.join(out, 'sensevoice_encoder/1/model.onnx')).ino, fs.statSync(m.model).ino);
  const enc = fs.readFileSync(path.join(out, 'sensevoice_encoder/config.pbtxt'), 'utf8');
  for (const want of [
    'name: "speech"',
    'name: "speech_lengths"',
    'name: "textnorm"',
    'name: "ctc_logits"',
    'kind: KIND_CPU',
    'count: 2',
  ]) {
    assert.ok(enc.includes(want), want);
  }
});

test('an existing export is never replaced without overwrite; with it, the files are rewritten', async () => {
  const m = testModel('sherpa');
  const out = path.join(tempDir('repo-twice'), 'models');
  await exportServerRepository({ modelPath: m.dir, out });
  const cfg = path.join(out, 'sensevoice/config.pbtxt');
  fs.writeFileSync(cfg, '# my edits\n');
  await assert.rejects(
    exportServerRepository({ modelPath: m.dir, out }),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.ModelExists && /--force/.test(e.message),
  );
  assert.equal(fs.readFileSync(cfg, 'utf8'), '# my edits\n', 'the edited file is untouched');
  await exportServerRepository({ modelPath: m.dir, out, overwrite: true });
  assert.match(fs.readFileSync(cfg, 'utf8'), /platform: "ensemble"/);
});

test('the exported argmax model gives the ids of the exported encoder logits, as the local decoder takes them', async () => {
  const m = testModel('sherpa');
  const out = path.join(tempDir('repo-run'), 'models');
  await exportServerRepository({ modelPath: m.dir, out });
  const local = await SenseVoiceModel.load({ dir: m.dir, provider: 'cpu', threads: 1, warmUp: false });
  const encoder = await ort.InferenceSession.create(path.join(out, 'sensevoice_encoder/1/model.onnx'));
  const argmax = await ort.InferenceSession.create(path.join(out, 'sensevoice_argmax/1/model.onnx'));
  try {
    const samples = readPcm16Wav(path.join(AUDIO, 'sense_voice/en.wav')).samples;
    const f = local.frontEnd.compute({ samples });
    const logits = (
      await encoder.run({
        x: new ort.Tensor('float32', f.data.slice(0, f.frames * f.dim), [1, f.frames, f.dim]),
        x_length: new ort.Tensor('int32', Int32Array.from([f.frames]), [1]),
        language: new ort.Tensor('int32', Int32Array.from([0]), [1]),
        text_norm: new ort.Tensor('int32', Int32Array.from([15]), [1]),
      })
    ).logits!;
    const ids = await argmax.run({ logits });
    const opts = { tokens: local.folder.tokens };
    const fromLogits = ctcDecode(logits.data as Float32Array, opts);
    assert.ok(fromLogits.tokens.length > 0);
    assert.deepEqual(ctcDecodeIds(ids.token_ids!.data as Int32Array, opts), fromLogits);
    assert.deepEqual(
      ctcDecodeIds(ids.token_ids_no_emo_unknown!.data as Int32Array, opts),
      ctcDecode(logits.data as Float32Array, { ...opts, banEmotionUnknown: true }),
    );
  } finally {
    await Promise.all([encoder.release(), argmax.release(), local.dispose()]);
  }
});
