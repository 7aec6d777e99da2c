// The ffmpeg process of a live job and what it says: it starts (the first samples arrive) or fails
// with a classified error; samples stream to `onSamples` in order; `finish()` asks ffmpeg to end
// the file cleanly ('q' on stdin, then SIGINT, then SIGKILL); an exit nobody asked for is reported
// through `ended` (the device went away, the disk filled up).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ErrorCode, SenseVoiceError, type CaptureFormat, type RecordingFormat } from '../../common/protocol';
import { captureArgs } from './captureArgs';

export interface CaptureOptions {
  ffmpegPath: string;
  inputFormat: CaptureFormat;
  device: string;
  file: string;
  format: RecordingFormat;
  /** 16 kHz mono samples, in order; called synchronously per chunk. */
  onSamples: (chunk: Float32Array) => void;
  log: (message: string) => void;
}

export class LiveCapture {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private carry: Buffer | null = null;
  private stopping = false;
  /** Samples delivered so far. */
  samples = 0;
  /** Settles when ffmpeg has exited: null after a stop that was asked for, else why capture ended. */
  readonly ended: Promise<SenseVoiceError | null>;
  /** Settles once samples flow, or rejects with the reason ffmpeg could not start capturing. */
  readonly started: Promise<void>;

  constructor(private readonly o: CaptureOptions) {
    // Its own process group: a Ctrl-C in the terminal of a cli that started the daemon must not end
    // the recording behind the daemon's back (the daemon stops it with 'q'; if the daemon dies, the
    // broken pipe ends ffmpeg).
    this.child = spawn(o.ffmpegPath, captureArgs(o), {
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      detached: process.platform !== 'win32',
    });
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (s: string) => {
      this.stderr =
        this.stderr.length < 64_000 ? this.stderr + s : this.stderr.slice(0, 16_000) + this.stderr.slice(-16_000) + s;
    });
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
    this.ended = new Promise((resolve) => {
      this.child.on('error', (err) => {
        const e = new SenseVoiceError(
          ErrorCode.FfmpegNotFound,
          `Could not start ffmpeg at ${o.ffmpegPath}: ${err.message}`,
        );
        rejectStarted(e);
        resolve(e);
      });
      this.child.on('close', (code, signal) => {
        const reason =
          this.stopping && (code === 0 || code === 255 || signal) ? null : this.classify(code, signal, startedOk);
        if (!startedOk)
          rejectStarted(reason ?? new SenseVoiceError(ErrorCode.Cancelled, 'Stopped before capture began.'));
        if (reason) o.log(`live capture of ${o.device} ended: ${reason.message}`);
        resolve(reason);
      });
    });
    this.started.catch(() => undefined);
  }

  /** Ends the capture: ffmpeg writes the file's trailer and exits. Resolves once it has. */
  async finish(): Promise<SenseVoiceError | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.stopping = true;
      this.child.stdin.end('q');
      const int = setTimeout(() => this.child.kill('SIGINT'), 2000);
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 6000);
      try {
        return await this.ended;
      } finally {
        clearTimeout(int);
        clearTimeout(kill);
      }
    }
    return this.ended;
  }

  private deliver(buf: Buffer): void {
    const whole = buf.length - (buf.length % 4);
    this.carry = whole < buf.length ? Buffer.from(buf.subarray(whole)) : null;
    if (whole === 0) return;
    const out = new Float32Array(whole / 4);
    new Uint8Array(out.buffer).set(buf.subarray(0, whole));
    this.samples += out.length;
    this.o.onSamples(out);
  }

  private classify(code: number | null, signal: NodeJS.Signals | null, started: boolean): SenseVoiceError {
    const tail = this.stderr.trim().split(/\r?\n/).filter(Boolean).slice(-3).join('\n');
    const data = { path: this.o.file, device: this.o.device, stderr: tail };
    if (/already exists/i.test(this.stderr))
      return new SenseVoiceError(
        ErrorCode.RecordingExists,
        `${this.o.file} exists; a recording never replaces a file.`,
        data,
      );
    if (/No space left on device/i.test(this.stderr))
      return new SenseVoiceError(
        ErrorCode.RecordingWriteFailed,
        `The disk is full: recording to ${this.o.file} stopped. What was recorded so far is kept; free some space and record again.`,
        data,
      );
    if (/Permission denied|Read-only file system/i.test(this.stderr) && /file:/.test(this.stderr))
      return new SenseVoiceError(
        ErrorCode.RecordingWriteFailed,
        `Permission denied writing ${this.o.file}. Choose a folder you can write to.`,
        data,
      );
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
