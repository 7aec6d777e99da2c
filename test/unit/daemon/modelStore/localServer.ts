// A real HTTP server on 127.0.0.1 for the download tests: files with Range and If-Range support,
// and per-path misbehaviour (drops, stalls, wrong bytes, statuses, redirects, ignored ranges),
// with a log of every request it saw. Plus a DNS seam and a forward/CONNECT proxy.
import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type LookupFunction } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Behaviour {
  /** Destroy the connection after this many body bytes, for the first `times` requests. */
  dropAfter?: number;
  /** Send this many body bytes, then go silent (connection kept open), for the first `times` requests. */
  stallAfter?: number;
  times?: number;
  /** Always answer with this status and no body. */
  status?: number;
  /** Redirect (302 unless redirectStatus) to this location. */
  redirect?: string;
  redirectStatus?: number;
  /** Answer 200 with the whole body whatever the Range. */
  ignoreRange?: boolean;
  /** Serve these bytes instead of the file's (same headers computed from them). */
  body?: Buffer;
  /** Send the body in chunks of this size with `chunkDelayMs` between them. */
  chunkBytes?: number;
  chunkDelayMs?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  range?: string;
  ifRange?: string;
  host?: string;
}

export class LocalServer {
  readonly files = new Map<string, Buffer>();
  readonly behaviour = new Map<string, Behaviour>();
  readonly seen: SeenRequest[] = [];
  private readonly served = new Map<string, number>();
  private readonly sockets = new Set<net.Socket>();
  private server!: http.Server;
  port = 0;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<LocalServer> {
    const s = new LocalServer();
    s.server = http.createServer((req, res) => s.handle(req, res));
    s.server.on('connection', (sock) => {
      s.sockets.add(sock);
      sock.on('close', () => s.sockets.delete(sock));
    });
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  async close(): Promise<void> {
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forgets files, behaviours, counts and the request log (between tests). */
  reset(): void {
    this.files.clear();
    this.behaviour.clear();
    this.seen.length = 0;
    this.served.clear();
  }

  requestsFor(path: string): SeenRequest[] {
    return this.seen.filter((r) => r.path === path);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    this.seen.push({
      method: req.method ?? 'GET',
      path,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers['if-range'] ? { ifRange: String(req.headers['if-range']) } : {}),
      ...(req.headers.host ? { host: req.headers.host } : {}),
    });
    const count = (this.served.get(path) ?? 0) + 1;
    this.served.set(path, count);
    const b = this.behaviour.get(path) ?? {};
    if (b.redirect) {
      res.writeHead(b.redirectStatus ?? 302, { Location: b.redirect, 'Content-Length': 0 });
      return void res.end();
    }
    if (b.status) {
      res.writeHead(b.status, { 'Content-Length': 0 });
      return void res.end();
    }
    const body = b.body ?? this.files.get(path);
    if (!body) {
      res.writeHead(404, { 'Content-Length': 0 });
      return void res.end();
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    let start = 0;
    let status = 200;
    const headers: Record<string, string | number> = {
      ETag: etag,
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
    };
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && !b.ignoreRange && (!ifRange || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}`, 'Content-Length': 0 });
        return void res.end();
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    }
    const slice = body.subarray(start);
    headers['Content-Length'] = slice.length;
    res.writeHead(status, headers);
    const misbehave = count <= (b.times ?? Infinity);
    if (misbehave && b.dropAfter !== undefined) {
      res.write(slice.subarray(0, b.dropAfter), () => setImmediate(() => res.socket?.destroy()));
      return;
    }
    if (misbehave && b.stallAfter !== undefined) {
      res.write(slice.subarray(0, b.stallAfter));
      return; // silent from here on; the client's inactivity timeout has to notice
    }
    if (b.chunkBytes) {
      let at = 0;
      const next = () => {
        if (res.destroyed) return;
        if (at >= slice.length) return void res.end();
        res.write(slice.subarray(at, at + b.chunkBytes!));
        at += b.chunkBytes!;
        setTimeout(next, b.chunkDelayMs ?? 0);
      };
      return next();
    }
    res.end(slice);
  }
}

/** DNS for made-up hosts: listed names resolve to 127.0.0.1, any other fails with ENOTFOUND. */
export function fakeDns(hosts: string[]): LookupFunction {
  return ((hostname: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (
      err: NodeJS.ErrnoException | null,
      address?: unknown,
      family?: number,
    ) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (hostname === '127.0.0.1' || hosts.includes(hostname)) {
      process.nextTick(() => (all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
      return;
    }
    const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    err.code = 'ENOTFOUND';
    process.nextTick(() => cb(err));
  }) as LookupFunction;
}

/** A forward proxy: absolute-form GET for http, CONNECT tunnels for https; logs what it was asked. */
export class LocalProxy {
  readonly seen: string[] = [];
  private server!: http.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  static async start(resolveHost: (host: string) => string = () => '127.0.0.1'): Promise<LocalProxy> {
    const p = new LocalProxy();
    p.server = http.createServer((req, res) => {
      p.seen.push(`${req.method} ${req.url}${req.headers['proxy-authorization'] ? ' auth' : ''}`);
      const target = new URL(req.url!);
      const up = http.request(
        {
          host: resolveHost(target.hostname),
          port: target.port || 80,
          path: target.pathname + target.search,
          method: req.method,
          headers: req.headers,
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    p.server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
      p.seen.push(`CONNECT ${req.url}${req.headers['proxy-authorization'] ? ' auth' : ''}`);
      const [host, port] = (req.url ?? '').split(':');
      const up = net.connect(Number(port), resolveHost(host!), () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.pipe(client);
        client.pipe(up);
      });
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    p.server.on('connection', (sock) => {
      p.sockets.add(sock);
      sock.on('close', () => p.sockets.delete(sock));
    });
    await new Promise<void>((resolve) => p.server.listen(0, '127.0.0.1', resolve));
    p.port = (p.server.address() as AddressInfo).port;
    return p;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Deterministic pseudo-random bytes (a stand-in for model weights). */
export function bytes(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
