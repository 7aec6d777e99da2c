// A TEST DOUBLE of an Open Inference Protocol (KServe v2 / Triton) server, for tests only: never
// shipped, never a product feature. It serves a model folder the way the repository written by
// `export-server-model` would be served: `sensevoice` (the ensemble: encoder, then the argmax model,
// giving token ids) and `sensevoice_encoder` (logits), both run with onnxruntime-node. It applies
// Triton's dynamic batching rule (requests whose input shapes are equal apart from the batch
// dimension, arriving within the queue delay, run as one batch), speaks REST with JSON and the
// binary tensor extension, and can be told to fail: 503 storms, slow answers, dropped connections.
// Its request parsing and response writing are written here on purpose, apart from the daemon's
// codec (daemon/remote/oipCodec.ts), so the two check each other.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Tensor } from 'onnxruntime-node';
import { inspectModelFolder } from '../../daemon/model/modelFolder';
import { buildArgmaxModel } from '../../daemon/remote/argmaxModel';
import { tagId } from '../../daemon/decoding/richTags';
import { EMOTION_UNKNOWN } from '../../common/richTags';
import { repositoryConfigs } from '../../daemon/remote/serverRepository';
import { parsePbtxt } from './pbtxt';

type Datatype = 'FP32' | 'INT32' | 'INT64';
interface WireTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}
interface TensorMeta {
  name: string;
  datatype: Datatype;
  shape: number[];
}

export interface TestServerFaults {
  /** Answer this many coming infer requests with 503 (Infinity: every one). */
  unavailable: number;
  /** Answer readiness with 503 (a server still loading). */
  notReady: boolean;
  /** Hold every infer answer this long (ms). */
  delayMs: number;
  /** Destroy the connection of this many coming infer requests after reading them. */
  drop: number;
  /** For this many coming infer requests, run the model, send half the answer, then drop the connection. */
  truncate: number;
}

/** What the server saw and did, for the tests' assertions. */
export interface TestServerLog {
  /** Every infer request's JSON part and every response's JSON part, in order. */
  requests: unknown[];
  responses: unknown[];
  /** Requests per model run: [2, 1] means one run merged two requests, then one ran alone. */
  runs: number[];
  /** Every JSON body answered to a GET ("GET /v2/models/sensevoice/stats"), for the conformance checks. */
  answers: { line: string; status: number; body: unknown }[];
  /** Every HTTP request line ("GET /v2/health/ready"), with its Authorization header if any. */
  calls: { line: string; authorization?: string }[];
  /** Bytes of infer request bodies received and of infer response bodies sent. */
  bytesIn: number;
  bytesOut: number;
  /** Infer requests being handled now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
}

export interface OipTestServer {
  url: string;
  faults: TestServerFaults;
  log: TestServerLog;
  close(): Promise<void>;
}

interface Queued {
  inputs: WireTensor[];
  queuedAt: bigint;
  resolve: (outputs: Record<string, WireTensor>) => void;
  reject: (e: Error) => void;
}

/** Starts the double on 127.0.0.1; `modelDir` is a test model folder (test/helpers/testModels). */
export async function startOipTestServer(options: {
  modelDir: string;
  /** How long a request waits for others of its shape (Triton's max_queue_delay_microseconds). */
  queueDelayMs?: number;
  maxBatch?: number;
  /** Metadata to report instead of the true one, for wrong-contract tests. */
  metadataOverride?: (name: string, meta: { inputs: TensorMeta[]; outputs: TensorMeta[] }) => void;
  /**
   * A repository written by export-server-model: its config.pbtxt files are what
   * GET v2/models/{name}/config answers (parsed as Triton does). Without it, the configs the export
   * would write for `modelDir`.
   */
  repository?: string;
  /** false: no model-configuration extension (as KServe): GET .../config answers 404. */
  configExtension?: boolean;
  /** Serve over https with this key and certificate (PEM), as a TLS-terminating server would. */
  tls?: { key: string; cert: string };
}): Promise<OipTestServer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  const folder = await inspectModelFolder(options.modelDir, { preferQuantized: false });
  const encoder = await ort.InferenceSession.create(folder.modelFile, { intraOpNumThreads: 1 });
  const argmax = await ort.InferenceSession.create(
    buildArgmaxModel({
      logitsName: folder.outputName,
      vocabSize: folder.vocabSize,
      emotionUnknownId: tagId(folder.tokens, EMOTION_UNKNOWN) ?? -1,
    }),
  );
  const n = folder.inputNames;
  // The ensemble declares per-utterance scalars as Triton does with batching ([-1, 1]: dims [1] in
  // its config); the encoder as a server without batching would ([-1]). Clients must handle both.
  const scalars = (shape: number[]): TensorMeta[] => [
    { name: n.lengths, datatype: 'INT32', shape },
    { name: n.language, datatype: 'INT32', shape },
    { name: n.textNorm, datatype: 'INT32', shape },
  ];
  const features: TensorMeta = { name: n.features, datatype: 'FP32', shape: [-1, -1, folder.lfr.m * 80] };
  const inputs = [features, ...scalars([-1])];
  const models: Record<string, { inputs: TensorMeta[]; outputs: TensorMeta[]; platform: string }> = {
    sensevoice: {
      platform: 'ensemble',
      inputs: [{ ...features }, ...scalars([-1, 1])],
      outputs: [
        { name: 'token_ids', datatype: 'INT32', shape: [-1, -1] },
        { name: 'token_ids_no_emo_unknown', datatype: 'INT32', shape: [-1, -1] },
      ],
    },
    sensevoice_encoder: {
      platform: 'onnxruntime_onnx',
      inputs,
      outputs: [{ name: folder.outputName, datatype: 'FP32', shape: [-1, -1, folder.vocabSize] }],
    },
  };
  for (const [name, m] of Object.entries(models)) options.metadataOverride?.(name, m);
  const configTexts: Record<string, string> = options.repository
    ? Object.fromEntries(
        Object.keys(models).map((name) => [
          name,
          fs.readFileSync(path.join(options.repository!, name, 'config.pbtxt'), 'utf8'),
        ]),
      )
    : (({ ensemble, encoder }) => ({ sensevoice: ensemble, sensevoice_encoder: encoder }))(repositoryConfigs(folder));
  const configs = Object.fromEntries(Object.entries(configTexts).map(([n, t]) => [n, parsePbtxt(t)]));

  const faults: TestServerFaults = { unavailable: 0, notReady: false, delayMs: 0, drop: 0, truncate: 0 };
  const log: TestServerLog = {
    requests: [],
    responses: [],
    answers: [],
    runs: [],
    calls: [],
    bytesIn: 0,
    bytesOut: 0,
    inFlight: 0,
    maxInFlight: 0,
  };
  const queues = new Map<string, Queued[]>();
  const queueDelayMs = options.queueDelayMs ?? 5;
  const maxBatch = options.maxBatch ?? 16;

  /**
   * Triton's statistics extension, per model: requests (inferences), runs (executions), runs per
   * batch size, queue and compute time. A request through the ensemble counts for the ensemble and
   * for its encoder step, as in Triton; batching shows in the encoder's runs.
   */
  interface Stat {
    inferences: number;
    executions: number;
    queue: { count: number; ns: number };
    compute: { count: number; ns: number };
    batches: Map<number, { count: number; ns: number }>;
  }
  const stats = new Map<string, Stat>();
  function record(model: string, batch: Queued[], computeNs: number): void {
    const st: Stat = stats.get(model) ?? {
      inferences: 0,
      executions: 0,
      queue: { count: 0, ns: 0 },
      compute: { count: 0, ns: 0 },
      batches: new Map(),
    };
    const size = batch.reduce((n, q) => n + q.inputs[0]!.shape[0]!, 0);
    st.executions++;
    st.inferences += size;
    const now = process.hrtime.bigint();
    for (const q of batch) {
      st.queue.count++;
      st.queue.ns += Number(now - q.queuedAt) - computeNs;
      st.compute.count++;
      st.compute.ns += computeNs;
    }
    const b = st.batches.get(size) ?? { count: 0, ns: 0 };
    b.count++;
    b.ns += computeNs;
    st.batches.set(size, b);
    stats.set(model, st);
  }
  async function run(model: string, batch: Queued[]): Promise<void> {
    log.runs.push(batch.length);
    const t0 = process.hrtime.bigint();
    const cat = (i: number): Tensor => {
      const parts = batch.map((q) => q.inputs[i]!);
      // A [N, 1] scalar reaches the ONNX model as [N] (Triton's reshape).
      const rest = parts[0]!.shape.slice(1);
      const shape = [parts.reduce((s, p) => s + p.shape[0]!, 0), ...(i > 0 ? [] : rest)];
      const total = parts.reduce((s, p) => s + p.data.length, 0);
      const data = parts[0]!.datatype === 'FP32' ? new Float32Array(total) : new Int32Array(total);
      let off = 0;
      for (const p of parts) {
        data.set(p.data as never, off);
        off += p.data.length;
      }
      return new ort.Tensor(parts[0]!.datatype === 'FP32' ? 'float32' : 'int32', data, shape);
    };
    const feeds: Record<string, Tensor> = {};
    inputs.forEach((t, i) => (feeds[t.name] = cat(i)));
    const logits = (await encoder.run(feeds))[folder.outputName]!;
    const produced: Record<string, Tensor> =
      model === 'sensevoice' ? await argmax.run({ [folder.outputName]: logits }) : { [folder.outputName]: logits };
    const computeNs = Number(process.hrtime.bigint() - t0);
    record(model, batch, computeNs);
    if (model === 'sensevoice') record('sensevoice_encoder', batch, computeNs);
    let row = 0;
    for (const q of batch) {
      const rows = q.inputs[0]!.shape[0]!;
      const out: Record<string, WireTensor> = {};
      for (const [name, t] of Object.entries(produced)) {
        const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
        const data = (t.data as Float32Array | Int32Array).slice(row * per, (row + rows) * per);
        out[name] = {
          name,
          datatype: t.type === 'float32' ? 'FP32' : 'INT32',
          shape: [rows, ...t.dims.slice(1)],
          data,
        };
      }
      row += rows;
      q.resolve(out);
    }
  }

  /** Triton's rule: equal shapes (apart from the batch) wait together up to the queue delay. */
  function enqueue(model: string, tensors: WireTensor[]): Promise<Record<string, WireTensor>> {
    const ordered = models[model]!.inputs.map((m) => {
      const t = tensors.find((x) => x.name === m.name);
      if (!t) throw new Error(`input ${m.name} is missing`);
      if (t.datatype !== m.datatype) throw new Error(`input ${m.name} is ${t.datatype}, expected ${m.datatype}`);
      const fits = t.shape.length === m.shape.length && m.shape.every((d, k) => d === -1 || d === t.shape[k]);
      if (!fits) throw new Error(`input ${m.name} has shape [${t.shape.join(',')}], expected [${m.shape.join(',')}]`);
      return t;
    });
    const key = model + JSON.stringify(ordered.map((t) => t.shape.slice(1)));
    return new Promise((resolve, reject) => {
      let q = queues.get(key);
      if (!q) {
        const fresh: Queued[] = [];
        queues.set(key, fresh);
        q = fresh;
        setTimeout(() => {
          queues.delete(key);
          run(model, fresh).catch((e: Error) => fresh.forEach((x) => x.reject(e)));
        }, queueDelayMs);
      }
      q.push({ inputs: ordered, queuedAt: process.hrtime.bigint(), resolve, reject });
      if (q.reduce((s, x) => s + x.inputs[0]!.shape[0]!, 0) >= maxBatch) queues.delete(key);
    });
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((e: Error) => send(res, 400, { error: e.message }));
    });
  };
  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);

  const lines = new WeakMap<http.ServerResponse, string>();
  function send(res: http.ServerResponse, status: number, body: unknown): void {
    const line = lines.get(res);
    if (line?.startsWith('GET ')) log.answers.push({ line, status, body });
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const line = `${req.method} ${url.pathname}`;
    lines.set(res, line);
    log.calls.push({ line, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const m = /^\/v2\/models\/([^/]+)(\/ready|\/infer|\/config|\/stats)?$/.exec(url.pathname);
    if (line === 'GET /v2/health/live') return send(res, 200, {});
    if (line === 'GET /v2/health/ready') return send(res, faults.notReady ? 503 : 200, {});
    if (line === 'GET /v2')
      return send(res, 200, { name: 'sensevoice-test-double', version: '0', extensions: ['binary_tensor_data'] });
    if (line === 'GET /v2/models/stats') return send(res, 200, { model_stats: [...stats.keys()].map(modelStat) });
    if (!m) return send(res, 404, { error: `no route ${line}` });
    const name = decodeURIComponent(m[1]!);
    const model = models[name];
    if (!model) return send(res, 400, { error: `Request for unknown model: '${name}' is not found` });
    if (req.method === 'GET' && m[2] === '/ready') return send(res, 200, {});
    if (req.method === 'GET' && m[2] === '/config') {
      if (options.configExtension === false) return send(res, 404, { error: 'Not Found' });
      return send(res, 200, configs[name]);
    }
    if (req.method === 'GET' && m[2] === '/stats') return send(res, 200, { model_stats: [modelStat(name)] });
    if (req.method === 'GET' && !m[2])
      return send(res, 200, {
        name,
        versions: ['1'],
        platform: model.platform,
        inputs: model.inputs,
        outputs: model.outputs,
      });
    if (req.method !== 'POST' || m[2] !== '/infer') return send(res, 405, { error: 'method not allowed' });

    log.bytesIn += body.length;
    const parsed = parseRequest(body, req.headers['inference-header-content-length']);
    log.requests.push(parsed.json);
    if (faults.drop > 0) {
      faults.drop--;
      req.socket.destroy();
      return;
    }
    if (faults.unavailable > 0) {
      faults.unavailable--;
      return send(res, 503, { error: 'Server busy (test double)' });
    }
    log.maxInFlight = Math.max(log.maxInFlight, ++log.inFlight);
    let outputs: Record<string, WireTensor>;
    try {
      outputs = await enqueue(name, parsed.inputs);
      if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    } finally {
      log.inFlight--;
    }
    const wanted: NonNullable<RequestJson['outputs']> =
      parsed.json.outputs ?? model.outputs.map((o) => ({ name: o.name }));
    const picked = wanted.map((w) => {
      const t = outputs[w.name];
      if (!t) throw new Error(`unknown output ${w.name}`);
      return { t, binary: w.parameters?.binary_data === true };
    });
    const header = {
      model_name: name,
      model_version: '1',
      ...(parsed.json.id !== undefined ? { id: parsed.json.id } : {}),
      outputs: picked.map(({ t, binary }) => ({
        name: t.name,
        datatype: t.datatype,
        shape: t.shape,
        ...(binary
          ? { parameters: { binary_data_size: t.data.byteLength } }
          : { data: Array.from(t.data as ArrayLike<number>) }),
      })),
    };
    log.responses.push(header);
    const headerBytes = Buffer.from(JSON.stringify(header));
    const binaries = picked.filter((p) => p.binary).map((p) => leBytes(p.t.data));
    log.bytesOut += headerBytes.length + binaries.reduce((n, b) => n + b.length, 0);
    const all = Buffer.concat([headerBytes, ...binaries]);
    res.writeHead(200, {
      'content-type': binaries.length ? 'application/octet-stream' : 'application/json',
      ...(binaries.length ? { 'inference-header-content-length': String(headerBytes.length) } : {}),
      'content-length': all.length,
    });
    if (faults.truncate > 0) {
      faults.truncate--;
      res.write(all.subarray(0, all.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(all);
  }

  /** One $model_stat of the statistics extension (durations as {count, ns}). */
  function modelStat(name: string) {
    const st = stats.get(name);
    const zero = { count: 0, ns: 0 };
    return {
      name,
      version: '1',
      last_inference: 0,
      inference_count: st?.inferences ?? 0,
      execution_count: st?.executions ?? 0,
      inference_stats: {
        success: st?.compute ?? zero,
        fail: zero,
        queue: st?.queue ?? zero,
        compute_input: zero,
        compute_infer: st?.compute ?? zero,
        compute_output: zero,
      },
      batch_stats: [...(st?.batches ?? [])].map(([batch_size, d]) => ({
        batch_size,
        compute_input: { count: d.count, ns: 0 },
        compute_infer: d,
        compute_output: { count: d.count, ns: 0 },
      })),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    faults,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await encoder.release();
      await argmax.release();
    },
  };
}

interface RequestJson {
  id?: string;
  inputs: {
    name: string;
    datatype: Datatype;
    shape: number[];
    data?: number[];
    parameters?: { binary_data_size?: number };
  }[];
  outputs?: { name: string; parameters?: { binary_data?: boolean } }[];
}

/** Reads a request the way the protocol documents it, independently of the daemon's codec. */
export function parseRequest(
  body: Buffer,
  headerLength: string | string[] | undefined,
): { json: RequestJson; inputs: WireTensor[] } {
  const hl = typeof headerLength === 'string' ? Number(headerLength) : body.length;
  const json = JSON.parse(body.subarray(0, hl).toString('utf8')) as RequestJson;
  let off = hl;
  const inputs = json.inputs.map((i): WireTensor => {
    const size = i.parameters?.binary_data_size;
    if (size === undefined) {
      const data =
        i.datatype === 'FP32'
          ? Float32Array.from(i.data!)
          : i.datatype === 'INT32'
            ? Int32Array.from(i.data!)
            : BigInt64Array.from(i.data!, BigInt);
      return { name: i.name, datatype: i.datatype, shape: i.shape, data };
    }
    const bytes = new Uint8Array(size); // a fresh buffer: typed views need aligned offsets
    bytes.set(body.subarray(off, off + size));
    off += size;
    const data =
      i.datatype === 'FP32'
        ? new Float32Array(bytes.buffer, bytes.byteOffset, size / 4)
        : i.datatype === 'INT32'
          ? new Int32Array(bytes.buffer, bytes.byteOffset, size / 4)
          : new BigInt64Array(bytes.buffer, bytes.byteOffset, size / 8);
    return { name: i.name, datatype: i.datatype, shape: i.shape, data };
  });
  if (off !== body.length) throw new Error(`${body.length - off} bytes after the last input`);
  return { json, inputs };
}

function leBytes(data: WireTensor['data']): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
