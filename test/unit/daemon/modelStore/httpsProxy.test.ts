// https downloads: straight to the server, through an HTTPS_PROXY CONNECT tunnel, and a TLS
// failure that says what to do. The certificate is made here with openssl for a made-up host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openUrl, HttpError, type HttpOptions } from '../../../../daemon/modelStore/httpClient';
import { tempDir } from '../../../helpers/paths';
import { LocalProxy, fakeDns } from './localServer';

const dir = tempDir('tls');
const made = spawnSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=hf.test',
    '-addext',
    'subjectAltName=DNS:hf.test',
  ],
  { encoding: 'utf8' },
);
const skip =
  made.status === 0
    ? false
    : `openssl could not make a test certificate (${made.error?.message ?? made.stderr.trim().split('\n').at(-1)}): skipped`;

let server: https.Server;
let port = 0;
const hits: string[] = [];

before(async () => {
  if (skip) return;
  server = https.createServer(
    { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
    (req, res) => {
      hits.push(`${req.headers.host} ${req.url}`);
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: `http://hf.test:${port}/file` });
        return void res.end();
      }
      res.writeHead(200, { 'Content-Length': 5 });
      res.end('hello');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  if (!skip) await new Promise<void>((resolve) => server.close(() => resolve()));
});

function options(extra: Partial<HttpOptions> = {}): HttpOptions {
  return {
    env: {},
    idleTimeoutMs: 5000,
    maxRedirects: 5,
    userAgent: 'test',
    lookup: fakeDns(['hf.test']),
    ca: skip ? undefined : fs.readFileSync(path.join(dir, 'cert.pem')),
    ...extra,
  };
}

async function body(url: string, o: HttpOptions): Promise<string> {
  const r = await openUrl(url, {}, o, new AbortController().signal);
  let s = '';
  for await (const c of r.response) s += String(c);
  return s;
}

test('https straight to the server', { skip }, async () => {
  assert.equal(await body(`https://hf.test:${port}/file`, options()), 'hello');
});

test('https through HTTPS_PROXY goes by a CONNECT tunnel, with Proxy-Authorization', { skip }, async () => {
  const proxy = await LocalProxy.start();
  try {
    const o = options({ env: { HTTPS_PROXY: `http://u:p@127.0.0.1:${proxy.port}` } });
    assert.equal(await body(`https://hf.test:${port}/file`, o), 'hello');
    assert.deepEqual(proxy.seen, [`CONNECT hf.test:${port} auth`]);
    assert.equal(hits.at(-1), `hf.test:${port} /file`);
  } finally {
    await proxy.close();
  }
});

test('an untrusted certificate is a TLS error that is not retried', { skip }, async () => {
  await assert.rejects(
    body(`https://hf.test:${port}/file`, options({ ca: undefined })),
    (e: unknown) => e instanceof HttpError && e.kind === 'tls' && !e.retryable,
  );
});

test('a redirect from https to http is refused', { skip }, async () => {
  await assert.rejects(
    body(`https://hf.test:${port}/redirect`, options()),
    (e: unknown) => e instanceof HttpError && e.kind === 'redirect' && /not https/.test(e.message),
  );
});
