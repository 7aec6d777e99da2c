// `sensevoice model list|download`: the shared model store through the daemon.
import type { DaemonConnection } from '../client/daemonConnection';
import {
  type ModelDownloadResult,
  type ModelListResult,
  type ModelSourceName,
  type ModelVariant,
} from '../common/protocol';
import { bytesText } from '../common/units';
import {
  diarizationDownloadCommand,
  formatDiarizationList,
  type DiarizationCliOptions,
} from './diarizationDownloadCommand';
import { withDownloadProgress } from './downloadProgress';
import { UsageError } from './output';

export interface ModelCliOptions {
  json: boolean;
  source: ModelSourceName | undefined;
  url: string | undefined;
  variant: ModelVariant | undefined;
  /** Replace store files SenseVoice did not make. */
  force: boolean;
  /** `model download --diarization`: the speaker models instead of the ASR model. */
  diarization?: DiarizationCliOptions;
}

/** Checks `model ARGS` before a daemon is started; UsageError when they are wrong. */
export function checkModelArgs(args: string[], o: ModelCliOptions): 'list' | 'download' {
  const [sub, ...extra] = args;
  if (sub !== 'list' && sub !== 'download') {
    throw new UsageError(
      sub
        ? `unknown model command "${sub}": use "model list" or "model download".`
        : 'model needs a command: "model list" or "model download".',
    );
  }
  if (extra.length) throw new UsageError(`model ${sub} takes no further arguments (got ${extra.join(' ')}).`);
  if (sub === 'download' && o.source && o.url)
    throw new UsageError('--source and --url contradict each other: give one.');
  if (sub === 'list' && o.diarization)
    throw new UsageError('--diarization goes with model download (model list shows every model).');
  return sub;
}

export async function modelCommand(daemon: DaemonConnection, args: string[], o: ModelCliOptions): Promise<number> {
  if (checkModelArgs(args, o) === 'list') return listModels(daemon, o.json);
  return o.diarization ? diarizationDownloadCommand(daemon, o.diarization, o) : downloadModel(daemon, o);
}

async function downloadModel(daemon: DaemonConnection, o: ModelCliOptions): Promise<number> {
  const got = await withDownloadProgress((signal, onProgress) =>
    daemon.request(
      'model/download',
      { source: o.source, url: o.url, variant: o.variant, overwrite: o.force || undefined },
      { signal, onProgress },
    ),
  );
  if ('exitCode' in got) return got.exitCode;
  const r: ModelDownloadResult = got.result;
  if (o.json) {
    process.stdout.write(JSON.stringify(r) + '\n');
  } else {
    const out: string[] = [];
    out.push(
      `${r.alreadyPresent ? 'Already in the store' : 'Model ready'}: ${r.path} (${r.layout}, ${r.variant}, ${r.verified ? 'verified' : 'NOT verified'})`,
    );
    const w = Math.max(...r.files.map((f) => f.name.length));
    for (const f of r.files) {
      const how = !f.verified
        ? 'no published checksum matched'
        : f.pinnedIn
          ? `matches its pin in ${f.pinnedIn}`
          : 'matches the published checksum';
      out.push(
        `  ${f.name.padEnd(w)}  ${bytesText(f.size).padStart(10)}  sha256 ${f.sha256}  ${how}${f.reused ? ' (already there)' : ''}`,
      );
    }
    if (!r.alreadyPresent)
      out.push(
        `Downloaded ${bytesText(r.downloadedBytes)}${r.resumedBytes ? `, resumed ${bytesText(r.resumedBytes)} from an earlier attempt` : ''}.`,
      );
    out.push('sensevoice transcribe now uses it when no --model is given (see: sensevoice model list).');
    process.stdout.write(out.join('\n') + '\n');
  }
  for (const n of r.notes) process.stderr.write(`${/NOT VERIFIED/.test(n) ? 'warning' : 'note'}: ${n}\n`);
  return 0;
}

async function listModels(daemon: DaemonConnection, json: boolean): Promise<number> {
  const r = await daemon.request('model/list', undefined);
  if (json) {
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(formatList(r));
  return 0;
}

/** The human listing of `model list`. */
export function formatList(r: ModelListResult): string {
  const out: string[] = [
    `Model store: ${r.store}`,
    '  (shared by the cli and VS Code; set SENSEVOICE_MODEL_STORE to use another folder)',
    '',
  ];
  if (r.models.length === 0) {
    out.push(
      'No models in the store. Get one with:',
      '  sensevoice model download                      int8 from Hugging Face (about 230 MB)',
      '  sensevoice model download --source modelscope  from ModelScope (fastest from mainland China)',
      '  sensevoice model download --variant fp32       for a GPU (about 940 MB)',
    );
  } else {
    const rows = r.models.map((m) => [
      r.fallback && m.path === r.fallback.path && m.variant === r.fallback.variant ? '*' : ' ',
      m.id,
      m.variant,
      m.layout,
      m.problem ? '-' : bytesText(m.sizeBytes),
      m.verified ? 'yes' : 'NO',
      m.source === 'url' ? (m.url ?? 'url') : m.source,
    ]);
    const head = [' ', 'ID', 'VARIANT', 'LAYOUT', 'SIZE', 'VERIFIED', 'SOURCE'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    for (const row of [head, ...rows])
      out.push(
        row
          .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      );
    for (const m of r.models.filter((x) => x.problem)) out.push(`  problem with ${m.id}: ${m.problem}`);
    out.push('');
    out.push(
      r.fallback
        ? `* used when no --model / sensevoice.modelPath is set: ${r.fallback.reason}.`
        : 'None of them can be used: see the problems above.',
    );
  }
  out.push(
    `Configured model (--model / sensevoice.modelPath): ${r.configured ? `${r.configured.path}${r.configured.problem ? ` (cannot be used: ${r.configured.problem})` : ` (${r.configured.layout}, ${r.configured.variants?.join(' + ')})`}` : 'none'}`,
  );
  if (r.partial.length) {
    out.push('Partial downloads (run the same download again to resume):');
    for (const p of r.partial) out.push(`  ${p.id}: ${p.file}, ${bytesText(p.bytes)} so far`);
  }
  out.push(...formatDiarizationList(r.diarization));
  return out.join('\n') + '\n';
}
