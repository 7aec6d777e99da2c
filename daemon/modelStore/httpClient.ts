// GET over node:http/https with what a model download needs and fetch lacks in Node 20: proxies
// from the environment (CONNECT tunnels for https), an inactivity timeout that covers connecting,
// the headers and every pause in the body, redirects followed by hand (Hugging Face and GitHub
// answer with a redirect to a CDN), and a DNS seam so tests can name hosts without a network.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { proxyFor, type ProxyChoice } from './proxy';

export interface HttpOptions {
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read. */
  env: NodeJS.ProcessEnv;
  /** Inactivity limit: connecting, waiting for headers, and any pause between body bytes. */
  idleTimeoutMs: number;
  maxRedirects: number;
  userAgent: string;
  /** DNS seam: tests resolve made-up host names to 127.0.0.1 or fail them. */
  lookup?: LookupFunction;
  /** Extra trusted CA certificates (tests; users behind an intercepting proxy set NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
}

export type HttpErrorKind = 'dns' | 'network' | 'timeout' | 'tls' | 'proxy' | 'redirect' | 'scheme';

/** A transfer failure, classified so the downloader knows whether a retry can help. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly kind: HttpErrorKind,
    readonly retryable: boolean,
    readonly url: string,
    /** The HTTP status, for errors that are one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface OpenedResponse {
  response: http.IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
  /** True once the inactivity timeout fired (the body stream then errors). */
  timedOut(): boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL/;

/** Opens `url` with GET, following redirects; any final status is returned to the caller. */
export async function openUrl(
  url: string,
  headers: Record<string, string>,
  options: HttpOptions,
  signal: AbortSignal,
): Promise<OpenedResponse> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const opened = await openOnce(current, headers, options, signal);
    const status = opened.response.statusCode ?? 0;
    const location = opened.response.headers.location;
    if (!REDIRECTS.has(status) || !location) return opened;
    opened.response.resume();
    opened.response.destroy();
    if (hop >= options.maxRedirects) {
      throw new HttpError(
        `${url} redirected more than ${options.maxRedirects} times (last to ${location}).`,
        'redirect',
        false,
        url,
      );
    }
    const next = new URL(location, current);
    if (current.protocol === 'https:' && next.protocol !== 'https:') {
      throw new HttpError(
        `${current.href} redirected to ${next.href}, which is not https: refused.`,
        'redirect',
        false,
        url,
      );
    }
    current = next;
  }
}

function openOnce(
  target: URL,
  headers: Record<string, string>,
  options: HttpOptions,
  signal: AbortSignal,
): Promise<OpenedResponse> {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(
      new HttpError(`${target.href}: only http and https URLs can be downloaded.`, 'scheme', false, target.href),
    );
  }
  const proxy = proxyFor(target, options.env);
  const allHeaders: Record<string, string> = { 'User-Agent': options.userAgent, Accept: '*/*', ...headers };
  return new Promise<OpenedResponse>((resolve, reject) => {
    let timedOut = false;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(classify(err, target.href, timedOut, proxy));
    };
    const start = (req: http.ClientRequest) => {
      req.setTimeout(options.idleTimeoutMs, () => {
        timedOut = true;
        req.destroy(
          new HttpError(
            `No data from ${target.host} for ${Math.round(options.idleTimeoutMs / 1000)} s.`,
            'timeout',
            true,
            target.href,
          ),
        );
      });
      req.on('error', fail);
      req.on('response', (response) => {
        if (settled) return;
        settled = true;
        resolve({ response, url: target.href, timedOut: () => timedOut });
      });
      req.end();
    };
    if (!proxy) {
      const mod = target.protocol === 'https:' ? https : http;
      start(
        mod.request(target, {
          method: 'GET',
          headers: allHeaders,
          signal,
          lookup: options.lookup,
          ...(options.ca ? { ca: options.ca } : {}),
        }),
      );
    } else if (target.protocol === 'http:') {
      // Plain http through a proxy: the absolute URL goes in the request line.
      start(
        http.request({
          host: proxy.url.hostname,
          port: proxy.url.port || 80,
          method: 'GET',
          path: target.href,
          headers: {
            ...allHeaders,
            Host: target.host,
            ...(proxy.authorization ? { 'Proxy-Authorization': proxy.authorization } : {}),
          },
          signal,
          lookup: options.lookup,
        }),
      );
    } else {
      tunnel(proxy, target, options, signal).then((socket) => {
        const servername = isIP(target.hostname) ? undefined : target.hostname;
        const secure = tls.connect({
          socket,
          ...(servername ? { servername } : {}),
          ...(options.ca ? { ca: options.ca } : {}),
        });
        start(
          http.request({
            host: target.hostname,
            port: target.port || 443,
            method: 'GET',
            path: target.pathname + target.search,
            headers: { ...allHeaders, Host: target.host },
            signal,
            createConnection: () => secure,
          }),
        );
      }, fail);
    }
  });
}

/** A CONNECT tunnel through the proxy to target's host and port. */
function tunnel(proxy: ProxyChoice, target: URL, options: HttpOptions, signal: AbortSignal): Promise<Socket> {
  const authority = `${target.hostname}:${target.port || 443}`;
  return new Promise<Socket>((resolve, reject) => {
    const req = http.request({
      host: proxy.url.hostname,
      port: proxy.url.port || 80,
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority, ...(proxy.authorization ? { 'Proxy-Authorization': proxy.authorization } : {}) },
      signal,
      lookup: options.lookup,
    });
    req.setTimeout(options.idleTimeoutMs, () =>
      req.destroy(
        new HttpError(
          `The proxy ${proxy.url.host} did not answer for ${Math.round(options.idleTimeoutMs / 1000)} s.`,
          'timeout',
          true,
          target.href,
        ),
      ),
    );
    req.on('connect', (res, socket) => {
      req.setTimeout(0);
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(
          new HttpError(
            `The proxy ${proxy.url.host} refused to connect to ${authority} (HTTP ${res.statusCode}).`,
            'proxy',
            false,
            target.href,
          ),
        );
      }
    });
    req.on('error', reject);
    req.end();
  });
}

function classify(err: unknown, url: string, timedOut: boolean, proxy: ProxyChoice | null): unknown {
  if (err instanceof HttpError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return err;
  const code = e?.code ?? '';
  const via = proxy ? ` (through the proxy ${proxy.url.host})` : '';
  if (timedOut) return new HttpError(`Timed out waiting for ${url}${via}.`, 'timeout', true, url);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    const host = proxy ? proxy.url.hostname : new URL(url).hostname;
    return new HttpError(`Could not resolve ${host} (DNS ${code})${via}.`, 'dns', code === 'EAI_AGAIN', url);
  }
  if (TLS_CODES.test(code))
    return new HttpError(`TLS failed for ${url}${via}: ${e.message} (${code}).`, 'tls', false, url);
  return new HttpError(
    `Connection to ${url} failed${via}: ${e?.message ?? String(err)}${code ? ` (${code})` : ''}.`,
    'network',
    true,
    url,
  );
}
