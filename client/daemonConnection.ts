// A client's connection to a daemon: a private one it spawns and speaks to over stdio, or the shared
// per-user one over a socket (client/sharedDaemon.ts finds or starts it). Turns JSON-RPC errors back
// into SenseVoiceError with the daemon's code. Used by the cli and the extension; imports no vscode,
// no onnxruntime, no ffmpeg.
import { spawn, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { randomUUID } from 'node:crypto';
import { Endpoint } from '../common/rpc/endpoint';
import { buildVersion } from '../common/daemon/buildVersion';
import { daemonEnvironment } from '../common/daemonEnvironment';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  SenseVoiceError,
  type DaemonSettings,
  type InitializeResult,
  type NotificationMap,
  type ParamsOf,
  type EngineChangedParams,
  type ProgressParams,
  type RequestName,
  type ResultOf,
  type SegmentParams,
} from '../common/protocol';

export interface SpawnDaemonOptions {
  /** The node (or Electron run as node) binary. */
  command: string;
  /** Arguments, usually [path to dist/daemon.js]. */
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  clientName: string;
  settings?: DaemonSettings;
  /** Each line the daemon writes to stderr. */
  onStderr?: (line: string) => void;
}

export interface RequestOptions {
  onProgress?: (p: ProgressParams) => void;
  /** Each `transcribe/segment` the daemon sends for this request, as it arrives. */
  onSegment?: (p: SegmentParams) => void;
  signal?: AbortSignal;
}

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the client asked for it (dispose / shutdown). */
  expected: boolean;
}

export class DaemonConnection {
  private readonly progressListeners = new Map<string, (p: ProgressParams) => void>();
  private readonly segmentListeners = new Map<string, (p: SegmentParams) => void>();
  private readonly exitListeners: ((e: DaemonExit) => void)[] = [];
  private readonly engineListeners: ((p: EngineChangedParams) => void)[] = [];
  private disposing = false;
  private exitInfo: DaemonExit | null = null;
  initializeResult: InitializeResult | null = null;

  private constructor(
    /** The private daemon's process; undefined for a connection to the shared daemon. */
    private readonly proc: ChildProcess | undefined,
    readonly endpoint: Endpoint,
    private readonly socket?: net.Socket,
  ) {
    endpoint.onNotification('$/progress', (raw) => {
      const p = raw as ProgressParams;
      if (p && typeof p.token === 'string') this.progressListeners.get(p.token)?.(p);
    });
    endpoint.onNotification('daemon/engineChanged', (raw) => {
      const p = raw as EngineChangedParams;
      if (p && (p.change === 'model' || p.change === 'batching') && typeof p.by === 'string')
        for (const l of this.engineListeners) l(p);
    });
    endpoint.onNotification('transcribe/segment', (raw) => {
      const p = raw as SegmentParams;
      if (p && typeof p.token === 'string' && typeof p.segment === 'object' && p.segment !== null)
        this.segmentListeners.get(p.token)?.(p);
    });
  }

  /** Spawns the daemon and completes `initialize`; rejects with DaemonUnavailable if it cannot start. */
  static async start(options: SpawnDaemonOptions): Promise<DaemonConnection> {
    const child = spawn(options.command, options.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      // The same environment a shared daemon gets (common/daemonEnvironment.ts): CUDA library store, malloc.
      env: { ...daemonEnvironment(options.env ?? process.env), SENSEVOICE_PARENT_PID: String(process.pid) },
      cwd: options.cwd,
      windowsHide: true,
    });
    const endpoint = new Endpoint({
      input: child.stdout!,
      output: child.stdin!,
      log: (m) => options.onStderr?.(`[client] ${m}`),
    });
    const conn = new DaemonConnection(child, endpoint);
    let stderrTail = '';
    let buffered = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      stderrTail = (stderrTail + s).slice(-4000);
      buffered += s;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const l of lines) options.onStderr?.(l);
    });
    // stdin errors (EPIPE when the daemon dies) surface through 'exit'; keep them from crashing us.
    child.stdin!.on('error', () => undefined);
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) =>
        reject(
          new SenseVoiceError(
            ErrorCode.DaemonUnavailable,
            `Could not start the SenseVoice daemon with ${options.command}: ${err.message}`,
          ),
        ),
      );
    });
    child.once('exit', (code, signal) => {
      conn.exitInfo = { code, signal, expected: conn.disposing };
      endpoint.close(`daemon exited (${signal ?? code})`);
      for (const l of conn.exitListeners) l(conn.exitInfo);
    });
    await spawned;
    try {
      conn.initializeResult = await conn.request('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        clientName: options.clientName,
        settings: options.settings,
      });
    } catch (err) {
      conn.kill();
      if (err instanceof SenseVoiceError && err.code !== ErrorCode.DaemonUnavailable) throw err;
      throw new SenseVoiceError(
        ErrorCode.DaemonUnavailable,
        `The SenseVoice daemon stopped while starting: ${stderrTail.trim().split('\n').slice(-3).join(' | ') || 'no output'}`,
      );
    }
    return conn;
  }

  /**
   * Completes `initialize` over a connected socket to the shared daemon. Rejects with the daemon's
   * code (DaemonRetiring, DaemonTooNew) when it will not serve this client's build.
   */
  static async overSocket(
    socket: net.Socket,
    options: {
      clientName: string;
      clientVersion?: string;
      authToken?: string;
      settings?: DaemonSettings;
      onLog?: (line: string) => void;
    },
  ): Promise<DaemonConnection> {
    const endpoint = new Endpoint({ input: socket, output: socket, log: (m) => options.onLog?.(`[client] ${m}`) });
    const conn = new DaemonConnection(undefined, endpoint, socket);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      conn.exitInfo = { code: null, signal: null, expected: conn.disposing };
      endpoint.close('the shared daemon closed the connection');
      for (const l of conn.exitListeners) l(conn.exitInfo);
    });
    try {
      conn.initializeResult = await conn.request('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        clientName: options.clientName,
        clientVersion: options.clientVersion ?? buildVersion(),
        settings: options.settings,
        ...(options.authToken ? { authToken: options.authToken } : {}),
      });
    } catch (err) {
      conn.kill();
      throw err;
    }
    return conn;
  }

  /** The private daemon's process (a connection to the shared daemon has none: it throws). */
  get child(): ChildProcess {
    if (!this.proc) throw new Error('A connection to the shared daemon has no child process.');
    return this.proc;
  }

  /** True when connected to the per-user daemon that other windows and cli calls share. */
  get shared(): boolean {
    return this.socket !== undefined;
  }

  /** Calls a protocol method. With a signal, a token is attached and abort sends `$/cancel`. */
  async request<M extends RequestName>(
    method: M,
    params: ParamsOf<M>,
    options: RequestOptions = {},
  ): Promise<ResultOf<M>> {
    if (this.exitInfo) throw this.unavailable();
    let token: string | undefined;
    if (options.onProgress || options.onSegment || options.signal) {
      token = randomUUID();
      params = { ...(params as object), token } as ParamsOf<M>;
      if (options.onProgress) this.progressListeners.set(token, options.onProgress);
      if (options.onSegment) this.segmentListeners.set(token, options.onSegment);
    }
    const onAbort = () => token && this.notify('$/cancel', { token });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return (await this.endpoint.request(method, params)) as ResultOf<M>;
    } catch (err) {
      if (err instanceof SenseVoiceError && err.code === ErrorCode.DaemonUnavailable) {
        // stdout closes a moment before 'exit' fires: wait briefly so the message can say how it ended.
        await Promise.race([new Promise<void>((resolve) => this.onExit(() => resolve())), delay(1000)]);
        throw this.unavailable();
      }
      throw err;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (token) {
        this.progressListeners.delete(token);
        this.segmentListeners.delete(token);
      }
    }
  }

  notify<N extends keyof NotificationMap>(method: N, params: NotificationMap[N]): void {
    this.endpoint.notify(method, params);
  }

  /** Another client of the shared daemon changed the engine this one shares (see EngineChangedParams). */
  onEngineChanged(listener: (p: EngineChangedParams) => void): void {
    this.engineListeners.push(listener);
  }

  onExit(listener: (e: DaemonExit) => void): void {
    if (this.exitInfo) listener(this.exitInfo);
    else this.exitListeners.push(listener);
  }

  get exited(): DaemonExit | null {
    return this.exitInfo;
  }

  /**
   * Asks the daemon to shut down, closes its stdin, and kills it if it has not exited in time. On
   * the shared daemon, says goodbye (its jobs are cancelled) and closes the connection; the daemon serves on.
   */
  async dispose(timeoutMs = 3000): Promise<void> {
    if (this.exitInfo) return;
    this.disposing = true;
    const exited = new Promise<void>((resolve) => this.onExit(() => resolve()));
    try {
      await Promise.race([this.request('shutdown', undefined), delay(timeoutMs / 2)]);
    } catch {
      // already going away
    }
    this.proc?.stdin?.end();
    this.socket?.end();
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** Kills the private daemon; drops the connection to the shared one. */
  kill(): void {
    this.disposing = true;
    if (this.exitInfo) return;
    if (this.socket) this.socket.destroy();
    else this.proc?.kill('SIGKILL');
  }

  private unavailable(): SenseVoiceError {
    const e = this.exitInfo;
    if (this.socket)
      return new SenseVoiceError(ErrorCode.DaemonUnavailable, 'The shared SenseVoice daemon closed the connection.');
    const how = e ? (e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`) : 'is not running';
    return new SenseVoiceError(ErrorCode.DaemonUnavailable, `The SenseVoice daemon ${how}.`, e ?? undefined);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
