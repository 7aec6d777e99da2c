// Which proxy a URL goes through: the curl conventions for HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyFor } from '../../../../daemon/modelStore/proxy';

const at = (u: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(u), env)?.url.href ?? null;

test('https URLs use HTTPS_PROXY, http URLs HTTP_PROXY; lower case wins; ALL_PROXY is the fallback', () => {
  const env = { HTTPS_PROXY: 'http://secure:8443', HTTP_PROXY: 'http://plain:8080' };
  assert.equal(at('https://huggingface.co/x', env), 'http://secure:8443/');
  assert.equal(at('http://example.com/x', env), 'http://plain:8080/');
  assert.equal(
    at('https://a.b/x', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }),
    'http://lower:2/',
  );
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
  assert.equal(at('https://huggingface.co/', env('localhost, *')), null);
  assert.equal(at('https://huggingface.co/', env('huggingface.co')), null);
  assert.equal(at('https://huggingface.co/', env('HuggingFace.CO')), null);
  assert.equal(at('https://nothuggingface.co/', env('huggingface.co')), 'http://p:1/');
  assert.equal(at('https://huggingface.co/', env('localhost')), 'http://p:1/');
  // A domain covers its subdomains with or without a leading dot or '*.', and itself too (curl, wget,
  // Python, Go; proxy-from-env 2.1.0 gives the opposite answer for the first and last two: see proxy.ts).
  assert.equal(at('https://cdn-lfs.huggingface.co/', env('huggingface.co')), null);
  assert.equal(at('https://cdn-lfs.huggingface.co/', env('.huggingface.co')), null);
  assert.equal(at('https://cdn-lfs.huggingface.co/', env('*.huggingface.co')), null);
  assert.equal(at('https://huggingface.co/', env('.huggingface.co')), null);
  assert.equal(at('https://huggingface.co/', env('*.huggingface.co')), null);
  // host:port bypasses only that port; a URL without a port has its scheme's default (443, 80).
  assert.equal(at('https://github.com/', env('localhost, 127.0.0.1 ,github.com:443')), null);
  assert.equal(at('https://github.com/', env('github.com:8443')), 'http://p:1/');
  assert.equal(at('https://github.com:8443/', env('github.com:8443')), null);
  assert.equal(at('http://github.com/', { HTTP_PROXY: 'http://p:1', NO_PROXY: 'github.com:80' }), null);
  assert.equal(at('http://github.com/', { HTTP_PROXY: 'http://p:1', NO_PROXY: 'github.com:443' }), 'http://p:1/');
  // IP addresses, IPv6 with or without brackets.
  assert.equal(at('http://127.0.0.1:8080/', { HTTP_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1' }), null);
  assert.equal(at('http://[::1]:8080/', { HTTP_PROXY: 'http://p:1', NO_PROXY: '::1' }), null);
  assert.equal(at('http://[::1]:8080/', { HTTP_PROXY: 'http://p:1', NO_PROXY: '[::1]:8080' }), null);
  assert.equal(at('http://[::1]:8080/', { HTTP_PROXY: 'http://p:1', NO_PROXY: '[::1]:9090' }), 'http://p:1/');
});

test('NO_PROXY is read as no_proxy or NO_PROXY; the lower-case name wins', () => {
  const proxy = { HTTPS_PROXY: 'http://p:1' };
  assert.equal(at('https://huggingface.co/', { ...proxy, no_proxy: 'huggingface.co' }), null);
  assert.equal(at('https://huggingface.co/', { ...proxy, NO_PROXY: 'huggingface.co' }), null);
  assert.equal(
    at('https://huggingface.co/', { ...proxy, no_proxy: 'github.com', NO_PROXY: 'huggingface.co' }),
    'http://p:1/',
  );
  assert.equal(at('https://huggingface.co/', { ...proxy, no_proxy: 'huggingface.co', NO_PROXY: 'github.com' }), null);
  assert.equal(at('https://huggingface.co/', { https_proxy: 'http://lower:2', no_proxy: 'huggingface.co' }), null);
});

test('user:password in the proxy URL becomes Proxy-Authorization', () => {
  const p = proxyFor(new URL('https://a.b/'), { HTTPS_PROXY: 'http://me:s%40cret@p:1' });
  assert.equal(p?.authorization, 'Basic ' + Buffer.from('me:s@cret').toString('base64'));
});
