// The cli's inference-server options (cli/endpointOptions.ts): what reaches the daemon's settings,
// where the bearer token comes from, and the usage errors for what cannot work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { endpointSettings, TOKEN_ENV } from '../../../cli/endpointOptions';
import { UsageError } from '../../../cli/output';
import { sanitizeSettings } from '../../../daemon/settings';
import { tempDir } from '../../helpers/paths';

test('no --endpoint: no settings, and the --endpoint-* options alone are a usage error', () => {
  assert.deepEqual(endpointSettings({}, {}), {});
  assert.throws(() => endpointSettings({ model: 'x' }, {}), UsageError);
});

test('--endpoint with model, headers and timeout; the token from the environment', () => {
  const s = endpointSettings(
    { endpoint: 'https://gpu:8000/prefix', model: 'sv', headers: ['X-Route: a: b'], timeout: '12.5' },
    { [TOKEN_ENV]: ' abc ' },
  );
  assert.deepEqual(s, {
    inferenceEndpoint: 'https://gpu:8000/prefix',
    inferenceModelName: 'sv',
    inferenceHeaders: { 'X-Route': 'a: b', Authorization: 'Bearer abc' },
    inferenceTimeoutSec: 12.5,
  });
});

test('the token file wins over the environment; an empty or missing file is a usage error', () => {
  const dir = tempDir('token');
  const file = path.join(dir, 't');
  fs.writeFileSync(file, 'from-file\n');
  assert.equal(
    endpointSettings({ endpoint: 'http://h', tokenFile: file }, { [TOKEN_ENV]: 'env' }).inferenceHeaders?.Authorization,
    'Bearer from-file',
  );
  fs.writeFileSync(file, '\n');
  assert.throws(() => endpointSettings({ endpoint: 'http://h', tokenFile: file }, {}), /is empty/);
  assert.throws(() => endpointSettings({ endpoint: 'http://h', tokenFile: path.join(dir, 'none') }, {}), /ENOENT/);
});

test('bad URLs, headers and timeouts are usage errors', () => {
  assert.throws(() => endpointSettings({ endpoint: 'grpc://h:8001' }, {}), /http:\/\/ or https:\/\//);
  assert.throws(() => endpointSettings({ endpoint: 'http://h', headers: ['no colon'] }, {}), /Name: value/);
  assert.throws(() => endpointSettings({ endpoint: 'http://h', timeout: '0' }, {}), /seconds/);
});

test('the daemon keeps only well-formed headers and a timeout in range', () => {
  const s = sanitizeSettings({
    inferenceEndpoint: ' http://h ',
    inferenceHeaders: { Authorization: 'Bearer x', 'Bad Name': 'v', 'X-Crlf': 'a\r\nInjected: 1', 'X-Num': 3 },
    inferenceTimeoutSec: 9999,
  });
  assert.equal(s.inferenceEndpoint, 'http://h');
  assert.deepEqual(s.inferenceHeaders, { Authorization: 'Bearer x' });
  assert.equal(s.inferenceTimeoutSec, 60);
  assert.equal(sanitizeSettings({}).inferenceEndpoint, undefined);
});
