// The live methods of the daemon: `devices/list`, `live/start`, `live/pause`, `live/resume` and `live/stop`. Live jobs belong to
// the client that started them: only it hears their notifications and may stop them, and they end
// (the file finished and kept) when it leaves. Stopping finishes the file, then transcribes it as
// `transcribe/file` would (the same code: cached, and with speakers when the stop asks for them), so
// the final notes are the file's transcript.
import fs from 'node:fs';
import {
  CAPTURE_FORMATS,
  ErrorCode,
  RECORDING_FORMATS,
  SenseVoiceError,
  type DevicesListResult,
  type DiarizationOptions,
  type LivePauseResult,
  type LiveStartResult,
  type LiveStopResult,
  type NotificationMap,
  type ProgressParams,
  type Transcript,
} from '../../common/protocol';
import { LANGUAGES, VAD_MODES } from '../../common/values';
import {
  optionalBoolean,
  optionalEnum,
  optionalNumber,
  optionalString,
  paramObject,
  requiredString,
} from '../rpc/params';
import type { EffectiveSettings } from '../settings';
import { modelRequestFor, type Engine, type ModelRegistry } from '../modelRegistry';
import type { ResolvedFfmpeg } from '../ffmpeg/resolveFfmpeg';
import type { TranscriptionOptions } from '../jobs/runTranscription';
import type { RecordingJob } from '../jobs/transcriptionRequests';
import { diarizationParam } from '../jobs/transcriptDiarization';
import type { CancellationRegistry } from '../cancellation';
import { SileroVad } from '../vad/sileroVad';
import { checkCaptureFormat, defaultCaptureFormat } from './captureInput';
import { listDevices } from './listDevices';
import { recordingPath } from './recordingPath';
import { LiveJob } from './liveJob';

/** The client a live request came from, and where its notifications go. */
export interface LiveClient {
  id: string;
  settings: EffectiveSettings;
  cancellation: CancellationRegistry;
  progress: (p: ProgressParams) => void;
  endpoint: { notify: <N extends keyof NotificationMap>(method: N, params: NotificationMap[N]) => void };
}

export interface LiveRequestsDeps {
  models: ModelRegistry;
  ffmpeg: (settings: EffectiveSettings) => Promise<ResolvedFfmpeg>;
  log: (message: string) => void;
  /** The finished recording's transcript, as `transcribe/file` would make and cache it (TranscriptionRequests). */
  transcribeRecording: (r: RecordingJob) => Promise<Transcript>;
  /** A start's diarization checked: its models found and loaded, or the coded error. */
  checkDiarization: (o: DiarizationOptions, threads: number) => Promise<void>;
}

interface Running {
  job: LiveJob;
  owner: string;
  path: string;
  engine: Engine;
  release: () => void;
  ffmpegPath: string;
  options: TranscriptionOptions;
  /** `live/start`'s diarization: the stop's default. */
  diarization: DiarizationOptions | undefined;
  ended: Promise<SenseVoiceError | null>;
}

export class LiveRequests {
  private readonly jobs = new Map<string, Running>();
  private next = 1;
  private vad: Promise<SileroVad> | null = null;

  constructor(private readonly d: LiveRequestsDeps) {}

  /** Live jobs recording now. */
  get size(): number {
    return this.jobs.size;
  }

  async devices(raw: unknown, client: LiveClient): Promise<DevicesListResult> {
    const p = paramObject(raw ?? {}, 'devices/list');
    const inputFormat = optionalEnum(p, 'inputFormat', 'devices/list', CAPTURE_FORMATS) ?? defaultCaptureFormat();
    const ffmpeg = await this.d.ffmpeg(client.settings);
    return { inputFormat, ffmpeg: ffmpeg.path, devices: await listDevices(ffmpeg.path, inputFormat) };
  }

  async start(raw: unknown, client: LiveClient): Promise<LiveStartResult> {
    const m = 'live/start';
    const p = paramObject(raw ?? {}, m);
    const s = client.settings;
    const inputFormat = optionalEnum(p, 'inputFormat', m, CAPTURE_FORMATS) ?? defaultCaptureFormat();
    const device = optionalString(p, 'device', m) ?? 'default';
    const format = optionalEnum(p, 'format', m, RECORDING_FORMATS) ?? 'ogg';
    const options: TranscriptionOptions = {
      language: optionalEnum(p, 'language', m, LANGUAGES) ?? s.language,
      itn: optionalBoolean(p, 'itn', m) ?? s.itn,
      banEmotionUnknown: optionalBoolean(p, 'banEmotionUnknown', m) ?? s.banEmotionUnknown,
      vad: optionalEnum(p, 'vad', m, VAD_MODES) ?? s.vad,
      maxSegmentSec: optionalNumber(p, 'maxSegmentSec', m, 1, 60) ?? s.maxSegmentSec,
    };
    const diarization = diarizationParam(p, m);
    // The path first: an existing file is refused before anything is loaded or started.
    const file = recordingPath({ out: optionalString(p, 'out', m), dir: optionalString(p, 'dir', m), format });
    const ffmpeg = await this.d.ffmpeg(s);
    await checkCaptureFormat(ffmpeg.path, inputFormat);
    if (diarization) await this.d.checkDiarization(diarization, s.threads);
    const vad = await this.loadVad();
    const { engine, release } = await this.d.models.acquire(
      modelRequestFor(s, optionalString(p, 'modelPath', m) ?? s.modelPath),
      client.id,
    );
    const id = `live-${client.id}-${this.next++}`;
    const job = new LiveJob({
      id,
      ffmpegPath: ffmpeg.path,
      inputFormat,
      device,
      file,
      format,
      options,
      vad,
      scheduler: engine.scheduler,
      log: this.d.log,
      onSegment: (index, segment) => client.endpoint.notify('live/segment', { id, index, segment }),
      onLevel: (l) => client.endpoint.notify('live/level', l),
    });
    try {
      await job.capture.started;
    } catch (err) {
      release();
      await job.abandon();
      // ffmpeg may have created the file before failing on the device: an empty one is not a recording.
      if (!(err instanceof SenseVoiceError && err.code === ErrorCode.RecordingExists)) removeIfEmpty(file);
      throw err;
    }
    const ended = job.capture.ended.then((reason) => {
      if (reason && this.jobs.get(id))
        client.endpoint.notify('live/ended', { id, code: reason.code, message: reason.message });
      return reason;
    });
    this.jobs.set(id, {
      job,
      owner: client.id,
      path: file,
      engine,
      release,
      ffmpegPath: ffmpeg.path,
      options,
      diarization,
      ended,
    });
    this.d.log(`live ${id}: recording ${inputFormat} "${device}" to ${file}`);
    return { id, path: file, device, inputFormat, format };
  }

  /** `live/pause` (paused true) and `live/resume` (false): from the next samples on, input is left out of (or back in) the recording. */
  pause(raw: unknown, client: LiveClient, paused: boolean): LivePauseResult {
    const method = paused ? 'live/pause' : 'live/resume';
    const { id, r } = this.owned(raw, client, method);
    r.job.setPaused(paused);
    this.d.log(`live ${id}: ${paused ? 'paused' : 'resumed'} at ${r.job.capturedSec.toFixed(2)} s of recording`);
    return { paused, capturedSec: r.job.capturedSec };
  }

  async stop(raw: unknown, client: LiveClient): Promise<LiveStopResult> {
    const m = 'live/stop';
    const p = paramObject(raw, m);
    // Checked before anything stops: a bad option leaves the recording running.
    const asked = diarizationParam(p, m);
    const token = optionalString(p, 'token', m);
    const { id, r } = this.owned(raw, client, m);
    const diarization = asked ?? r.diarization;
    this.jobs.delete(id);
    try {
      const reason = await r.job.finish();
      if (r.job.failure) throw r.job.failure;
      const capturedSec = r.job.capturedSec;
      this.d.log(
        `live ${id}: stopped after ${capturedSec.toFixed(2)} s; transcribing ${r.path}${diarization ? ' with speakers' : ''}`,
      );
      // Cancelling the final transcription keeps the recording (the client finishes it later).
      const transcript =
        capturedSec > 0 && fileHasContent(r.path)
          ? await client.cancellation.run(token, (signal) =>
              this.d.transcribeRecording({
                file: r.path,
                options: r.options,
                diarization,
                engine: r.engine,
                ffmpegPath: r.ffmpegPath,
                threads: client.settings.threads,
                signal,
                onProgress: (fraction, segmentsDone, message) =>
                  token && client.progress({ token, fraction, segmentsDone, message }),
              }),
            )
          : null;
      return {
        path: r.path,
        capturedSec,
        pausedSec: r.job.pausedSec,
        transcript,
        ended: reason ? { id, code: reason.code, message: reason.message } : null,
      };
    } finally {
      r.release();
    }
  }

  private owned(raw: unknown, client: LiveClient, method: string): { id: string; r: Running } {
    const id = requiredString(paramObject(raw, method), 'id', method);
    const r = this.jobs.get(id);
    if (!r || r.owner !== client.id)
      throw new SenseVoiceError(ErrorCode.LiveJobNotFound, `No live recording "${id}" of this client is running.`);
    return { id, r };
  }

  /** The client left: its recordings are finished and kept, their live work dropped. */
  clientLeft(clientId: string): void {
    for (const [id, r] of this.jobs) {
      if (r.owner !== clientId) continue;
      this.jobs.delete(id);
      this.d.log(`live ${id}: client left; the recording is kept in ${r.path}`);
      void r.job.abandon().finally(r.release);
    }
  }

  private loadVad(): Promise<SileroVad> {
    this.vad ??= SileroVad.load();
    this.vad.catch(() => (this.vad = null));
    return this.vad;
  }
}

function fileHasContent(file: string): boolean {
  return (fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 0;
}

function removeIfEmpty(file: string): void {
  if (fs.statSync(file, { throwIfNoEntry: false })?.size === 0) fs.rmSync(file, { force: true });
}
