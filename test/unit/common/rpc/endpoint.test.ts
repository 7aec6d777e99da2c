// The daemon and a client endpoint wired over in-memory pipes: every error code survives the trip,
// and protocol faults are answered without ending the connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { Endpoint } from '../../../../common/rpc/endpoint';
import { Daemon } from '../../../../daemon/server';
import { ErrorCode, PROTOCOL_VERSION, SenseVoiceError, errorCodeName } from '../../../../common/protocol';

function wire() {
  const toDaemon = new PassThrough();
  const toClient = new PassThrough();
  const logs: string[] = [];
  const daemon = new Daemon({ input: toDaemon, output: toClient, log: (m) => logs.push(m) });
  const client = new Endpoint({ input: toClient, output: toDaemon, log: (m) => logs.push(`client: ${m}`) });
  return { daemon, client, toDaemon, toClient, logs };
}

/** Sends raw text to the daemon and returns the next frame it writes. */
function rawExchange(toDaemon: PassThrough, toClient: PassThrough, text: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        toClient.off('data', onData);
        resolve(JSON.parse(buf.slice(0, nl)));
      }
    };
    toClient.on('data', onData);
    toDaemon.write(text);
  });
}

async function initialized() {
  const w = wire();
  await w.client.request('initialize', { protocolVersion: PROTOCOL_VERSION, clientName: 'test' });
  return w;
}

test('every error code round-trips from daemon to client with its code and message', async () => {
  const { daemon, client } = await initialized();
  daemon.endpoint.onRequest('test/throw', (params) => {
    const code = (params as { code: number }).code;
    throw new SenseVoiceError(code, `boom ${errorCodeName(code)}`, { code });
  });
  for (const [name, code] of Object.entries(ErrorCode)) {
    await assert.rejects(client.request('test/throw', { code }), (err: unknown) => {
      assert.ok(err instanceof SenseVoiceError, `${name} came back as ${String(err)}`);
      assert.equal(err.code, code);
      assert.equal(err.codeName, name);
      assert.equal(err.message, `boom ${name}`);
      assert.deepEqual(err.data, { code });
      return true;
    });
  }
});

test('requests before initialize are refused; a wrong protocol version is refused', async () => {
  const { client } = wire();
  await assert.rejects(client.request('system/info', {}), (e: SenseVoiceError) => e.code === ErrorCode.NotInitialized);
  await assert.rejects(
    client.request('initialize', { protocolVersion: PROTOCOL_VERSION + 1, clientName: 't' }),
    (e: SenseVoiceError) => e.code === ErrorCode.ProtocolVersionMismatch,
  );
  const r = (await client.request('initialize', { protocolVersion: PROTOCOL_VERSION, clientName: 't' })) as {
    protocolVersion: number;
  };
  assert.equal(r.protocolVersion, PROTOCOL_VERSION);
  await assert.rejects(
    client.request('initialize', { protocolVersion: PROTOCOL_VERSION, clientName: 't' }),
    (e: SenseVoiceError) => e.code === ErrorCode.InvalidRequest,
  );
});

test('unknown methods, wrong parameter types, and requests after shutdown', async () => {
  const { client } = await initialized();
  await assert.rejects(client.request('no/such', {}), (e: SenseVoiceError) => e.code === ErrorCode.MethodNotFound);
  await assert.rejects(
    client.request('audio/probe', { path: 42 }),
    (e: SenseVoiceError) => e.code === ErrorCode.InvalidParams,
  );
  await assert.rejects(
    client.request('audio/probe', ['x']),
    (e: SenseVoiceError) => e.code === ErrorCode.InvalidParams,
  );
  assert.equal(await client.request('shutdown', {}), null);
  await assert.rejects(client.request('system/info', {}), (e: SenseVoiceError) => e.code === ErrorCode.ShuttingDown);
});

test('garbage lines, wrong shapes and batches are answered and the connection survives', async () => {
  const { toDaemon, toClient, logs, client } = await initialized();
  const parse = await rawExchange(toDaemon, toClient, 'this is not json\n');
  assert.equal((parse.error as { code: number }).code, ErrorCode.ParseError);
  assert.equal(parse.id, null);
  assert.ok(logs.some((l) => l.includes('not JSON')));
  const shape = await rawExchange(toDaemon, toClient, '{"jsonrpc":"2.0","id":7,"params":{}}\n');
  assert.equal((shape.error as { code: number }).code, ErrorCode.InvalidRequest);
  const batch = await rawExchange(toDaemon, toClient, '[{"jsonrpc":"2.0","id":8,"method":"system/info"}]\n');
  assert.equal((batch.error as { code: number }).code, ErrorCode.InvalidRequest);
  const info = (await client.request('system/info', {})) as { node: string };
  assert.equal(info.node, process.versions.node);
});

test('an oversized frame is answered with FrameTooLarge and the next request is served', async () => {
  const toDaemon = new PassThrough();
  const toClient = new PassThrough();
  new Daemon({ input: toDaemon, output: toClient, log: () => undefined, maxFrameBytes: 1024 });
  const client = new Endpoint({ input: toClient, output: toDaemon, log: () => undefined });
  const big = await rawExchange(
    toDaemon,
    toClient,
    JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(4096) } }) + '\n',
  );
  assert.equal((big.error as { code: number }).code, ErrorCode.FrameTooLarge);
  const r = (await client.request('initialize', { protocolVersion: PROTOCOL_VERSION, clientName: 't' })) as {
    pid: number;
  };
  assert.equal(r.pid, process.pid);
});

test('an id that is not a string, number or null, a method that is not a string, a bare null: Invalid Request, never run', async () => {
  // Found by the protocol fuzz: such frames were run and answered with the bad id echoed back.
  const { toDaemon, toClient, client } = await initialized();
  for (const [text, id] of [
    ['{"jsonrpc":"2.0","id":{"a":1},"method":"daemon/status"}', null],
    ['{"jsonrpc":"2.0","id":[3],"method":"daemon/status"}', null],
    ['{"jsonrpc":"2.0","id":true,"method":"system/info"}', null],
    ['{"jsonrpc":"2.0","id":9,"method":5}', 9],
    ['null', null],
    ['42', null],
  ] as const) {
    const r = await rawExchange(toDaemon, toClient, text + '\n');
    assert.deepEqual(
      [r.id, (r.error as { code: number } | undefined)?.code, 'result' in r],
      [id, ErrorCode.InvalidRequest, false],
      text,
    );
  }
  const info = (await client.request('system/info', {})) as { node: string };
  assert.equal(info.node, process.versions.node);
});
