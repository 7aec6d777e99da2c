// Live capture: the input devices ffmpeg can record from (`devices/list`) and live jobs
// (`live/start`, `live/pause`, `live/resume`, `live/stop`) that record a device to a file while the VAD
// and the model transcribe it, with `live/segment`, `live/level` and `live/ended` notifications to the
// client that started them. Paused audio is neither written nor transcribed: every time in a live
// job is recording time, the position in the file.
import type { DiarizationOptions, TranscribeOptions, Transcript, TranscriptSegment } from './transcription';

/** ffmpeg input formats that capture audio: PulseAudio/PipeWire and ALSA (Linux), AVFoundation (macOS), DirectShow (Windows). */
export const CAPTURE_FORMATS = ['pulse', 'alsa', 'avfoundation', 'dshow'] as const;
export type CaptureFormat = (typeof CAPTURE_FORMATS)[number];

/** Container of the recording on disk: Ogg/Opus (small, the default) or 16-bit WAV. */
export const RECORDING_FORMATS = ['ogg', 'wav'] as const;
export type RecordingFormat = (typeof RECORDING_FORMATS)[number];

/** Parameters of `devices/list`. */
export interface DevicesListParams {
  /** The input format to list; the platform's default (pulse, avfoundation, dshow) when absent. */
  inputFormat?: CaptureFormat;
}

/** One input device, as ffmpeg's `-i` for its format takes it. */
export interface CaptureDevice {
  /** What to pass as `device` to `live/start` (and `-i` to ffmpeg). */
  name: string;
  /** A human description ("Monitor of Null Output", "MacBook Pro Microphone"). */
  description: string;
  /** The system's default input, where the format says so. */
  isDefault: boolean;
}

/** The result of `devices/list`. */
export interface DevicesListResult {
  inputFormat: CaptureFormat;
  /** The ffmpeg binary that was asked. */
  ffmpeg: string;
  devices: CaptureDevice[];
}

/** Parameters of `live/start`; omitted transcription options come from the settings. */
export interface LiveStartParams extends TranscribeOptions {
  /** Device name from `devices/list`; the format's default input (`default`) when absent. */
  device?: string;
  inputFormat?: CaptureFormat;
  /** The recording's path; refused (RecordingExists) when a file is there. */
  out?: string;
  /** Without `out`: the folder for a new `recording-<date>-<time>.<ext>` (never an existing name); home when absent. */
  dir?: string;
  /** `ogg` (Opus) by default. */
  format?: RecordingFormat;
  /**
   * Who said what in the final transcript (`live/stop`'s option, which wins when the stop gives one):
   * checked now, so missing or broken speaker models fail the start, not the end of a meeting.
   */
  diarization?: DiarizationOptions;
}

/** The answer to `live/start`: the job's id and the file being written. */
export interface LiveStartResult {
  id: string;
  path: string;
  device: string;
  inputFormat: CaptureFormat;
  format: RecordingFormat;
}

/** Parameters of `live/stop`, `live/pause` and `live/resume`. */
export interface LiveIdParams {
  id: string;
}

/** Parameters of `live/stop`. */
export interface LiveStopParams extends LiveIdParams {
  /**
   * Who said what in the final transcript, as `transcribe/file`'s option (the meeting's notes with
   * speakers); absent: `live/start`'s, or no speakers. Speaker models missing from the store, or
   * missing or broken by the time of the stop: the transcript comes back without speakers and says
   * why (`speakersUnavailable`), unless `required`.
   */
  diarization?: DiarizationOptions;
  /** Progress of the final transcription (`$/progress`) and its cancellation (the recording is kept). */
  token?: string;
}

/** The answer to `live/pause` and `live/resume`. */
export interface LivePauseResult {
  paused: boolean;
  /** Seconds recorded so far (paused audio is not counted). */
  capturedSec: number;
}

/** The answer to `live/stop`: the finished recording and its file transcription. */
export interface LiveStopResult {
  path: string;
  /** Seconds of audio recorded (the file's length; paused audio is not counted). */
  capturedSec: number;
  /** Seconds of input left out while paused. */
  pausedSec: number;
  /**
   * The transcript of the recording file, as `transcribe/file` would make it (and cached as it would
   * cache it); null when nothing was recorded.
   */
  transcript: Transcript | null;
  /** Why capture had ended before the stop, when it had (device gone, disk full). */
  ended: LiveEndedParams | null;
}

/** `live/segment`: a speech segment recognised while recording; times from the recording's start. */
export interface LiveSegmentParams {
  id: string;
  index: number;
  segment: TranscriptSegment;
}

/** `live/level`: the input level a few times a second, for a meter. */
export interface LiveLevelParams {
  id: string;
  /** RMS level of the last block in dBFS (-Infinity is sent as -120). */
  rmsDbfs: number;
  /** Seconds recorded so far (paused audio is not counted). */
  capturedSec: number;
  /** The job is paused: the level is the input's, and none of it is recorded. */
  paused: boolean;
}

/** `live/ended`: capture stopped by itself (device gone, disk full, ffmpeg failed); the file so far is kept. */
export interface LiveEndedParams {
  id: string;
  /** An ErrorCode value. */
  code: number;
  message: string;
}

/** The live capture requests. */
export interface LiveRequests {
  /** Client -> daemon: the capture devices of an input format. */
  'devices/list': { params: DevicesListParams; result: DevicesListResult };
  /** Client -> daemon: start recording a device to a file, transcribing as it goes. */
  'live/start': { params: LiveStartParams; result: LiveStartResult };
  /** Client -> daemon: leave the input out of the recording and the transcript until `live/resume`. */
  'live/pause': { params: LiveIdParams; result: LivePauseResult };
  /** Client -> daemon: record and transcribe the input again after `live/pause`. */
  'live/resume': { params: LiveIdParams; result: LivePauseResult };
  /** Client -> daemon: finish the file, then transcribe it whole and return the transcript. */
  'live/stop': { params: LiveStopParams; result: LiveStopResult };
}

/** The live capture notifications. */
export interface LiveNotifications {
  /** Daemon -> client: a segment recognised during a live job. */
  'live/segment': LiveSegmentParams;
  /** Daemon -> client: the input level of a live job. */
  'live/level': LiveLevelParams;
  /** Daemon -> client: a live job's capture ended on its own. */
  'live/ended': LiveEndedParams;
}
