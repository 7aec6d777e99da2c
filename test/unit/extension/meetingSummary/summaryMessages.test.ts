// What the user reads when Summarize Meeting cannot go on, for each code of the language model API,
// and the consent question: the model and vendor named, and exactly what is sent (and what is not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  consentQuestion,
  languageModelErrorMessage,
  modelLabel,
  NO_LM_API,
  NO_MODEL,
} from '../../../../extension/meetingSummary/summaryMessages';

test('each language model error code has its own message naming the model and the next step', () => {
  const label = modelLabel({ name: 'GPT-4o', vendor: 'copilot' });
  assert.equal(label, 'GPT-4o (copilot)');
  const texts = ['NoPermissions', 'Blocked', 'NotFound', 'Unknown', undefined].map((c) =>
    languageModelErrorMessage(c, label, 'boom'),
  );
  assert.equal(new Set(texts).size, 4, 'one message per known code, one for the rest');
  assert.equal(texts[3], texts[4]);
  for (const t of texts) {
    assert.match(t, /GPT-4o \(copilot\)/);
    assert.match(t, /\(boom\)/);
  }
  assert.match(texts[0], /did not allow/);
  assert.match(texts[1], /refused/);
  assert.match(texts[2], /not available any more/);
  assert.match(NO_LM_API, /vscode\.lm.*1\.99/);
  assert.match(NO_MODEL, /Install/);
  assert.equal(modelLabel({ name: ' ', family: 'gpt-4o', vendor: 'v' }), 'gpt-4o (v)');
});

test('the consent question names the model and says exactly what is sent', () => {
  const q = consentQuestion('Echo (sensevoice-test)');
  assert.match(q.message, /Echo \(sensevoice-test\)/);
  assert.match(q.detail, /speakers' names and the times/);
  assert.match(q.detail, /not the audio, not the file name or its folder/);
  assert.match(q.detail, /Forget Summary Model and Consent/);
});
