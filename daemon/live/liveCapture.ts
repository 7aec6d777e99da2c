// The ffmpeg processes of a live job and what they say. The capture process reads the device and
// streams samples; it starts (the first samples arrive) or fails with a classified error. Samples go
// to `onSamples` in order, and, unless the job is paused, to the encoder process that writes the
// recording file from its stdin (so paused audio never reaches the file, and the file's length is the
// recording time). `finish()` asks the capture to end ('q' on stdin, then SIGINT, then SIGKILL) and
// closes the encoder's input, so the file is finished cleanly; an exit of either that nobody asked
// for is reported through `ended` (the device went away, the disk filled up) and ends the other.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCode, SenseVoiceError, type CaptureFormat, type RecordingFormat } from '../../common/protocol';
import { captureArgs, encodeArgs } from './captureArgs';

export interface CaptureOptions {
  ffmpegPath: string;
  inputFormat: CaptureFormat;
  device: string;
  file: string;
  format: RecordingFormat;
  /** 16 kHz mono samples, in order, paused or not; called synchronously per chunk. */
  onSamples: (chunk: Float32Array, paused: boolean) => void;
  log: (message: string) => void;
}

/** The tail of an ffmpeg's stderr kept for error messages. */
function keepTail(kept: string, s: string): string {
  return kept.length < 64_000 ? kept + s : kept.slice(0, 16_000) + kept.slice(-16_000) + s;
}

/**
 * 16-bit samples for the encoder: half the bytes of float, so a burst (a busy daemon reading a few
 * seconds at once) fits the pipe rather than waiting in the daemon. Rounded as ffmpeg converts (a
 * PulseAudio source delivers 16-bit samples, so nothing changes).
 */
export function toPcm16(samples: Float32Array): Buffer {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] * 32768;
    let v = Math.round(x);
    if (v - x === 0.5 && v % 2 !== 0) v -= 1; // halves to even, as ffmpeg's lrintf
    pcm[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return Buffer.from(pcm.buffer);
}

function spawnFfmpeg(ffmpegPath: string, args: string[]): ChildProcessWithoutNullStreams {
  // Its own process group: a Ctrl-C in the terminal of a cli that started the daemon must not end
  // the recording behind the daemon's back (the daemon stops it; if the daemon dies, the broken
  // pipes end the capture and finish the file).
  const child = spawn(ffmpegPath, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
    detached: process.platform !== 'win32',
  });
  child.stdin.on('error', () => undefined);
  child.stderr.setEncoding('utf8');
  return child;
}

export class LiveCapture {
  private readonly child: ChildProcessWithoutNullStreams;
  private encoder: ChildProcessWithoutNullStreams | null = null;
  private encoderClosed: Promise<void> = Promise.resolve();
  private stderr = '';
  private encoderStderr = '';
  private carry: Buffer | null = null;
  private stopping = false;
  private reason: SenseVoiceError | null = null;
  /** While true, input is metered but neither written nor counted as recorded. */
  paused = false;
  /** Samples recorded (written to the file) so far. */
  samples = 0;
  /** Samples of input left out while paused. */
  skipped = 0;
  /** Settles when both processes have exited: null after a stop that was asked for, else why capture ended. */
  readonly ended: Promise<SenseVoiceError | null>;
  /** Settles once samples flow, or rejects with the reason ffmpeg could not start capturing. */
  readonly started: Promise<void>;
  private captureRunning = true;

  constructor(private readonly o: CaptureOptions) {
    this.child = spawnFfmpeg(o.ffmpegPath, captureArgs(o));
    // Started now, beside the capture, so that it is ready to read when the first samples come (a busy
    // machine takes a second or two to start ffmpeg: what waits in the daemon for it is lost if the
    // daemon dies). It opens the file only when its first samples come.
    this.startEncoder();
    this.child.stderr.on('data', (s: string) => (this.stderr = keepTail(this.stderr, s)));
    let startedOk = false;
    let resolveStarted: () => void = () => undefined;
    let rejectStarted: (e: Error) => void = () => undefined;
    this.started = new Promise((resolve, reject) => {
      resolveStarted = resolve;
      rejectStarted = reject;
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (!startedOk) {
        startedOk = true;
        resolveStarted();
      }
      this.deliver(this.carry ? Buffer.concat([this.carry, chunk]) : chunk);
    });
    const captureClosed = new Promise<void>((resolve) => {
      this.child.on('error', (err) => {
        this.reason ??= new SenseVoiceError(
          ErrorCode.FfmpegNotFound,
          `Could not start ffmpeg at ${o.ffmpegPath}: ${err.message}`,
        );
        rejectStarted(this.reason);
        this.captureRunning = false;
        resolve();
      });
      this.child.on('close', (code, signal) => {
        this.captureRunning = false;
        if (!(this.stopping && (code === 0 || code === 255 || signal)))
          this.reason ??= this.classify(code, signal, startedOk);
        if (!startedOk)
          rejectStarted(this.reason ?? new SenseVoiceError(ErrorCode.Cancelled, 'Stopped before capture began.'));
        // The end of its input: the encoder writes the file's trailer and exits. Before any samples it
        // has not made the file, and is not let make an empty one.
        if (startedOk) this.encoder?.stdin.end();
        else this.encoder?.kill('SIGKILL');
        resolve();
      });
    });
    this.ended = captureClosed
      .then(() => this.encoderClosed)
      .then(() => {
        if (this.reason) o.log(`live capture of ${o.device} ended: ${this.reason.message}`);
        return this.reason;
      });
    this.started.catch(() => undefined);
  }

  /** Whether the capture process still runs (pause and resume make sense only then). */
  get running(): boolean {
    return this.captureRunning && !this.stopping;
  }

  /** Ends the capture and finishes the file. Resolves once both processes have exited. */
  async finish(): Promise<SenseVoiceError | null> {
    if (!this.captureRunning) return this.ended;
    this.stopping = true;
    this.child.stdin.end('q');
    const int = setTimeout(() => this.child.kill('SIGINT'), 2000);
    const kill = setTimeout(() => {
      this.child.kill('SIGKILL');
      this.encoder?.kill('SIGKILL');
    }, 6000);
    try {
      return await this.ended;
    } finally {
      clearTimeout(int);
      clearTimeout(kill);
    }
  }

  private startEncoder(): void {
    const enc = spawnFfmpeg(this.o.ffmpegPath, encodeArgs(this.o));
    this.encoder = enc;
    enc.stderr.on('data', (s: string) => (this.encoderStderr = keepTail(this.encoderStderr, s)));
    this.encoderClosed = new Promise<void>((resolve) => {
      const failed = (why: SenseVoiceError) => {
        this.reason ??= why;
        // Nothing more can be recorded: end the capture too (its exit is then not an error of its own).
        if (this.captureRunning && !this.stopping) {
          this.stopping = true;
          this.child.stdin.end('q');
          setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
        }
        resolve();
      };
      enc.on('error', (err) =>
        failed(
          new SenseVoiceError(
            ErrorCode.FfmpegNotFound,
            `Could not start ffmpeg at ${this.o.ffmpegPath}: ${err.message}`,
          ),
        ),
      );
      enc.on('close', (code, signal) => {
        // Its input ends only when the capture has: an exit before that, or a failure, is a write error.
        if ((code === 0 && !this.captureRunning) || (signal === 'SIGKILL' && this.samples === 0)) resolve();
        else failed(this.classifyWrite(code, signal));
      });
    });
  }

  private deliver(buf: Buffer): void {
    const whole = buf.length - (buf.length % 4);
    this.carry = whole < buf.length ? Buffer.from(buf.subarray(whole)) : null;
    if (whole === 0) return;
    const out = new Float32Array(whole / 4);
    new Uint8Array(out.buffer).set(buf.subarray(0, whole));
    const paused = this.paused;
    if (paused) this.skipped += out.length;
    else {
      this.samples += out.length;
      this.encoder?.stdin.write(toPcm16(out));
    }
    this.o.onSamples(out, paused);
  }

  private data(stderr: string) {
    const tail = stderr.trim().split(/\r?\n/).filter(Boolean).slice(-3).join('\n');
    return { tail, data: { path: this.o.file, device: this.o.device, stderr: tail } };
  }

  private classifyWrite(code: number | null, signal: NodeJS.Signals | null): SenseVoiceError {
    const { tail, data } = this.data(this.encoderStderr);
    if (/already exists/i.test(this.encoderStderr))
      return new SenseVoiceError(
        ErrorCode.RecordingExists,
        `${this.o.file} exists; a recording never replaces a file.`,
        data,
      );
    if (/No space left on device/i.test(this.encoderStderr))
      return new SenseVoiceError(
        ErrorCode.RecordingWriteFailed,
        `The disk is full: recording to ${this.o.file} stopped. What was recorded so far is kept; free some space and record again.`,
        data,
      );
    if (/Permission denied|Read-only file system/i.test(this.encoderStderr))
      return new SenseVoiceError(
        ErrorCode.RecordingWriteFailed,
        `Permission denied writing ${this.o.file}. Choose a folder you can write to.`,
        data,
      );
    return new SenseVoiceError(
      ErrorCode.RecordingWriteFailed,
      `Writing ${this.o.file} failed (ffmpeg ${signal ? `was stopped by ${signal}` : `exited with ${code}`}${tail ? `: ${tail.split('\n').pop()}` : ''}). What was recorded so far is kept.`,
      data,
    );
  }

  private classify(code: number | null, signal: NodeJS.Signals | null, started: boolean): SenseVoiceError {
    const { tail, data } = this.data(this.stderr);
    if (!started)
      return new SenseVoiceError(
        ErrorCode.DeviceNotFound,
        `Cannot record from "${this.o.device}" (${this.o.inputFormat}): ${tail.split('\n').pop() ?? `ffmpeg exited with ${signal ?? code}`}. List the devices with "sensevoice devices", and check that the sound server is running.`,
        data,
      );
    return new SenseVoiceError(
      ErrorCode.CaptureFailed,
      `Recording from "${this.o.device}" stopped: the device went away or stopped sending audio (ffmpeg ${signal ? `was stopped by ${signal}` : `exited with ${code}`}). What was recorded so far is kept in ${this.o.file}.`,
      data,
    );
  }
}
