// One JSON-RPC 2.0 peer over a pair of byte streams, one frame per line. Both the daemon and its
// clients use it: each side serves some methods and calls others (the daemon sends `$/progress`).
// Protocol faults (bad JSON, wrong shape, oversized frames) are answered and logged; never fatal.
import type { Readable, Writable } from 'node:stream';
import {
  JSONRPCClient,
  JSONRPCErrorException,
  JSONRPCServer,
  createJSONRPCErrorResponse,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from 'json-rpc-2.0';
import { LineFramer } from './lineFramer';
import { ErrorCode, SenseVoiceError } from '../protocol';

export interface EndpointOptions {
  input: Readable;
  output: Writable;
  /** Diagnostics (garbage lines, oversized frames); never written to `output`. */
  log: (message: string) => void;
  maxFrameBytes?: number;
}

export type RequestHandler = (params: unknown, id: string | number | null) => unknown;
export type NotificationHandler = (params: unknown) => void;

export class Endpoint {
  private readonly server: JSONRPCServer<void>;
  private readonly client: JSONRPCClient<void>;
  private readonly notificationHandlers = new Map<string, NotificationHandler>();
  private nextId = 1;
  private closed = false;
  private closeReason = '';
  private readonly closeListeners: (() => void)[] = [];
  /** Wraps every request handler (initialize gating, cancellation); identity by default. */
  requestGate: ((method: string, run: () => Promise<unknown>) => Promise<unknown>) | undefined;

  constructor(private readonly options: EndpointOptions) {
    // Coded errors are answers, not faults: only unexpected ones are worth a log line.
    this.server = new JSONRPCServer<void>({
      errorListener: (message, data) => {
        if (!(data instanceof SenseVoiceError) && !(data instanceof JSONRPCErrorException)) options.log(message);
      },
    });
    this.client = new JSONRPCClient<void>(
      (request) => this.write(request),
      () => this.nextId++,
    );
    this.server.mapErrorToJSONRPCErrorResponse = (id, error) => toErrorResponse(id, error, options.log);
    const framer = new LineFramer({
      maxFrameBytes: options.maxFrameBytes,
      onFrame: (line) => this.receiveLine(line),
      onOversize: (bytes) => {
        options.log(`dropped a frame of ${bytes}+ bytes (limit ${options.maxFrameBytes ?? 'default'})`);
        this.write(
          createJSONRPCErrorResponse(
            null,
            ErrorCode.FrameTooLarge,
            `Frame of ${bytes} bytes is larger than the daemon accepts.`,
          ),
        );
      },
    });
    options.input.on('data', (chunk: Buffer) => framer.push(chunk));
    options.input.on('end', () => {
      framer.end();
      this.close('input ended');
    });
    options.input.on('close', () => this.close('input closed'));
    options.output.on('error', (err) => {
      options.log(`output error: ${err.message}`);
      this.close('output error');
    });
  }

  /** Serves `method`; the handler's SenseVoiceError becomes a JSON-RPC error with its code. */
  onRequest(method: string, handler: RequestHandler): void {
    this.server.addMethodAdvanced(method, async (request) => {
      const run = async () => handler(request.params, request.id ?? null);
      const result = await (this.requestGate ? this.requestGate(method, run) : run());
      return request.id === undefined ? null : { jsonrpc: '2.0', id: request.id, result: result ?? null };
    });
  }

  onNotification(method: string, handler: NotificationHandler): void {
    this.notificationHandlers.set(method, handler);
  }

  /** Calls `method` on the peer; rejects with SenseVoiceError carrying the peer's code. */
  async request(method: string, params: unknown): Promise<unknown> {
    if (this.closed) throw this.closedError();
    try {
      return await this.client.request(method, params);
    } catch (err) {
      // Pending requests are rejected by close(): that is the peer going away, not its answer.
      if (this.closed) throw this.closedError();
      if (err instanceof JSONRPCErrorException) throw new SenseVoiceError(err.code, err.message, err.data);
      throw err;
    }
  }

  notify(method: string, params: unknown): void {
    if (!this.closed) this.client.notify(method, params);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.client.rejectAllPendingRequests(`Connection closed: ${reason}`);
    for (const l of this.closeListeners) l();
  }

  private closedError(): SenseVoiceError {
    return new SenseVoiceError(ErrorCode.DaemonUnavailable, `The connection closed (${this.closeReason}).`);
  }

  private write(frame: unknown): void {
    if (this.closed) return;
    this.options.output.write(JSON.stringify(frame) + '\n');
  }

  private receiveLine(line: string): void {
    let payload: unknown;
    try {
      payload = JSON.parse(line);
    } catch {
      this.options.log(`ignored a line that is not JSON: ${line.slice(0, 200)}`);
      this.write(createJSONRPCErrorResponse(null, ErrorCode.ParseError, 'Parse error: the frame is not valid JSON.'));
      return;
    }
    if (Array.isArray(payload)) {
      this.write(createJSONRPCErrorResponse(null, ErrorCode.InvalidRequest, 'Batch requests are not supported.'));
      return;
    }
    // The library takes any id and any method that is not undefined, and throws on a bare null: the
    // spec asks for Invalid Request, answered with a null id when the id itself is not valid.
    if (typeof payload !== 'object' || payload === null) {
      this.write(
        createJSONRPCErrorResponse(null, ErrorCode.InvalidRequest, 'Invalid Request: a frame must be a JSON object.'),
      );
      return;
    }
    const frame = payload as Record<string, unknown>;
    if ('id' in frame && !isId(frame.id)) {
      this.write(
        createJSONRPCErrorResponse(
          null,
          ErrorCode.InvalidRequest,
          'Invalid Request: an id must be a string, a number or null.',
        ),
      );
      return;
    }
    if ('method' in frame && typeof frame.method !== 'string') {
      this.write(
        createJSONRPCErrorResponse(
          isId(frame.id) ? (frame.id as string | number | null) : null,
          ErrorCode.InvalidRequest,
          'Invalid Request: the method must be a string.',
        ),
      );
      return;
    }
    if (isResponse(payload)) {
      this.client.receive(payload);
      return;
    }
    if (isNotification(payload)) {
      this.dispatchNotification(payload);
      return;
    }
    this.server.receive(payload as JSONRPCRequest).then(
      (response) => {
        if (response) this.write(response);
      },
      (err: unknown) => this.options.log(`request failed outside its handler: ${String(err)}`),
    );
  }

  private dispatchNotification(n: JSONRPCRequest): void {
    const handler = this.notificationHandlers.get(n.method);
    if (!handler) {
      this.options.log(`ignored unknown notification ${n.method}`);
      return;
    }
    try {
      handler(n.params);
    } catch (err) {
      this.options.log(`notification ${n.method} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function isId(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || v === null;
}

function isResponse(p: unknown): p is JSONRPCResponse {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  return o.jsonrpc === '2.0' && !('method' in o) && ('result' in o || 'error' in o) && 'id' in o;
}

function isNotification(p: unknown): p is JSONRPCRequest {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  return o.jsonrpc === '2.0' && typeof o.method === 'string' && !('id' in o);
}

function toErrorResponse(id: string | number | null, error: unknown, log: (m: string) => void) {
  if (error instanceof SenseVoiceError) return createJSONRPCErrorResponse(id, error.code, error.message, error.data);
  if (error instanceof JSONRPCErrorException)
    return createJSONRPCErrorResponse(id, error.code, error.message, error.data);
  const message = error instanceof Error ? error.message : String(error);
  log(`internal error: ${error instanceof Error && error.stack ? error.stack : message}`);
  return createJSONRPCErrorResponse(id, ErrorCode.InternalError, `Internal error: ${message}`);
}
