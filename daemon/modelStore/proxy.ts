// Which proxy, if any, a request goes through: HTTPS_PROXY for https URLs, HTTP_PROXY for http,
// ALL_PROXY for either, and NO_PROXY to bypass (the curl conventions; lower-case names win).

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
    ? 'Basic ' + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')
    : undefined;
  return { url, ...(authorization ? { authorization } : {}) };
}

/** NO_PROXY: `*`, host names (a leading dot or none matches subdomains too), optional :port. */
function bypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (let entry of noProxy.split(/[,\s]+/)) {
    entry = entry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m && !entry.startsWith('[') && m[1]!.indexOf(':') === -1) {
      entry = m[1]!;
      entryPort = m[2];
    }
    entry = entry.replace(/^\*?\./, '').replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (host === entry || host.endsWith('.' + entry)) return true;
  }
  return false;
}
