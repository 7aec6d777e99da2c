// The inference server token's checks: what the user pastes becomes one safe header value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { authHeaders, checkToken } from '../../../../extension/inference/tokenHeaders';
import { ROOT } from '../../../helpers/paths';

test('a pasted token is trimmed, a leading "Bearer " dropped, and it becomes an Authorization header', () => {
  assert.deepEqual(checkToken('  abc.def-123  '), { token: 'abc.def-123' });
  assert.deepEqual(checkToken('Bearer abc.def-123'), { token: 'abc.def-123' });
  assert.deepEqual(authHeaders('abc.def-123'), { Authorization: 'Bearer abc.def-123' });
  assert.equal(authHeaders(undefined), undefined);
  assert.equal(authHeaders(''), undefined);
});

test('empty input removes the stored token; line breaks, control characters and spaces are refused', () => {
  assert.deepEqual(checkToken(''), { clear: true });
  assert.deepEqual(checkToken('   '), { clear: true });
  assert.ok('error' in checkToken('abc\r\nX-Evil: 1'));
  assert.ok('error' in checkToken('abc\u0000def'));
  assert.ok('error' in checkToken('two words'));
});

test('the token command is contributed, and the extension runs where the workspace is (extensionKind)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'sensevoice.setInferenceToken');
  assert.equal(cmd?.title, 'Set Inference Server Token');
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  // The token never goes into a setting: no contributed setting holds it.
  const props = Object.keys(pkg.contributes.configuration.properties);
  assert.ok(!props.some((k) => /token|secret|authorization/i.test(k)), props.join(', '));
});
