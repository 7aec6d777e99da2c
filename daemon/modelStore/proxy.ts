// Which proxy, if any, a request goes through: HTTPS_PROXY for https URLs, HTTP_PROXY for http,
// ALL_PROXY for either, and NO_PROXY to bypass (the curl conventions; lower-case names win).
// httpClient.ts does the rest (absolute-form requests, CONNECT tunnels, Proxy-Authorization).
//
// Why these rules are written here and not taken from proxy-from-env (2.1.0, measured on the cases
// in proxy.test.ts): it differs from curl, wget, Python and Go where a download would go wrong.
//   - NO_PROXY=huggingface.co does not cover cdn-lfs.huggingface.co (it matches subdomains only for
//     entries that start with '.' or '*'), and NO_PROXY=.huggingface.co does not cover huggingface.co:
//     Hugging Face answers file requests with redirects to its subdomains, and a mirror given with
//     --url is often a host under a NO_PROXY domain, so those requests would go to the proxy.
//   - HTTPS_PROXY=proxy.corp:3128 (no scheme, common) becomes https://proxy.corp:3128, a TLS proxy
//     that this client does not speak; curl reads it as http, as here.
//   - It reads process.env only (no env argument), and the model store is given its environment.
//   - NO_PROXY=::1 does not match http://[::1]/.
// Where it agrees (exact hosts, '*', host:port with the scheme's default port, lower case over upper
// case, ALL_PROXY as the fallback), the tests pin the same answers.

export interface ProxyChoice {
  url: URL;
  /** The Proxy-Authorization header for user:password in the proxy URL. */
  authorization?: string;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v && v.trim() ? v.trim() : undefined;
}

/** The proxy for `target`, or null for a direct connection. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): ProxyChoice | null {
  const scheme = target.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const raw = envValue(env, scheme) ?? envValue(env, 'all_proxy');
  if (!raw) return null;
  if (bypassed(target, envValue(env, 'no_proxy'))) return null;
  let url: URL;
  try {
    // "proxy:3128" without a scheme is common in the wild; curl reads it as http.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:') return null; // https:// and socks proxies are not supported here
  const authorization = url.username
    ? 'Basic ' +
      Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')
    : undefined;
  return { url, ...(authorization ? { authorization } : {}) };
}

/** NO_PROXY: `*`, host names (a leading dot or `*.` or none matches subdomains too), optional :port. */
function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    // [v6] or [v6]:port; name:port; else a bare name or IPv6 address (its colons are not a port).
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+):(\d+)$/.exec(entry);
    const name = (m ? (m[1] as string) : entry).replace(/^\*?\./, '');
    const entryPort = m?.[2];
    if (entryPort && entryPort !== port) continue;
    if (host === name || host.endsWith('.' + name)) return true;
  }
  return false;
}
