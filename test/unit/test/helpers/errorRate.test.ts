import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charErrorRate, editDistance, wordErrorRate } from '../../../helpers/errorRate';

test('error rates used by the real-model acceptance test', () => {
  assert.equal(editDistance([...'kitten'], [...'sitting']), 3);
  assert.equal(wordErrorRate('The tribal chieftain called', 'the tribal chieftain called'), 0);
  assert.equal(wordErrorRate('the tribal chief called for', 'the tribal chieftain called'), 0.5);
  assert.equal(charErrorRate('开饭时间早上9点至下午5点。', '开放时间早上9点至下午5点。'), 1 / 13);
  assert.equal(charErrorRate('', 'abc'), 1);
});
