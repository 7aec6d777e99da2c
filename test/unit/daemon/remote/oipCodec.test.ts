// Golden fixtures for the Open Inference Protocol bodies the daemon's client writes and reads, laid
// out like the protocol's documented binary-extension example (a JSON header whose length travels in
// Inference-Header-Content-Length, then each binary tensor's little-endian bytes in order; JSON and
// binary tensors mixed in one response). The expected bytes are written out by hand here, not
// produced by the code under test. Every request built is also validated (ajv) against the REST
// schema written from the published specification (test/fixtures/oip/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { decodeInferResponse, encodeInferRequest } from '../../../../daemon/remote/oipCodec';
import {
  validateInferRequest,
  validateInferResponse,
  validateModelConfig,
  validateModelMetadata,
  validateStatistics,
} from '../../../helpers/oipSchema';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const REQUEST_HEADER =
  '{"id":"42","inputs":[' +
  '{"name":"x","shape":[1,2,2],"datatype":"FP32","parameters":{"binary_data_size":16}},' +
  '{"name":"x_length","shape":[1],"datatype":"INT32","parameters":{"binary_data_size":4}}],' +
  '"outputs":[{"name":"token_ids","parameters":{"binary_data":true}}]}';
// 1.5, -2, 0, 3.25 as IEEE-754 float32, little-endian; then int32 2.
const REQUEST_TENSORS = '0000c03f 000000c0 00000000 00005040  02000000';

const request = (binary: boolean) =>
  encodeInferRequest({
    id: '42',
    inputs: [
      { name: 'x', datatype: 'FP32', shape: [1, 2, 2], data: Float32Array.from([1.5, -2, 0, 3.25]) },
      { name: 'x_length', datatype: 'INT32', shape: [1], data: Int32Array.from([2]) },
    ],
    outputs: ['token_ids'],
    binary,
  });

test('a binary request is the JSON header, then each tensor little-endian, with its length in the header', () => {
  const { body, headers } = request(true);
  assert.deepEqual(body, Buffer.concat([Buffer.from(REQUEST_HEADER), hex(REQUEST_TENSORS)]));
  assert.equal(headers['inference-header-content-length'], String(Buffer.byteLength(REQUEST_HEADER)));
  assert.equal(headers['content-type'], 'application/octet-stream');
  assert.deepEqual(validateInferRequest(JSON.parse(REQUEST_HEADER)), []);
});

test('a JSON request carries the values as flat data arrays and asks for JSON outputs', () => {
  const { body, headers } = request(false);
  assert.equal(
    body.toString(),
    '{"id":"42","inputs":[{"name":"x","shape":[1,2,2],"datatype":"FP32","data":[1.5,-2,0,3.25]},' +
      '{"name":"x_length","shape":[1],"datatype":"INT32","data":[2]}],' +
      '"outputs":[{"name":"token_ids","parameters":{"binary_data":false}}]}',
  );
  assert.equal(headers['inference-header-content-length'], undefined);
  assert.deepEqual(validateInferRequest(JSON.parse(body.toString())), []);
});

// The documented example's response: one output as JSON data, one as binary after the header.
const RESPONSE_HEADER =
  '{"model_name":"sensevoice","model_version":"1","id":"42","outputs":[' +
  '{"name":"output0","shape":[3,2],"datatype":"FP32","data":[1.5,0,3,6,2,4]},' +
  '{"name":"token_ids","shape":[2,2],"datatype":"INT32","parameters":{"binary_data_size":16}}]}';

test('a response mixing JSON and binary outputs parses to the documented values', () => {
  const body = Buffer.concat([Buffer.from(RESPONSE_HEADER), hex('01000000 02000000 03000000 ffffffff')]);
  const r = decodeInferResponse(body, Buffer.byteLength(RESPONSE_HEADER));
  assert.equal(r.modelName, 'sensevoice');
  assert.equal(r.id, '42');
  assert.deepEqual(r.outputs[0], {
    name: 'output0',
    datatype: 'FP32',
    shape: [3, 2],
    data: Float32Array.from([1.5, 0, 3, 6, 2, 4]),
  });
  assert.deepEqual(r.outputs[1], {
    name: 'token_ids',
    datatype: 'INT32',
    shape: [2, 2],
    data: Int32Array.from([1, 2, 3, -1]),
  });
  assert.deepEqual(validateInferResponse(JSON.parse(RESPONSE_HEADER)), []);
});

test('INT64 ids (ArgMax without the cast) parse too', () => {
  const header =
    '{"model_name":"m","outputs":[{"name":"token_ids","shape":[1,3],"datatype":"INT64","parameters":{"binary_data_size":24}}]}';
  const body = Buffer.concat([Buffer.from(header), hex('3461000000000000 0000000000000000 b961000000000000')]);
  assert.deepEqual(decodeInferResponse(body, header.length).outputs[0]!.data, BigInt64Array.from([24884n, 0n, 25017n]));
});

test('a truncated, overlong or lying body is InferenceServerError, never a wrong tensor', () => {
  const full = Buffer.concat([Buffer.from(RESPONSE_HEADER), hex('01000000 02000000 03000000 ffffffff')]);
  const n = Buffer.byteLength(RESPONSE_HEADER);
  const cases: [Buffer, number | undefined, RegExp][] = [
    [full.subarray(0, full.length - 1), n, /end past the body/],
    [Buffer.concat([full, hex('00')]), n, /1 bytes follow the last output/],
    [full, full.length + 5, /exceeds/],
    [full, n - 1, /does not parse/],
    [
      Buffer.from('{"outputs":[{"name":"a","shape":[2],"datatype":"FP32","data":[1]}]}'),
      undefined,
      /no data of 2 values/,
    ],
    [Buffer.from('{"outputs":[{"name":"a","shape":[1],"datatype":"BYTES","data":["x"]}]}'), undefined, /BYTES/],
  ];
  for (const [body, len, pattern] of cases) {
    assert.throws(
      () => decodeInferResponse(body, len),
      (e: unknown) =>
        e instanceof SenseVoiceError && e.code === ErrorCode.InferenceServerError && pattern.test(e.message),
      String(pattern),
    );
  }
});

test('the schema rejects what the protocol does not allow (so the checks above can fail)', () => {
  assert.notDeepEqual(validateInferRequest({ inputs: [{ name: 'x', shape: [1], datatype: 'FLOAT', data: [1] }] }), []);
  assert.notDeepEqual(validateInferRequest({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32' }] }), []);
  assert.notDeepEqual(
    validateInferRequest({
      inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1], parameters: { binary_data_size: 4 } }],
    }),
    [],
  );
  assert.notDeepEqual(validateInferResponse({ outputs: [] }), [], 'model_name is required');
  assert.deepEqual(
    validateModelMetadata({
      name: 'sensevoice',
      versions: ['1'],
      platform: 'ensemble',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, -1, 560] }],
      outputs: [],
    }),
    [],
  );
  assert.notDeepEqual(validateModelMetadata({ name: 'm', inputs: [], outputs: [] }), [], 'platform is required');
  assert.notDeepEqual(
    validateStatistics({ model_stats: [{ name: 'm', inference_count: 1, execution_count: 1 }] }),
    [],
    'a model_stat has inference_stats and batch_stats',
  );
  assert.notDeepEqual(
    validateModelConfig({ name: 'm', parameters: { k: 'v' } }),
    [],
    'config parameters are {string_value} objects',
  );
  assert.deepEqual(validateModelConfig({ name: 'm', parameters: { k: { string_value: 'v' } } }), []);
});
