// `sensevoice transcribe`: every file goes to the daemon at once (its queue runs `concurrency` of
// them together); results print in the order given. JSON is one object per line; srt, vtt, md and
// txt come from the shared formatters, to stdout or, with --out, one file per input. With --diarize
// the daemon says who spoke; --speaker-names names them here, in order of first appearance.
import fs from 'node:fs';
import path from 'node:path';
import type { DaemonConnection } from '../client/daemonConnection';
import type { DiarizationOptions, LanguageSetting, Transcript, VadMode } from '../common/protocol';
import { formatInfo, formatJson, formatTranscript, renameSpeakers, type ExportFormat } from '../common/formats';
import { describeError, printError, printSourceWarnings, UsageError } from './output';

export type CliFormat = 'json' | ExportFormat;

export interface TranscribeCliOptions {
  files: string[];
  modelPath: string | undefined;
  language: LanguageSetting | undefined;
  itn: boolean | undefined;
  vad: VadMode | undefined;
  maxSegmentSec: number | undefined;
  format: CliFormat;
  outDir: string | undefined;
  force: boolean;
  emoji: boolean;
  verbose: boolean;
  /** --diarize and its options; undefined without it. */
  diarization?: DiarizationOptions;
  /** --speaker-names: S1, S2, … get these names. */
  speakerNames?: string[];
}

export async function transcribeCommand(daemon: DaemonConnection, o: TranscribeCliOptions): Promise<number> {
  if (!o.outDir && o.files.length > 1 && (o.format === 'srt' || o.format === 'vtt')) {
    throw new UsageError(`several files in ${o.format.toUpperCase()} need --out DIR (one subtitle file per input).`);
  }
  const model = await daemon.request('model/load', { path: o.modelPath });
  if (o.verbose) {
    process.stderr.write(
      `model: ${model.layout} ${model.quantization} on ${model.provider} (load ${model.loadMs} ms, warm-up ${model.warmupMs} ms)\n`,
    );
    for (const a of model.attempts.filter((x) => !x.ok)) process.stderr.write(`  ${a.provider}: ${a.reason}\n`);
    const r = model.remote;
    if (r) {
      process.stderr.write(
        `inference server: ${r.endpoint} model ${r.modelName}${r.server ? ` (${r.server})` : ''}, ${r.output === 'tokenIds' ? 'token ids' : 'logits'} back, round trip ${r.roundTripMs} ms, warm-up ${r.warmupMs} ms, tag ids ${r.tagIds === 'checked' ? 'checked' : 'not checked'}\n`,
      );
    }
  }
  for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
  const started = o.files.map((file) =>
    daemon
      .request('transcribe/file', {
        path: file,
        modelPath: o.modelPath,
        language: o.language,
        itn: o.itn,
        vad: o.vad,
        maxSegmentSec: o.maxSegmentSec,
        ...(o.diarization ? { diarization: o.diarization } : {}),
      })
      .then(
        (t) => ({ file, t }),
        (err: unknown) => ({ file, err }),
      ),
  );
  let failures = 0;
  for (const p of started) {
    const r = await p;
    if ('err' in r) {
      failures++;
      printError(r.err, r.file);
      if (o.format === 'json' && !o.outDir)
        process.stdout.write(JSON.stringify({ file: r.file, error: describeError(r.err) }) + '\n');
      continue;
    }
    const t = withSpeakerNames(r.t, o.speakerNames);
    if (o.speakerNames && t.speakers && o.speakerNames.length > t.speakers.length)
      process.stderr.write(
        `${r.file}: ${t.speakers.length} speaker(s) found; names past the ${t.speakers.length}th are not used.\n`,
      );
    printSourceWarnings(r.t.warnings, r.file);
    // Said always (not only with --verbose): it is why this call took seconds, not minutes.
    if (r.t.recognitionCached)
      process.stderr.write(
        `${r.file}: reused the cached recognition; only the speaker diarization ran (${speakerCountText(o.diarization?.numSpeakers)}).\n`,
      );
    try {
      emit(r.file, t, o);
    } catch (err) {
      failures++;
      printError(err, r.file);
    }
    if (o.verbose) {
      const t = r.t;
      const rtf = t.durationSec > 0 ? t.timings.totalMs / 1000 / t.durationSec : 0;
      process.stderr.write(
        `${r.file}: ${t.durationSec.toFixed(2)} s, ${t.segments.length} segment(s) in ${t.timings.totalMs} ms (features ${t.timings.featuresMs}, model ${t.timings.inferenceMs}; RTF ${rtf.toFixed(3)})\n`,
      );
      if (t.speakers)
        process.stderr.write(`${r.file}: ${t.speakers.length} speaker(s), ${t.turns?.length ?? 0} turn(s)\n`);
    }
  }
  return failures === 0 ? 0 : 1;
}

/** The transcript with --speaker-names given to its speakers (S1, S2, … in order); as it is without. */
export function withSpeakerNames<T extends Pick<Transcript, 'speakers'>>(t: T, names: string[] | undefined): T {
  return names && t.speakers ? { ...t, speakers: renameSpeakers(t.speakers, names) } : t;
}

function speakerCountText(n: number | undefined): string {
  return n && n > 0 ? `${n} speaker${n === 1 ? '' : 's'}` : 'speakers counted automatically';
}

function emit(file: string, t: Transcript, o: TranscribeCliOptions): void {
  const text =
    o.format === 'json'
      ? formatJson(t, { pretty: false, timings: false }) + '\n'
      : formatTranscript(t, o.format, { emoji: o.emoji });
  if (!o.outDir) {
    const header = o.files.length > 1 && (o.format === 'txt' || o.format === 'md') ? `# ${file}\n\n` : '';
    process.stdout.write(header + text + (text.endsWith('\n') ? '' : '\n'));
    return;
  }
  const suffix = o.format === 'json' ? '.transcript.json' : formatInfo(o.format).suffix;
  const target = path.join(o.outDir, path.basename(file, path.extname(file)) + suffix);
  fs.mkdirSync(o.outDir, { recursive: true });
  if (!o.force && fs.existsSync(target))
    throw new UsageError(`${target} exists; not overwritten (use --force to replace it).`);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, target);
  process.stderr.write(`wrote ${target}\n`);
}
