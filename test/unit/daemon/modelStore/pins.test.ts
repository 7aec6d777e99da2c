// The pins are the published ones: those named in test/fixtures/published-pins.md appear there
// verbatim, and the small files match the real release files kept in test/fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PINS } from '../../../../daemon/modelStore/pins';
import { officialSources } from '../../../../daemon/modelStore/plans';
import { ASSETS, FIXTURES } from '../../../helpers/paths';

test('the int8 model, the ModelScope model and the int8 archive pins are the published ones', () => {
  const ref = fs.readFileSync(path.join(FIXTURES, 'published-pins.md'), 'utf8').replace(/\s+/g, ' ');
  for (const pin of [PINS.sherpaInt8, PINS.funasrInt8, PINS.sherpaInt8Archive]) {
    const size = pin.size.toLocaleString('en-US');
    assert.ok(
      ref.includes(`${size} bytes, sha256 ${pin.sha256}`) || ref.includes(`(${size} bytes, sha256 ${pin.sha256}`),
      `${pin.name}: ${size} / ${pin.sha256} not in published-pins.md`,
    );
  }
  assert.ok(ref.includes(PINS.sherpaInt8Archive.name));
});

test('tokens.txt, am.mvn and the SentencePiece model pins match the real release files', () => {
  for (const pin of [PINS.sherpaTokens, PINS.funasrCmvn, PINS.funasrBpe]) {
    const data = fs.readFileSync(path.join(ASSETS, pin.name));
    assert.equal(data.length, pin.size, pin.name);
    assert.equal(createHash('sha256').update(data).digest('hex'), pin.sha256, pin.name);
  }
});

test('every file a named source serves has a pin; sha256 values are 64 lower-case hex digits', () => {
  for (const source of Object.values(officialSources({}))) {
    for (const plan of Object.values(source.plans)) {
      assert.equal(plan!.strict, true);
      for (const set of plan!.sets)
        for (const f of set.files) assert.ok(f.pin, `${source.name} ${plan!.variant} ${f.name} has no pin`);
    }
  }
  for (const pin of Object.values(PINS)) assert.match(pin.sha256, /^[0-9a-f]{64}$/);
});

test('HF_ENDPOINT points the Hugging Face source at a mirror', () => {
  const hf = officialSources({ HF_ENDPOINT: 'https://hf-mirror.com/' }).huggingface.plans.int8!;
  assert.equal(
    hf.sets[0]!.files[0]!.url,
    'https://hf-mirror.com/csukuangfj/sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17/resolve/main/model.int8.onnx',
  );
  assert.equal(
    officialSources({}).huggingface.plans.fp32!.sets[0]!.files[0]!.url,
    'https://huggingface.co/csukuangfj/sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17/resolve/main/model.onnx',
  );
});
