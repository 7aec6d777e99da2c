// `sensevoice transcribe`: each file through the daemon; JSON (one object per line) or text.
import type { DaemonConnection } from '../client/daemonConnection';
import type { LanguageSetting, Transcript } from '../daemon/protocol';
import { describeError, formatDuration, printError } from './output';

export interface TranscribeCliOptions {
  files: string[];
  modelPath: string | undefined;
  language: LanguageSetting | undefined;
  itn: boolean | undefined;
  format: 'json' | 'txt';
  verbose: boolean;
}

export async function transcribeCommand(daemon: DaemonConnection, o: TranscribeCliOptions): Promise<number> {
  const model = await daemon.request('model/load', { path: o.modelPath });
  if (o.verbose) {
    process.stderr.write(`model: ${model.layout} ${model.quantization} on ${model.provider} (load ${model.loadMs} ms, warm-up ${model.warmupMs} ms)\n`);
  }
  for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
  let failures = 0;
  for (const file of o.files) {
    try {
      const t = await daemon.request('transcribe/file', { path: file, modelPath: o.modelPath, language: o.language, itn: o.itn, vad: 'off' });
      process.stdout.write(o.format === 'json' ? JSON.stringify(toJson(t)) + '\n' : toText(t, o.files.length > 1));
      if (o.verbose) {
        const rtf = t.durationSec > 0 ? t.timings.totalMs / 1000 / t.durationSec : 0;
        process.stderr.write(`${file}: ${t.durationSec.toFixed(2)} s in ${t.timings.totalMs} ms (decode ${t.timings.decodeMs}, features ${t.timings.featuresMs}, model ${t.timings.inferenceMs}; RTF ${rtf.toFixed(3)})\n`);
      }
    } catch (err) {
      failures++;
      printError(err, file);
      if (o.format === 'json') process.stdout.write(JSON.stringify({ file, error: describeError(err) }) + '\n');
    }
  }
  return failures === 0 ? 0 : 1;
}

/** The documented JSON shape: {file, durationSec, model, segments}. */
function toJson(t: Transcript) {
  return {
    file: t.file,
    durationSec: t.durationSec,
    model: t.model,
    segments: t.segments.map((s) => ({
      start: s.start,
      end: s.end,
      language: s.language,
      emotion: s.emotion,
      event: s.event,
      text: s.text,
      tokens: s.tokens.map((k) => ({ id: k.id, text: k.text, start: k.start })),
    })),
  };
}

function toText(t: Transcript, withHeader: boolean): string {
  const lines = withHeader ? [`# ${t.file}`] : [];
  for (const s of t.segments) {
    lines.push(`[${formatDuration(s.start)} --> ${formatDuration(s.end)}] (${s.language}, ${s.emotion}, ${s.event}) ${s.text}`);
  }
  return lines.join('\n') + '\n';
}
