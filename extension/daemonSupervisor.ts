// Owns the daemon process for the extension: starts it on first use, restarts it after a crash
// within the crash budget, stops it on request, and reports its state. No vscode import, so it is
// tested with real child processes and a fake clock.
import type { DaemonConnection, DaemonExit, RequestOptions } from '../client/daemonConnection';
import {
  ErrorCode,
  SenseVoiceError,
  type EngineChangedParams,
  type ParamsOf,
  type RequestName,
  type ResultOf,
} from '../common/protocol';
import { CrashBudget } from './crashBudget';

export type DaemonState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | {
      kind: 'ready';
      pid: number;
      busy: number;
      provider?: string;
      device?: string;
      gpuHint?: string;
      /** Attached to the user's shared daemon; `others` is how many other windows and commands use it. */
      shared?: { others: number };
    }
  | { kind: 'stopped'; reason: string }
  | { kind: 'error'; message: string };

export interface SupervisorOptions {
  start: () => Promise<DaemonConnection>;
  budget: CrashBudget;
  log: (message: string) => void;
  onState: (state: DaemonState) => void;
  /** Called when a crash exceeds the budget and the supervisor gives up. */
  onGiveUp: (message: string) => void;
  /** Another window or command changed the shared engine (its model, or the daemon-wide batching). */
  onEngineChanged?: (change: EngineChangedParams) => void;
}

export class DaemonSupervisor {
  private conn: DaemonConnection | null = null;
  private starting: Promise<DaemonConnection> | null = null;
  private busy = 0;
  private current: DaemonState = { kind: 'idle' };
  private stoppedByUser = false;
  /** Set when crashes exceed the budget: only an explicit restart starts the daemon again. */
  private gaveUp: string | null = null;
  private readonly stateListeners = new Set<(state: DaemonState) => void>();
  /** GPU names by provider, as the GPU check found them; kept across restarts (the hardware stays). */
  private readonly devices = new Map<string, string>();
  private gpuHint: string | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  get state(): DaemonState {
    return this.current;
  }

  /** The running daemon, started now if need be. Concurrent callers share one start. */
  connection(): Promise<DaemonConnection> {
    if (this.conn && !this.conn.exited) return Promise.resolve(this.conn);
    if (this.gaveUp) return Promise.reject(new SenseVoiceError(ErrorCode.DaemonUnavailable, this.gaveUp));
    this.starting ??= this.spawn();
    return this.starting;
  }

  async request<M extends RequestName>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>> {
    const conn = await this.connection();
    this.setBusy(+1);
    try {
      return await conn.request(method, params, options);
    } finally {
      this.setBusy(-1);
    }
  }

  /** User-initiated restart: a fresh crash budget. */
  async restart(): Promise<DaemonConnection> {
    this.options.budget.reset();
    this.gaveUp = null;
    await this.stop('restarting');
    this.stoppedByUser = false;
    return this.connection();
  }

  async stop(reason = 'stopped'): Promise<void> {
    this.stoppedByUser = true;
    const pending = this.starting;
    this.starting = null;
    const conn = this.conn ?? (await pending?.catch(() => null)) ?? null;
    this.conn = null;
    if (conn) await conn.dispose();
    this.setState({ kind: 'stopped', reason });
  }

  private async spawn(): Promise<DaemonConnection> {
    this.stoppedByUser = false;
    this.setState({ kind: 'starting' });
    try {
      const conn = await this.options.start();
      this.conn = conn;
      this.busy = 0;
      conn.onExit((e) => this.onExit(conn, e));
      conn.onEngineChanged((change) => this.options.onEngineChanged?.(change));
      this.setState({
        kind: 'ready',
        pid: conn.initializeResult?.pid ?? (conn.shared ? 0 : conn.child.pid) ?? 0,
        busy: 0,
        ...(this.gpuHint ? { gpuHint: this.gpuHint } : {}),
        ...(conn.shared ? { shared: { others: 0 } } : {}),
      });
      if (conn.shared) this.refreshShared(conn);
      return conn;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.options.log(`daemon failed to start: ${message}`);
      this.setState({ kind: 'error', message });
      throw err;
    } finally {
      this.starting = null;
    }
  }

  private onExit(conn: DaemonConnection, e: DaemonExit): void {
    if (this.conn !== conn) return;
    this.conn = null;
    if (e.expected || this.stoppedByUser) return;
    const how = conn.shared
      ? 'closed the connection (the shared daemon stopped)'
      : e.signal
        ? `killed by ${e.signal}`
        : `exited with code ${e.code}`;
    this.options.log(`daemon ${how}`);
    if (this.options.budget.recordCrash()) {
      this.options.log(`restarting the daemon (${this.options.budget.recent} crash(es) in the budget window)`);
      this.connection().catch((err: unknown) => this.options.log(`restart failed: ${String(err)}`));
      return;
    }
    const message = `The SenseVoice daemon ${how}; it crashed ${this.options.budget.recent} times in a short while, so it was not restarted again.`;
    this.gaveUp = message;
    this.setState({ kind: 'error', message });
    this.options.onGiveUp(message);
  }

  /** Records what the daemon runs on, once a model reports it; a device name once given is kept for its provider. */
  setDevice(provider: string, device?: string): void {
    if (device) this.devices.set(provider, device);
    if (this.current.kind === 'ready')
      this.setState({ ...this.current, provider, device: device ?? this.devices.get(provider) });
  }

  /** A hint for the status bar, e.g. that a GPU is present but unused; undefined clears it. */
  setGpuHint(hint: string | undefined): void {
    this.gpuHint = hint;
    if (this.current.kind === 'ready') this.setState({ ...this.current, gpuHint: hint });
  }

  /** Calls `listener` after every state change until disposed. */
  onStateChange(listener: (state: DaemonState) => void): { dispose(): void } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  private setBusy(delta: number): void {
    this.busy = Math.max(0, this.busy + delta);
    if (this.current.kind === 'ready') this.setState({ ...this.current, busy: this.busy });
    if (this.busy === 0 && this.conn?.shared) this.refreshShared(this.conn);
  }

  /** How many other windows and commands share the daemon, for the status bar (asked at attach and when work ends). */
  private refreshShared(conn: DaemonConnection): void {
    conn.request('daemon/status', undefined).then(
      (s) => {
        if (this.conn === conn && this.current.kind === 'ready')
          this.setState({ ...this.current, shared: { others: Math.max(0, s.clients - 1) } });
      },
      () => undefined,
    );
  }

  private setState(state: DaemonState): void {
    this.current = state;
    this.options.onState(state);
    for (const l of this.stateListeners) l(state);
  }
}
