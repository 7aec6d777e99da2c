// Which proxy a URL goes through: the curl conventions for HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyFor } from '../../../../daemon/modelStore/proxy';

const at = (u: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(u), env)?.url.href ?? null;

test('https URLs use HTTPS_PROXY, http URLs HTTP_PROXY; lower case wins; ALL_PROXY is the fallback', () => {
  const env = { HTTPS_PROXY: 'http://secure:8443', HTTP_PROXY: 'http://plain:8080' };
  assert.equal(at('https://huggingface.co/x', env), 'http://secure:8443/');
  assert.equal(at('http://example.com/x', env), 'http://plain:8080/');
  assert.equal(at('https://a.b/x', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }), 'http://lower:2/');
  assert.equal(at('https://a.b/x', { ALL_PROXY: 'http://all:3' }), 'http://all:3/');
  assert.equal(at('https://a.b/x', {}), null);
});

test('a proxy without a scheme is read as http; socks and https proxies are not used', () => {
  assert.equal(at('https://a.b/', { HTTPS_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128/');
  assert.equal(at('https://a.b/', { HTTPS_PROXY: 'socks5://p:1080' }), null);
});

test('NO_PROXY: *, exact hosts, domain suffixes with or without a dot, ports', () => {
  const env = (no: string) => ({ HTTPS_PROXY: 'http://p:1', NO_PROXY: no });
  assert.equal(at('https://huggingface.co/', env('*')), null);
  assert.equal(at('https://huggingface.co/', env('huggingface.co')), null);
  assert.equal(at('https://cdn-lfs.huggingface.co/', env('huggingface.co')), null);
  assert.equal(at('https://cdn-lfs.huggingface.co/', env('.huggingface.co')), null);
  assert.equal(at('https://nothuggingface.co/', env('huggingface.co')), 'http://p:1/');
  assert.equal(at('https://github.com/', env('localhost, 127.0.0.1 ,github.com:443')), null);
  assert.equal(at('https://github.com/', env('github.com:8443')), 'http://p:1/');
});

test('user:password in the proxy URL becomes Proxy-Authorization', () => {
  const p = proxyFor(new URL('https://a.b/'), { HTTPS_PROXY: 'http://me:s%40cret@p:1' });
  assert.equal(p?.authorization, 'Basic ' + Buffer.from('me:s@cret').toString('base64'));
});
