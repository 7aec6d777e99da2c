// `sensevoice record`: records a capture device to a file while the daemon transcribes it. Live
// segments are printed on stderr as they are recognised; on --duration or Ctrl-C the file is
// finished and its full transcript (the same as `transcribe` of the recording) goes to stdout in
// --format; with --diarize it says who spoke, as `transcribe --diarize` does (the speaker models are
// checked when recording starts, not found missing at the end). A second Ctrl-C quits at once; the
// daemon still finishes and keeps the file. Lines on stdin pause, resume and stop it
// (cli/recordControls.ts): a terminal user types p + Enter, a script writes "pause".
import path from 'node:path';
import type { DaemonConnection } from '../client/daemonConnection';
import {
  SenseVoiceError,
  type CaptureFormat,
  type DiarizationOptions,
  type LanguageSetting,
  type LiveEndedParams,
  type LiveLevelParams,
  type LiveSegmentParams,
  type RecordingFormat,
  type VadMode,
} from '../common/protocol';
import { clockTime, formatJson, formatTranscript, richText } from '../common/formats';
import { printError, UsageError } from './output';
import { CONTROLS_HELP, listenForControls, type RecordControl } from './recordControls';
import { withSpeakerNames, type CliFormat } from './transcribeCommand';

export interface RecordCliOptions {
  device: string | undefined;
  inputFormat: CaptureFormat | undefined;
  durationSec: number | undefined;
  out: string | undefined;
  modelPath: string | undefined;
  language: LanguageSetting | undefined;
  itn: boolean | undefined;
  vad: VadMode | undefined;
  maxSegmentSec: number | undefined;
  format: CliFormat;
  emoji: boolean;
  /** --diarize and its options: the final transcript says who spoke. */
  diarization?: DiarizationOptions;
  /** --speaker-names: S1, S2, … get these names. */
  speakerNames?: string[];
}

/** The recording's container from --out's extension: .wav is WAV, .ogg/.opus (or none given) Ogg/Opus. */
export function recordingFormatOf(out: string | undefined): RecordingFormat {
  if (out === undefined) return 'ogg';
  const ext = path.extname(out).toLowerCase();
  if (ext === '.wav') return 'wav';
  if (ext === '.ogg' || ext === '.opus') return 'ogg';
  throw new UsageError(`--out must end in .ogg, .opus or .wav (got "${out}").`);
}

export async function recordCommand(daemon: DaemonConnection, o: RecordCliOptions): Promise<number> {
  const format = recordingFormatOf(o.out);
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let id = '';
  let ended: LiveEndedParams | null = null;
  daemon.endpoint.onNotification('live/segment', (raw) => {
    const p = raw as LiveSegmentParams;
    const text = richText(p.segment, o.emoji);
    if (p.id === id && text) process.stderr.write(`[${clockTime(p.segment.start)}] ${text}\n`);
  });
  daemon.endpoint.onNotification('live/level', (raw) => {
    const p = raw as LiveLevelParams;
    if (p.id === id && o.durationSec !== undefined && p.capturedSec >= o.durationSec) stop();
  });
  daemon.endpoint.onNotification('live/ended', (raw) => {
    if ((raw as LiveEndedParams).id !== id) return;
    ended = raw as LiveEndedParams;
    stop();
  });
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('Stopping: finishing the recording and its transcript (Ctrl-C again to quit at once)…\n');
    stop();
  };
  process.on('SIGINT', onSigint);
  // One pause or resume at a time, in the order typed, from when the recording has started; each
  // says where the recording stands.
  let markStarted: () => void = () => undefined;
  let controlChain = new Promise<void>((resolve) => (markStarted = resolve));
  const control = (c: RecordControl) => {
    if (c === 'stop') {
      process.stderr.write('Stopping: finishing the recording and its transcript…\n');
      stop();
      return;
    }
    controlChain = controlChain.then(async () => {
      try {
        const r = await daemon.request(c === 'pause' ? 'live/pause' : 'live/resume', { id });
        process.stderr.write(
          r.paused
            ? `Paused at ${clockTime(r.capturedSec)} of recording (r + Enter to resume)\n`
            : `Resumed at ${clockTime(r.capturedSec)} of recording\n`,
        );
      } catch (err) {
        printError(err);
      }
    });
  };
  const controls = listenForControls(process.stdin, control, (line) =>
    process.stderr.write(`Unknown command "${line}" (${CONTROLS_HELP})\n`),
  );
  try {
    const started = await daemon.request('live/start', {
      device: o.device,
      inputFormat: o.inputFormat,
      out: o.out,
      dir: o.out === undefined ? process.cwd() : undefined,
      format,
      modelPath: o.modelPath,
      language: o.language,
      itn: o.itn,
      vad: o.vad,
      maxSegmentSec: o.maxSegmentSec,
      ...(o.diarization ? { diarization: o.diarization } : {}),
    });
    id = started.id;
    markStarted();
    process.stderr.write(
      `Recording ${started.inputFormat} "${started.device}" to ${started.path}` +
        (o.durationSec !== undefined ? ` for ${o.durationSec} s` : '') +
        ` (${CONTROLS_HELP})\n`,
    );
    await stopped;
    controls.close();
    await controlChain;
    if (o.diarization) process.stderr.write('Transcribing the recording with speakers…\n');
    const r = await daemon.request('live/stop', { id });
    const why = ended ?? r.ended;
    if (why) printError(new SenseVoiceError(why.code, why.message));
    process.stderr.write(`Recorded ${r.capturedSec.toFixed(1)} s to ${r.path}\n`);
    if (r.transcript) {
      const t = withSpeakerNames(r.transcript, o.speakerNames);
      if (t.speakers) process.stderr.write(`${t.speakers.length} speaker(s), ${t.turns?.length ?? 0} turn(s)\n`);
      const text =
        o.format === 'json'
          ? formatJson(t, { pretty: false, timings: false }) + '\n'
          : formatTranscript(t, o.format, { emoji: o.emoji });
      process.stdout.write(text + (text.endsWith('\n') || text === '' ? '' : '\n'));
    }
    return why ? 1 : 0;
  } finally {
    controls.close();
    process.off('SIGINT', onSigint);
  }
}
