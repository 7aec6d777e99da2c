// The GPU report's badge for a failed provider: its cause in words, never the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { causeText } from '../../../../common/gpuCheck/causeText';

test("a failed provider's badge says its cause in words", () => {
  assert.equal(causeText('provider-not-installed'), 'Not installed');
  assert.equal(causeText('no-adapter'), 'No adapter');
  assert.equal(causeText('cudnn-mismatch'), 'Wrong cuDNN');
  assert.equal(causeText(undefined), 'Failed');
  for (const cause of [
    'cuda-runtime-missing',
    'driver-too-old',
    'not-in-build',
    'out-of-memory',
    'crashed',
    'timeout',
    'unknown',
  ] as const) {
    assert.match(causeText(cause), /^[A-Z][a-zA-Z ]+$/, cause);
  }
});
