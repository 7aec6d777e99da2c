import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inspectModelFolder, type Cmvn, type InspectOptions } from '../../../../daemon/model/modelFolder';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { senseVoiceIo, sherpaMetadata, writeModel, type ModelSpec, VOCAB } from '../../../fixtures/onnxModels';
import { ASSETS } from '../../../helpers/paths';

let tmp: string;
let realTokens: string;
let n = 0;

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sv-folder-'));
  realTokens = await fs.readFile(path.join(ASSETS, 'tokens.txt'), 'utf8');
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

type FileSpec = ModelSpec | string | Buffer;
/** Makes a folder of `files`: a ModelSpec is written as ONNX, a string or Buffer verbatim. */
async function folder(files: Record<string, FileSpec>): Promise<string> {
  const dir = path.join(tmp, `f${n++}`);
  await fs.mkdir(dir);
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    if (typeof content === 'string' || Buffer.isBuffer(content)) await fs.writeFile(p, content);
    else await writeModel(p, content);
  }
  return dir;
}

const sherpaModel = (metadata = sherpaMetadata(), io = senseVoiceIo('sherpa')): ModelSpec => ({ ...io, metadata });
const funasrModel = (): ModelSpec => senseVoiceIo('funasr');
const cpu: InspectOptions = { preferQuantized: true };
const gpu: InspectOptions = { preferQuantized: false };

/** Stands in for features/cmvn's am.mvn reader: records the path, returns fixed vectors. */
function fakeCmvn(dim = 560): { calls: string[]; readCmvn: (p: string) => Promise<Cmvn> } {
  const calls: string[] = [];
  return {
    calls,
    readCmvn: async (p) => {
      calls.push(p);
      return { negMean: new Float32Array(dim).fill(-1), invStddev: new Float32Array(dim).fill(0.5) };
    },
  };
}

async function rejectsWith(p: Promise<unknown>, code: number, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(err instanceof SenseVoiceError, String(err));
    assert.equal(err.code, code, err.message);
    for (const re of patterns) assert.match(err.message, re);
    return true;
  });
}

describe('inspectModelFolder: sherpa-onnx layout', () => {
  test('reads the contract from metadata and the tokens from tokens.txt', async () => {
    const dir = await folder({ 'model.int8.onnx': sherpaModel(), 'tokens.txt': realTokens });
    const info = await inspectModelFolder(dir, cpu);
    assert.equal(info.dir, dir);
    assert.equal(info.layout, 'sherpa');
    assert.equal(info.modelFile, path.join(dir, 'model.int8.onnx'));
    assert.equal(info.quantization, 'int8');
    assert.equal(info.sizeBytes, (await fs.stat(info.modelFile)).size);
    assert.deepEqual(info.inputNames, {
      features: 'x',
      lengths: 'x_length',
      language: 'language',
      textNorm: 'text_norm',
    });
    assert.equal(info.outputName, 'logits');
    assert.equal(info.vocabSize, VOCAB);
    assert.equal(info.tokens.length, VOCAB);
    assert.equal(info.tokens[24885], '<|en|>');
    assert.equal(info.tokensFile, path.join(dir, 'tokens.txt'));
    assert.ok(info.negMean instanceof Float32Array && info.negMean.length === 560);
    assert.equal(info.negMean[0], -10);
    assert.equal(info.invStddev[1], Math.fround(0.2501));
    assert.deepEqual(info.langIds, { auto: 0, zh: 3, en: 4, yue: 7, ja: 11, ko: 12, nospeech: 13 });
    assert.equal(info.withItnId, 14);
    assert.equal(info.withoutItnId, 15);
    assert.deepEqual(info.lfr, { m: 7, n: 6 });
    assert.equal(info.normalizeSamples, false);
    assert.equal(info.blankId, 0);
    assert.deepEqual(info.otherModelFiles, []);
    assert.equal(info.metadata.model_type, 'sense_voice_ctc');
  });

  test('with both files, int8 for CPU and fp32 for GPU; the other is listed', async () => {
    const dir = await folder({
      'model.int8.onnx': sherpaModel(),
      'model.onnx': sherpaModel(),
      'tokens.txt': realTokens,
    });
    const onCpu = await inspectModelFolder(dir, cpu);
    assert.equal(onCpu.modelFile, path.join(dir, 'model.int8.onnx'));
    assert.equal(onCpu.quantization, 'int8');
    assert.deepEqual(onCpu.otherModelFiles, [path.join(dir, 'model.onnx')]);
    const onGpu = await inspectModelFolder(dir, gpu);
    assert.equal(onGpu.modelFile, path.join(dir, 'model.onnx'));
    assert.equal(onGpu.quantization, 'fp32');
    assert.deepEqual(onGpu.otherModelFiles, [path.join(dir, 'model.int8.onnx')]);
  });

  test('falls back to whichever file exists', async () => {
    const fp32Only = await folder({ 'model.onnx': sherpaModel(), 'tokens.txt': realTokens });
    assert.equal((await inspectModelFolder(fp32Only, cpu)).quantization, 'fp32');
    const int8Only = await folder({ 'model.int8.onnx': sherpaModel(), 'tokens.txt': realTokens });
    assert.equal((await inspectModelFolder(int8Only, gpu)).quantization, 'int8');
  });

  test('optional metadata: lang_nospeech defaults to 13, blank_id is honoured', async () => {
    const md = sherpaMetadata({
      lang_nospeech: undefined,
      blank_id: '0',
      model_type: undefined,
      normalize_samples: '1',
    });
    const info = await inspectModelFolder(
      await folder({ 'model.onnx': sherpaModel(md), 'tokens.txt': realTokens }),
      cpu,
    );
    assert.equal(info.langIds.nospeech, 13);
    assert.equal(info.normalizeSamples, true);
  });

  test('missing tokens.txt names the file', async () => {
    const dir = await folder({ 'model.int8.onnx': sherpaModel() });
    await rejectsWith(
      inspectModelFolder(dir, cpu),
      ErrorCode.ModelInvalid,
      /tokens\.txt is missing/,
      /model\.int8\.onnx/,
    );
  });

  test('a tokens.txt of another size is caught against the logits shape', async () => {
    const short = realTokens.split('\n').slice(0, 25000).join('\n');
    const dir = await folder({ 'model.int8.onnx': sherpaModel(), 'tokens.txt': short });
    await rejectsWith(
      inspectModelFolder(dir, cpu),
      ErrorCode.ModelInvalid,
      /tokens\.txt has 25000 entries but the model's logits output has 25055/,
    );
  });

  test('… and against vocab_size when the logits width is symbolic', async () => {
    const io = senseVoiceIo('sherpa');
    io.outputs[0]!.shape = ['N', 'T', 'V'];
    const short = realTokens.split('\n').slice(0, 25000).join('\n');
    const dir = await folder({ 'model.int8.onnx': sherpaModel(sherpaMetadata(), io), 'tokens.txt': short });
    await rejectsWith(
      inspectModelFolder(dir, cpu),
      ErrorCode.ModelInvalid,
      /tokens\.txt has 25000 entries but the model's vocab_size is 25055/,
    );
  });

  test('a token table without the rich tags is not SenseVoice', async () => {
    const tokens = Array.from({ length: VOCAB }, (_, i) => `p${i} ${i}`).join('\n');
    const dir = await folder({ 'model.int8.onnx': sherpaModel(), 'tokens.txt': tokens });
    await rejectsWith(inspectModelFolder(dir, cpu), ErrorCode.ModelInvalid, /lacks SenseVoice's tags <\|zh\|>/);
  });

  test('wrong input names: not SenseVoice', async () => {
    const io = senseVoiceIo('sherpa');
    io.inputs[0]!.name = 'features';
    io.inputs[1]!.name = 'lengths';
    const dir = await folder({ 'model.int8.onnx': sherpaModel(sherpaMetadata(), io), 'tokens.txt': realTokens });
    await rejectsWith(
      inspectModelFolder(dir, cpu),
      ErrorCode.ModelInvalid,
      /model\.int8\.onnx does not look like SenseVoiceSmall: its inputs are features \(float32\), lengths \(int32\)/,
      /x, x_length, language, text_norm/,
    );
  });

  test('wrong input type or a missing output is named', async () => {
    const io = senseVoiceIo('sherpa');
    io.inputs[1]!.type = 'int64';
    io.outputs[0]!.name = 'out';
    const dir = await folder({ 'model.int8.onnx': sherpaModel(sherpaMetadata(), io), 'tokens.txt': realTokens });
    await rejectsWith(
      inspectModelFolder(dir, cpu),
      ErrorCode.ModelInvalid,
      /input x_length is int64, expected int32; output logits is missing/,
    );
  });

  test('missing metadata keys are all listed', async () => {
    const md = sherpaMetadata({ neg_mean: undefined, inv_stddev: undefined, with_itn: undefined });
    const dir = await folder({ 'model.int8.onnx': sherpaModel(md), 'tokens.txt': realTokens });
    await rejectsWith(
      inspectModelFolder(dir, cpu),
      ErrorCode.ModelInvalid,
      /metadata lacks with_itn, neg_mean, inv_stddev/,
    );
  });

  test('metadata with the wrong CMVN length, LFR, model_type or a non-number is rejected', async () => {
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ neg_mean: Array(559).fill('1').join(',') }, /CMVN neg_mean has 559 values; expected 560/],
      [{ inv_stddev: '1,2,x' }, /inv_stddev entry 2 is "x"; expected comma-separated numbers/],
      [{ lfr_window_size: '5' }, /low-frame-rate window 5 and shift 6; SenseVoiceSmall uses 7 and 6/],
      [{ model_type: 'paraformer' }, /model_type "paraformer"; expected "sense_voice_ctc"/],
      [{ lang_zh: 'three' }, /metadata lang_zh is "three"; expected an integer/],
      [{ vocab_size: '25k' }, /metadata vocab_size is "25k"; expected an integer/],
      [{ comment: 'FunASR Nano' }, /FunASR Nano model/],
    ];
    for (const [overrides, re] of cases) {
      const dir = await folder({ 'model.int8.onnx': sherpaModel(sherpaMetadata(overrides)), 'tokens.txt': realTokens });
      await rejectsWith(inspectModelFolder(dir, cpu), ErrorCode.ModelInvalid, re);
    }
  });

  test('a feature input of the wrong width is rejected', async () => {
    const io = senseVoiceIo('sherpa');
    io.inputs[0]!.shape = ['N', 'T', 80];
    const dir = await folder({ 'model.int8.onnx': sherpaModel(sherpaMetadata(), io), 'tokens.txt': realTokens });
    await rejectsWith(
      inspectModelFolder(dir, cpu),
      ErrorCode.ModelInvalid,
      /takes 80 features per frame; expected 560/,
    );
  });

  test('a model file that is not ONNX is ModelInvalid and named', async () => {
    const dir = await folder({ 'model.int8.onnx': realTokens, 'tokens.txt': realTokens });
    await rejectsWith(inspectModelFolder(dir, cpu), ErrorCode.ModelInvalid, /model\.int8\.onnx is not an ONNX model/);
    const empty = await folder({ 'model.int8.onnx': '', 'tokens.txt': realTokens });
    await rejectsWith(inspectModelFolder(empty, cpu), ErrorCode.ModelInvalid, /is empty \(0 bytes\)/);
  });
});

describe('inspectModelFolder: FunASR layout', () => {
  let bpe: Buffer;
  before(async () => {
    bpe = await fs.readFile(path.join(ASSETS, 'chn_jpn_yue_eng_ko_spectok.bpe.model'));
  });

  test('uses the fixed ids, am.mvn through readCmvn and the SentencePiece model', async () => {
    const dir = await folder({
      'model_quant.onnx': funasrModel(),
      'model.onnx': funasrModel(),
      'am.mvn': 'stub',
      'config.yaml': 'x: 1\n',
      'chn_jpn_yue_eng_ko_spectok.bpe.model': bpe,
    });
    const cmvn = fakeCmvn();
    const info = await inspectModelFolder(dir, { preferQuantized: true, readCmvn: cmvn.readCmvn });
    assert.equal(info.layout, 'funasr');
    assert.equal(info.modelFile, path.join(dir, 'model_quant.onnx'));
    assert.equal(info.quantization, 'int8');
    assert.deepEqual(info.otherModelFiles, [path.join(dir, 'model.onnx')]);
    assert.deepEqual(info.inputNames, {
      features: 'speech',
      lengths: 'speech_lengths',
      language: 'language',
      textNorm: 'textnorm',
    });
    assert.equal(info.outputName, 'ctc_logits');
    assert.equal(info.tokensFile, path.join(dir, 'chn_jpn_yue_eng_ko_spectok.bpe.model'));
    assert.equal(info.tokens.length, VOCAB);
    assert.equal(info.tokens[25017], '<|woitn|>');
    assert.deepEqual(info.langIds, { auto: 0, zh: 3, en: 4, yue: 7, ja: 11, ko: 12, nospeech: 13 });
    assert.equal(info.withItnId, 14);
    assert.equal(info.withoutItnId, 15);
    assert.deepEqual(info.lfr, { m: 7, n: 6 });
    assert.equal(info.normalizeSamples, false);
    assert.deepEqual(cmvn.calls, [path.join(dir, 'am.mvn')]);
    assert.equal(info.negMean[0], -1);
    assert.deepEqual(info.metadata, {});

    const onGpu = await inspectModelFolder(dir, { preferQuantized: false, readCmvn: cmvn.readCmvn });
    assert.equal(onGpu.modelFile, path.join(dir, 'model.onnx'));
    assert.equal(onGpu.quantization, 'fp32');
  });

  test('without readCmvn, the real am.mvn is read with features/cmvn', async () => {
    const amMvn = await fs.readFile(path.join(ASSETS, 'am.mvn'));
    const dir = await folder({
      'model_quant.onnx': funasrModel(),
      'am.mvn': amMvn,
      'chn_jpn_yue_eng_ko_spectok.bpe.model': bpe,
    });
    const info = await inspectModelFolder(dir, cpu);
    assert.equal(info.negMean.length, 560);
    assert.equal(info.negMean[0], Math.fround(-8.311879));
    assert.equal(info.invStddev.length, 560);
    const broken = await folder({
      'model_quant.onnx': funasrModel(),
      'am.mvn': '<Nnet>\n</Nnet>\n',
      'chn_jpn_yue_eng_ko_spectok.bpe.model': bpe,
    });
    await rejectsWith(
      inspectModelFolder(broken, cpu),
      ErrorCode.ModelInvalid,
      /am\.mvn cannot be used: am\.mvn: no <AddShift> section/,
    );
  });

  test('a tokens.txt serves when there is no SentencePiece model', async () => {
    const dir = await folder({ 'model_quant.onnx': funasrModel(), 'am.mvn': 'stub', 'tokens.txt': realTokens });
    const info = await inspectModelFolder(dir, { preferQuantized: true, readCmvn: fakeCmvn().readCmvn });
    assert.equal(info.tokensFile, path.join(dir, 'tokens.txt'));
    assert.equal(info.tokens[24884], '<|zh|>');
  });

  test('missing am.mvn, missing tokens, a failing or wrong-sized CMVN are ModelInvalid', async () => {
    const noMvn = await folder({ 'model_quant.onnx': funasrModel(), 'chn_jpn_yue_eng_ko_spectok.bpe.model': bpe });
    await rejectsWith(
      inspectModelFolder(noMvn, { preferQuantized: true, readCmvn: fakeCmvn().readCmvn }),
      ErrorCode.ModelInvalid,
      /am\.mvn is missing/,
    );

    const noTokens = await folder({ 'model_quant.onnx': funasrModel(), 'am.mvn': 'stub' });
    await rejectsWith(
      inspectModelFolder(noTokens, { preferQuantized: true, readCmvn: fakeCmvn().readCmvn }),
      ErrorCode.ModelInvalid,
      /has no token table: .*chn_jpn_yue_eng_ko_spectok\.bpe\.model \(or tokens\.json \/ tokens\.txt\)/,
    );

    const ok = await folder({ 'model_quant.onnx': funasrModel(), 'am.mvn': 'stub', 'tokens.txt': realTokens });
    const failing = async (): Promise<Cmvn> => {
      throw new Error('no <AddShift> row');
    };
    await rejectsWith(
      inspectModelFolder(ok, { preferQuantized: true, readCmvn: failing }),
      ErrorCode.ModelInvalid,
      /am\.mvn cannot be used: no <AddShift> row/,
    );
    await rejectsWith(
      inspectModelFolder(ok, { preferQuantized: true, readCmvn: fakeCmvn(80).readCmvn }),
      ErrorCode.ModelInvalid,
      /CMVN neg_mean has 80 values; expected 560/,
    );
  });

  test('FunASR interface checks: a missing textnorm input is named', async () => {
    const io = senseVoiceIo('funasr');
    io.inputs = io.inputs.filter((i) => i.name !== 'textnorm');
    const dir = await folder({ 'model_quant.onnx': io, 'am.mvn': 'stub', 'tokens.txt': realTokens });
    await rejectsWith(
      inspectModelFolder(dir, { preferQuantized: true, readCmvn: fakeCmvn().readCmvn }),
      ErrorCode.ModelInvalid,
      /\(FunASR layout\) does not match SenseVoiceSmall's interface: input textnorm is missing/,
    );
  });
});

describe('inspectModelFolder: nothing to load', () => {
  test('a missing folder is ModelNotFound, naming it and saying how to get a model', async () => {
    const dir = path.join(tmp, 'does-not-exist');
    await rejectsWith(
      inspectModelFolder(dir, cpu),
      ErrorCode.ModelNotFound,
      new RegExp(`The model folder ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`),
      /sherpa-onnx-sense-voice-zh-en-ja-ko-yue-int8-2024-07-17\.tar\.bz2/,
      /ModelScope/,
    );
  });

  test('a folder without a model lists what was looked for in both layouts and what is there', async () => {
    const dir = await folder({ 'tokens.txt': 'a 0\n', 'readme.md': 'hi' });
    await assert.rejects(inspectModelFolder(dir, cpu), (err: Error) => {
      assert.ok(err instanceof SenseVoiceError);
      assert.equal(err.code, ErrorCode.ModelNotFound);
      for (const name of [
        'model.int8.onnx',
        'model.onnx',
        'tokens.txt',
        'model_quant.onnx',
        'am.mvn',
        'chn_jpn_yue_eng_ko_spectok.bpe.model',
      ]) {
        assert.ok(err.message.includes(name), `mentions ${name}`);
      }
      assert.match(err.message, /The folder holds: readme\.md, tokens\.txt\./);
      assert.deepEqual((err.data as { found: string[] }).found, ['readme.md', 'tokens.txt']);
      return true;
    });
    await rejectsWith(inspectModelFolder(await folder({}), cpu), ErrorCode.ModelNotFound, /The folder is empty\./);
  });

  test('a file given as the folder is ModelNotFound pointing at its folder', async () => {
    const dir = await folder({ 'model.int8.onnx': sherpaModel(), 'tokens.txt': realTokens });
    await rejectsWith(
      inspectModelFolder(path.join(dir, 'model.int8.onnx'), cpu),
      ErrorCode.ModelNotFound,
      /is a file; the model path should be the folder/,
    );
  });
});

describe('inspectModelFolder: a real model', () => {
  const realDir = process.env.SENSEVOICE_MODEL_DIR;
  test('inspects SENSEVOICE_MODEL_DIR', { skip: realDir ? false : 'SENSEVOICE_MODEL_DIR is not set' }, async () => {
    const info = await inspectModelFolder(realDir!, { preferQuantized: true, readCmvn: fakeCmvn().readCmvn });
    assert.equal(info.vocabSize, VOCAB);
    assert.equal(info.negMean.length, 560);
  });
});
