// One client's connection to the daemon: its endpoint, its handshake state, its settings and its
// cancellation tokens. A private (stdio) daemon has one; the shared daemon one per socket connection.
import type { Readable, Writable } from 'node:stream';
import { Endpoint } from '../common/rpc/endpoint';
import { ErrorCode, SenseVoiceError, type ProgressParams, type SegmentParams } from '../common/protocol';
import { CancellationRegistry } from './cancellation';
import { sanitizeSettings, type EffectiveSettings } from './settings';
import type { TranscriptionClient } from './jobs/transcriptionRequests';

export type Lifecycle = 'new' | 'ready' | 'shutdown';

export class Session implements TranscriptionClient {
  readonly endpoint: Endpoint;
  state: Lifecycle = 'new';
  clientName = 'unknown';
  settings: EffectiveSettings = sanitizeSettings({});
  readonly cancellation = new CancellationRegistry();

  constructor(
    readonly id: string,
    input: Readable,
    output: Writable,
    log: (message: string) => void,
    maxFrameBytes: number | undefined,
  ) {
    this.endpoint = new Endpoint({ input, output, log, maxFrameBytes });
    this.endpoint.requestGate = (method, run) => this.gate(method, run);
  }

  progress(params: ProgressParams): void {
    this.endpoint.notify('$/progress', params);
  }

  segment(params: SegmentParams): void {
    this.endpoint.notify('transcribe/segment', params);
  }

  private gate(method: string, run: () => Promise<unknown>): Promise<unknown> {
    if (this.state === 'shutdown') {
      return Promise.reject(
        new SenseVoiceError(
          ErrorCode.ShuttingDown,
          `The daemon is shutting down and no longer takes requests (${method}).`,
        ),
      );
    }
    if (this.state === 'new' && method !== 'initialize') {
      return Promise.reject(new SenseVoiceError(ErrorCode.NotInitialized, `Send "initialize" before "${method}".`));
    }
    return run();
  }
}
