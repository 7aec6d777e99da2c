// The tag ids a served model must share with the local folder (daemon/remote/serverTags.ts): what
// export-server-model writes into the Triton configs is exactly what the connect-time check reads back
// (through the config JSON Triton answers, here parsed from the written config.pbtxt), and a model
// exported from another vocabulary is refused with every differing id named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { inspectModelFolder, type ModelFolderInfo } from '../../../../daemon/model/modelFolder';
import { exportServerRepository } from '../../../../daemon/remote/serverRepository';
import {
  checkServerTags,
  compareTagContract,
  configParameters,
  TAG_PARAMETER_KEYS,
  tagParameters,
} from '../../../../daemon/remote/serverTags';
import { tempDir } from '../../../helpers/paths';
import { testModel } from '../../../helpers/testModels';
import { parsePbtxt } from '../../../helpers/pbtxt';

const folder = () => inspectModelFolder(testModel('sherpa').dir, { preferQuantized: false });

/** The folder with two tags' ids swapped and another language query id: "another vocabulary". */
function other(f: ModelFolderInfo): ModelFolderInfo {
  const tokens = [...f.tokens];
  const happy = tokens.indexOf('<|HAPPY|>');
  const sad = tokens.indexOf('<|SAD|>');
  [tokens[happy], tokens[sad]] = [tokens[sad]!, tokens[happy]!];
  return { ...f, tokens, langIds: { ...f.langIds, en: f.langIds.en + 1 } };
}

test('the parameters name the vocabulary, the query ids, every rich tag and the EMO_UNKNOWN id', async () => {
  const f = await folder();
  const p = tagParameters(f);
  assert.equal(p[TAG_PARAMETER_KEYS.vocabSize], '25055');
  assert.equal(p[TAG_PARAMETER_KEYS.emotionUnknownId], String(f.tokens.indexOf('<|EMO_UNKNOWN|>')));
  assert.equal(p[TAG_PARAMETER_KEYS.textNormQueryIds], `withitn=${f.withItnId},woitn=${f.withoutItnId}`);
  assert.match(p[TAG_PARAMETER_KEYS.languageQueryIds], new RegExp(`(^|,)auto=0,.*en=${f.langIds.en}(,|$)`));
  const tags = p[TAG_PARAMETER_KEYS.tagIds].split(',');
  for (const t of ['en', 'zh', 'HAPPY', 'EMO_UNKNOWN', 'Speech', 'BGM', 'withitn', 'woitn']) {
    assert.ok(tags.includes(`${t}=${f.tokens.indexOf(`<|${t}|>`)}`), t);
  }
  assert.match(p[TAG_PARAMETER_KEYS.tokensSha256], /^[0-9a-f]{64}$/);
});

test('what export-server-model writes into the configs is what the check reads back: a match', async () => {
  const f = await folder();
  const out = path.join(tempDir('tags'), 'repo');
  await exportServerRepository({ modelPath: f.dir, out, link: true });
  for (const model of ['sensevoice', 'sensevoice_encoder']) {
    const config = parsePbtxt(fs.readFileSync(path.join(out, model, 'config.pbtxt'), 'utf8'));
    assert.deepEqual(configParameters(config), tagParameters(f), model);
    assert.deepEqual(checkServerTags(f, config, model, 'http://x'), { checked: true, warnings: [] });
  }
  const ensemble = parsePbtxt(fs.readFileSync(path.join(out, 'sensevoice/config.pbtxt'), 'utf8')) as {
    ensemble_scheduling: { step: { model_name: string }[] };
    max_batch_size: number;
  };
  assert.deepEqual(
    ensemble.ensemble_scheduling.step.map((s) => s.model_name),
    ['sensevoice_encoder', 'sensevoice_argmax'],
  );
  assert.equal(ensemble.max_batch_size, 16);
});

test('a repository exported for another vocabulary is refused, naming each differing id', async () => {
  const f = await folder();
  const config = { parameters: wrap(tagParameters(other(f))) };
  assert.throws(
    () => checkServerTags(f, config, 'sensevoice', 'http://gpu-box:8000'),
    (e: unknown) => {
      assert.ok(e instanceof SenseVoiceError);
      assert.equal(e.code, ErrorCode.InferenceServerMismatch);
      const happy = f.tokens.indexOf('<|HAPPY|>');
      const sad = f.tokens.indexOf('<|SAD|>');
      assert.match(e.message, /^Model "sensevoice" on http:\/\/gpu-box:8000 was exported for another vocabulary/);
      assert.ok(e.message.includes(`the language query id of en is ${f.langIds.en + 1} there, ${f.langIds.en} here`));
      assert.ok(e.message.includes(`the token id of <|HAPPY|> is ${sad} there, ${happy} here`), e.message);
      assert.ok(e.message.includes(`the token id of <|SAD|> is ${happy} there, ${sad} here`));
      assert.match(e.message, /sensevoice export-server-model --model .* --force/);
      return true;
    },
  );
});

test('vocabulary size, EMO_UNKNOWN id, a missing key and an unreadable list are each named', async () => {
  const local = tagParameters(await folder());
  const k = TAG_PARAMETER_KEYS;
  const server: Record<string, string> = { ...local, [k.vocabSize]: '25000', [k.emotionUnknownId]: '7' };
  delete server[k.textNormQueryIds];
  server[k.tagIds] = 'en';
  assert.deepEqual(compareTagContract(local, server).problems, [
    `its config lacks the parameter ${k.textNormQueryIds}`,
    'the vocabulary size is 25000 there, 25055 here',
    `the <|EMO_UNKNOWN|> id is 7 there, ${local[k.emotionUnknownId]} here`,
    `its parameter ${k.tagIds} is not a list of name=id pairs`,
  ]);
});

test('a server that states nothing (no config extension, or an older export) is a warning, not a refusal', async () => {
  const f = await folder();
  for (const config of [null, { name: 'sensevoice', parameters: {} }, { name: 'sensevoice' }]) {
    const r = checkServerTags(f, config, 'sensevoice', 'http://x');
    assert.equal(r.checked, false);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /does not state its tag ids/);
  }
  const sameIdsOtherText = { ...tagParameters(f), [TAG_PARAMETER_KEYS.tokensSha256]: '0'.repeat(64) };
  const r = compareTagContract(tagParameters(f), sameIdsOtherText);
  assert.deepEqual(r.problems, []);
  assert.match(r.warnings[0]!, /token table differs/);
});

function wrap(p: Record<string, string>): Record<string, { string_value: string }> {
  return Object.fromEntries(Object.entries(p).map(([key, v]) => [key, { string_value: v }]));
}
