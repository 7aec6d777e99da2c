// Opt-in: the remote-inference equality check against a REAL Open Inference Protocol server (Triton,
// KServe) serving this model, for anyone who has one: `SENSEVOICE_SERVER_URL=http://host:8000
// SENSEVOICE_MODEL_DIR=/path/to/model npm run test:server`. Never run against a real Triton yet: the
// automated tests use the loopback test double (test/helpers/oipTestServer.ts). Skipped, saying so,
// when the two variables are not set. SENSEVOICE_SERVER_MODEL names the server model (default sensevoice).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import type { DaemonSettings, Transcript } from '../../common/protocol';
import { AUDIO, fixtureClips, requireBuilt } from '../helpers/paths';
import { validatorForGet } from '../helpers/oipSchema';

const url = process.env.SENSEVOICE_SERVER_URL;
const modelDir = process.env.SENSEVOICE_MODEL_DIR;
const skip = !url || !modelDir ? 'set SENSEVOICE_SERVER_URL and SENSEVOICE_MODEL_DIR to run it' : false;
const daemons: DaemonConnection[] = [];

after(async () => {
  for (const d of daemons) await d.dispose();
});

async function daemon(settings: DaemonSettings): Promise<DaemonConnection> {
  const d = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'real-server-test',
    settings,
  });
  daemons.push(d);
  return d;
}

test('a real inference server gives the local transcript, token for token, on every clip', { skip }, async () => {
  // The server runs the fp32 model.onnx (export-server-model's choice): so does the local reference.
  const local = await daemon({ provider: 'cpu' });
  const remote = await daemon({
    inferenceEndpoint: url,
    ...(process.env.SENSEVOICE_SERVER_MODEL ? { inferenceModelName: process.env.SENSEVOICE_SERVER_MODEL } : {}),
  });
  const info = await remote.request('model/load', { path: modelDir });
  process.stdout.write(`# server: ${JSON.stringify(info.remote)}\n`);
  for (const clip of fixtureClips()) {
    const run = (d: DaemonConnection): Promise<Transcript> =>
      d.request('transcribe/file', { path: path.join(AUDIO, clip), modelPath: modelDir, vad: 'off' });
    const [a, b] = await Promise.all([run(local), run(remote)]);
    assert.equal(b.model.provider, 'remote');
    assert.deepEqual(b.segments, a.segments, clip);
  }
});

test(
  'its answers fit the published schemas; an exported repository states the tag ids, which match',
  { skip },
  async () => {
    const model = process.env.SENSEVOICE_SERVER_MODEL || 'sensevoice';
    const base = url!.replace(/\/$/, '');
    let config = false;
    for (const p of ['/v2', `/v2/models/${model}`, `/v2/models/${model}/config`, `/v2/models/${model}/stats`]) {
      const res = await fetch(base + p);
      if (!res.ok) {
        process.stdout.write(`# ${p}: ${res.status} (the server lacks this extension)\n`);
        continue;
      }
      if (p.endsWith('/config')) config = true;
      assert.deepEqual(validatorForGet(p)!(await res.json()), [], p);
    }
    const remote = await daemon({ inferenceEndpoint: url, inferenceModelName: model });
    const info = await remote.request('model/load', { path: modelDir });
    if (config) assert.equal(info.remote?.tagIds, 'checked', info.warnings.join('\n'));
    const check = await remote.request('inferenceServer/check', undefined);
    process.stdout.write(`# check: ${JSON.stringify(check)}\n`);
    assert.equal(check.ready, true);
  },
);
