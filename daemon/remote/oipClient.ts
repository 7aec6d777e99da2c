// The daemon's HTTP client for an Open Inference Protocol (KServe v2 REST) server, Triton or KServe:
// readiness, server and model metadata, and inference. It owns the transport's manners: at most
// `maxInFlight` requests at once, a timeout per attempt, retries with exponential backoff on 503
// (the server's "not now") and on a connection dropped or refused, bearer token or custom headers,
// and https URLs (Node's TLS; NODE_EXTRA_CA_CERTS for a private CA). Every failure is a coded
// SenseVoiceError that names the URL; header values never appear in a message.
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import {
  decodeInferResponse,
  encodeInferRequest,
  HEADER_LENGTH_HEADER,
  type InferRequest,
  type OipTensor,
} from './oipCodec';

export interface OipClientOptions {
  /** Base URL, http or https, e.g. http://gpu-box:8000 (a path prefix is kept). */
  endpoint: string;
  /** Extra headers on every request (Authorization, routing headers). */
  headers?: Record<string, string>;
  /** Milliseconds per attempt before it counts as timed out. */
  timeoutMs?: number;
  /** Attempts after the first, on 503 or a dropped connection. */
  retries?: number;
  /** First backoff in ms; doubles each retry. */
  backoffMs?: number;
  /** Requests in flight at most; more wait their turn. */
  maxInFlight?: number;
}

/** A tensor as model metadata describes it (-1 for a dynamic dimension). */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions?: string[];
  platform?: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** One model version's statistics, in the units people read (ms, not ns). */
export interface ModelStatistics {
  /** name/version. */
  model: string;
  inferences: number;
  executions: number;
  /** Batch size -> runs of that size (Triton's batch_stats), largest runs first; empty when not given. */
  batchSizes: { size: number; runs: number }[];
  /** Mean time a request waited in the batcher's queue, and mean compute per request, in ms; null when unknown. */
  queueMs: number | null;
  computeMs: number | null;
}

/** The duration object of Triton's statistics ({count, ns}) as mean milliseconds. */
function meanMs(d: unknown): number | null {
  const { count, ns } = (d ?? {}) as { count?: unknown; ns?: unknown };
  const c = Number(count);
  const n = Number(ns);
  return Number.isFinite(c) && Number.isFinite(n) && c > 0 ? Math.round((n / c / 1e6) * 100) / 100 : null;
}

function readModelStat(m: {
  name: string;
  version?: unknown;
  inference_count?: unknown;
  execution_count?: unknown;
  inference_stats?: { queue?: unknown; compute_infer?: unknown };
  batch_stats?: unknown;
}): ModelStatistics {
  const batches = Array.isArray(m.batch_stats) ? m.batch_stats : [];
  return {
    model: typeof m.version === 'string' && m.version ? `${m.name}/${m.version}` : m.name,
    inferences: Number(m.inference_count ?? 0),
    executions: Number(m.execution_count ?? 0),
    batchSizes: batches
      .map((b: { batch_size?: unknown; compute_infer?: { count?: unknown } }) => ({
        size: Number(b?.batch_size),
        runs: Number(b?.compute_infer?.count ?? 0),
      }))
      .filter((b) => Number.isInteger(b.size) && b.runs > 0)
      .sort((a, b) => b.runs - a.runs || a.size - b.size),
    queueMs: meanMs(m.inference_stats?.queue),
    computeMs: meanMs(m.inference_stats?.compute_infer),
  };
}

export const DEFAULTS = { timeoutMs: 60_000, retries: 4, backoffMs: 200, maxInFlight: 4 } as const;

export class OipClient {
  readonly endpoint: string;
  readonly maxInFlight: number;
  private readonly base: URL;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: OipClientOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new SenseVoiceError(
        ErrorCode.InvalidParams,
        `The inference endpoint "${options.endpoint}" is not a URL; give one like http://host:8000.`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SenseVoiceError(
        ErrorCode.InvalidParams,
        `The inference endpoint must be an http or https URL, not ${url.protocol}.`,
      );
    }
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
    this.endpoint = url.href.replace(/\/$/, '');
    this.maxInFlight = options.maxInFlight ?? DEFAULTS.maxInFlight;
  }

  /** GET /v2/health/ready: resolves with the round trip in ms, or throws InferenceServerUnavailable. */
  async ready(): Promise<number> {
    const t0 = performance.now();
    await this.request('GET', 'v2/health/ready');
    return performance.now() - t0;
  }

  /** GET /v2: the server's name and version, when it says. */
  async serverMetadata(): Promise<{ name?: string; version?: string }> {
    const r = (await this.json('GET', 'v2')) as { name?: unknown; version?: unknown };
    return {
      ...(typeof r.name === 'string' ? { name: r.name } : {}),
      ...(typeof r.version === 'string' ? { version: r.version } : {}),
    };
  }

  /** GET /v2/models/{name}/ready then GET /v2/models/{name}. */
  async modelMetadata(model: string): Promise<ModelMetadata> {
    const path = `v2/models/${encodeURIComponent(model)}`;
    await this.request('GET', `${path}/ready`);
    const m = (await this.json('GET', path)) as Partial<ModelMetadata>;
    const tensors = (list: unknown, what: string): TensorMetadata[] => {
      if (!Array.isArray(list))
        throw this.error(ErrorCode.InferenceServerError, `the metadata of "${model}" lists no ${what}`);
      return list.map((t: Partial<TensorMetadata>) => {
        if (typeof t?.name !== 'string' || typeof t.datatype !== 'string' || !Array.isArray(t.shape)) {
          throw this.error(ErrorCode.InferenceServerError, `the metadata of "${model}" has a malformed ${what} entry`);
        }
        return { name: t.name, datatype: t.datatype, shape: t.shape.map(Number) };
      });
    };
    return {
      name: typeof m.name === 'string' ? m.name : model,
      ...(Array.isArray(m.versions) ? { versions: m.versions.map(String) } : {}),
      ...(typeof m.platform === 'string' ? { platform: m.platform } : {}),
      inputs: tensors(m.inputs, 'inputs'),
      outputs: tensors(m.outputs, 'outputs'),
    };
  }

  /**
   * GET /v2/models/{name}/config (Triton's model-configuration extension): the model's config as
   * JSON, or null when the server does not have the extension (KServe answers 404).
   */
  async modelConfig(model: string): Promise<Record<string, unknown> | null> {
    try {
      return (await this.json('GET', `v2/models/${encodeURIComponent(model)}/config`)) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof SenseVoiceError && err.code === ErrorCode.InferenceServerError) return null;
      throw err;
    }
  }

  /**
   * GET /v2/models/{name}/stats (Triton's statistics extension): per version, inferences, model
   * runs, batch sizes run, and queue and compute time; null when the server does not have it.
   */
  async statistics(model: string): Promise<ModelStatistics[] | null> {
    let r: unknown;
    try {
      r = await this.json('GET', `v2/models/${encodeURIComponent(model)}/stats`);
    } catch (err) {
      if (err instanceof SenseVoiceError && err.code === ErrorCode.InferenceServerError) return null;
      throw err;
    }
    const list = (r as { model_stats?: unknown }).model_stats;
    if (!Array.isArray(list)) return null;
    return list.filter((m: { name?: unknown }) => typeof m?.name === 'string').map(readModelStat);
  }

  /** POST /v2/models/{name}/infer; waits for a free slot first. */
  async infer(model: string, req: InferRequest): Promise<OipTensor[]> {
    const { body, headers } = encodeInferRequest(req);
    await this.acquire();
    try {
      const res = await this.request('POST', `v2/models/${encodeURIComponent(model)}/infer`, { body, headers });
      const h = res.headers.get(HEADER_LENGTH_HEADER);
      const headerLength = h === null ? undefined : Number(h);
      if (headerLength !== undefined && !Number.isInteger(headerLength)) {
        throw this.error(
          ErrorCode.InferenceServerError,
          `the response's ${HEADER_LENGTH_HEADER} "${h}" is not a number`,
        );
      }
      return decodeInferResponse(res.body, headerLength).outputs;
    } finally {
      this.release();
    }
  }

  private async json(method: string, path: string): Promise<unknown> {
    const res = await this.request(method, path);
    try {
      const v: unknown = JSON.parse(res.body.toString('utf8'));
      if (typeof v === 'object' && v !== null) return v;
    } catch {
      // reported below
    }
    throw this.error(ErrorCode.InferenceServerError, `GET /${path} did not answer a JSON object`);
  }

  /** One request with timeouts and retries; resolves only on a 2xx status. */
  private async request(
    method: string,
    path: string,
    send?: { body: Buffer; headers: Record<string, string> },
  ): Promise<{ headers: Headers; body: Buffer }> {
    const url = new URL(path, this.base);
    const retries = this.options.retries ?? DEFAULTS.retries;
    const timeoutMs = this.options.timeoutMs ?? DEFAULTS.timeoutMs;
    let backoff = this.options.backoffMs ?? DEFAULTS.backoffMs;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      let res: Response;
      let body: Buffer;
      try {
        res = await fetch(url, {
          method,
          headers: { ...this.options.headers, ...send?.headers },
          ...(send ? { body: send.body } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = Buffer.from(await res.arrayBuffer());
      } catch (err) {
        if (isTimeout(err)) {
          throw this.error(ErrorCode.InferenceServerTimeout, `${method} /${path} got no answer within ${timeoutMs} ms`);
        }
        // A certificate that is not trusted stays so: no retry, and the way to trust it.
        const tls = tlsReason(err);
        if (tls) {
          throw this.error(
            ErrorCode.InferenceServerUnavailable,
            `the server's TLS certificate is not accepted (${tls}). If a private CA signed it, start VS Code or the cli with NODE_EXTRA_CA_CERTS set to that CA's PEM file; check that the URL's host name is one the certificate names`,
          );
        }
        if (last) {
          throw this.error(
            ErrorCode.InferenceServerUnavailable,
            `${method} /${path} failed after ${attempt + 1} attempt(s): ${networkReason(err)}`,
          );
        }
        await delay(backoff);
        backoff *= 2;
        continue;
      }
      if (res.ok) return { headers: res.headers, body };
      if (res.status === 503 && !last) {
        await delay(backoff);
        backoff *= 2;
        continue;
      }
      const detail = errorText(body);
      if (res.status === 503 || path.endsWith('/ready')) {
        const what = path.startsWith('v2/models/')
          ? 'the model is not ready (or not served there)'
          : 'the server is not ready';
        throw this.error(
          ErrorCode.InferenceServerUnavailable,
          `${what}: ${method} /${path} answered ${res.status}${detail} after ${attempt + 1} attempt(s)`,
        );
      }
      throw this.error(ErrorCode.InferenceServerError, `${method} /${path} answered ${res.status}${detail}`);
    }
  }

  private error(code: number, what: string): SenseVoiceError {
    return new SenseVoiceError(code, `Inference server ${this.endpoint}: ${what}.`, { endpoint: this.endpoint });
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}

/** The server's own error text ({"error": "..."} in the protocol), shortened, or nothing. */
function errorText(body: Buffer): string {
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: unknown }).error;
    if (typeof e === 'string' && e) return ` (${e.slice(0, 300)})`;
  } catch {
    // not JSON
  }
  return '';
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** The certificate error's code (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, …), or null. */
function tlsReason(err: unknown): string | null {
  const code = (err as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code !== 'string') return null;
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET_ISSUER|VERIFY)|ERR_TLS/.test(code) ? code : null;
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
