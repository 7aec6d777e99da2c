// The client side of `transcribe/segment`: each notification reaches the request that carried its
// token, in the order sent, and nothing of another request's. A scripted daemon stands in for the
// real one, whose segmenting is tested with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../../../client/daemonConnection';
import type { SegmentParams } from '../../../common/protocol';
import { tempDir } from '../../helpers/paths';

const FAKE_DAEMON = `
const rl = require('readline').createInterface({ input: process.stdin });
const send = (m) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\\n');
const seg = (start, text) => ({ start, end: start + 1, language: 'en', emotion: 'HAPPY', event: 'Speech', text, tokens: [] });
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.method === 'initialize') send({ id: m.id, result: { protocolVersion: 1, daemonVersion: 'fake', pid: process.pid } });
  if (m.method === 'shutdown') send({ id: m.id, result: null });
  if (m.method === 'transcribe/file') {
    const token = m.params.token;
    send({ method: 'transcribe/segment', params: { token, index: 1, segment: seg(5, 'second') } });
    send({ method: 'transcribe/segment', params: { token: 'someone-else', index: 0, segment: seg(0, 'not yours') } });
    send({ method: 'transcribe/segment', params: { token, index: 0, segment: seg(0, 'first') } });
    send({ method: 'transcribe/segment', params: { token } });
    send({ method: '$/progress', params: { token, fraction: 1, segmentsDone: 2 } });
    send({ id: m.id, result: { file: m.params.path, durationSec: 6, model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
      segments: [seg(0, 'first'), seg(5, 'second')], timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 } } });
  }
});
`;

test('live segments reach the request that asked, by token, in the order sent', async () => {
  const script = path.join(tempDir('fake-daemon'), 'daemon.js');
  fs.writeFileSync(script, FAKE_DAEMON);
  const conn = await DaemonConnection.start({ command: process.execPath, args: [script], clientName: 'test' });
  try {
    const got: SegmentParams[] = [];
    const progress: number[] = [];
    const t = await conn.request(
      'transcribe/file',
      { path: '/a.wav' },
      { onSegment: (p) => got.push(p), onProgress: (p) => progress.push(p.segmentsDone ?? -1) },
    );
    assert.deepEqual(
      got.map((p) => [p.index, p.segment.text]),
      [
        [1, 'second'],
        [0, 'first'],
      ],
    );
    assert.ok(got.every((p) => typeof p.token === 'string' && p.token.length > 0));
    assert.deepEqual(progress, [2]);
    assert.equal(t.segments.length, 2);
  } finally {
    await conn.dispose();
  }
});
