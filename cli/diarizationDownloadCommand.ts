// `sensevoice model download --diarization`: the speaker models (a pyannote segmentation model and a
// speaker-embedding model) into the store through the daemon. Their licences, sizes and how each will
// be checked are printed before a byte of a model moves; then the download, with progress.
import type { DaemonConnection } from '../client/daemonConnection';
import type {
  DiarizationDownloadParams,
  DiarizationDownloadResult,
  DiarizationModelFile,
  StoredDiarizationModel,
} from '../common/protocol';
import { bytesText } from '../common/units';
import {
  DIARIZATION_EMBEDDINGS,
  DIARIZATION_SOURCES,
  type DiarizationEmbeddingName,
  type DiarizationSourceName,
} from '../common/values';
import { withDownloadProgress } from './downloadProgress';
import { UsageError } from './output';

export interface DiarizationCliOptions {
  source?: DiarizationSourceName;
  /** A mirror of sherpa-onnx's releases, given as --source URL. */
  mirror?: string;
  embedding?: DiarizationEmbeddingName;
}

/** Checks the flags of `model download --diarization`; UsageError when they are wrong. */
export function parseDiarizationDownload(v: {
  source?: string;
  embedding?: string;
  url?: string;
  variant?: string;
}): DiarizationCliOptions {
  if (v.url !== undefined)
    throw new UsageError('--url is for the ASR model; with --diarization give a mirror as --source URL.');
  if (v.variant !== undefined)
    throw new UsageError('--variant is for the ASR model; the speaker models come in one variant.');
  const o: DiarizationCliOptions = {};
  if (v.source !== undefined) {
    if ((DIARIZATION_SOURCES as readonly string[]).includes(v.source)) o.source = v.source as DiarizationSourceName;
    else if (/^https?:\/\//i.test(v.source)) o.mirror = v.source;
    else
      throw new UsageError(
        `--source with --diarization must be ${DIARIZATION_SOURCES.join(', ')} or the http(s) URL of a mirror (got "${v.source}").`,
      );
  }
  if (v.embedding !== undefined) {
    if (!(DIARIZATION_EMBEDDINGS as readonly string[]).includes(v.embedding))
      throw new UsageError(`--embedding must be one of ${DIARIZATION_EMBEDDINGS.join(', ')} (got "${v.embedding}").`);
    o.embedding = v.embedding as DiarizationEmbeddingName;
  }
  return o;
}

export async function diarizationDownloadCommand(
  daemon: DaemonConnection,
  d: DiarizationCliOptions,
  o: { json: boolean; force: boolean },
): Promise<number> {
  const params: DiarizationDownloadParams = {
    ...(d.source ? { source: d.source } : {}),
    ...(d.mirror ? { mirror: d.mirror } : {}),
    ...(d.embedding ? { embedding: d.embedding } : {}),
    ...(o.force ? { overwrite: true } : {}),
  };
  const planned = await withDownloadProgress((signal) =>
    daemon.request('model/downloadDiarization', { ...params, planOnly: true }, { signal }),
  );
  if ('exitCode' in planned) return planned.exitCode;
  if (!o.json) process.stderr.write(formatPlan(planned.result));
  const got = await withDownloadProgress((signal, onProgress) =>
    daemon.request('model/downloadDiarization', params, { signal, onProgress }),
  );
  if ('exitCode' in got) return got.exitCode;
  const r = got.result;
  if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
  else process.stdout.write(formatResult(r));
  for (const n of r.notes) process.stderr.write(`${/NOT verified|not verified/.test(n) ? 'warning' : 'note'}: ${n}\n`);
  return 0;
}

function fileLines(f: DiarizationModelFile, done: boolean): string[] {
  const size = f.size !== undefined ? bytesText(f.size) : 'size unknown';
  return [
    `  ${f.role.padEnd(12)}  ${f.model}  (${f.asset}, ${size})`,
    `                licence ${f.licence}: ${f.licenceSource}`,
    `                ${done ? 'checked' : 'will be checked'}: ${f.checksumNote}${f.reused ? ' (already in the store)' : ''}`,
    ...(done && f.sha256 ? [`                sha256 ${f.sha256}  ->  ${f.path}`] : []),
  ];
}

/** What will be downloaded, before it is: licences, sizes, checks. */
export function formatPlan(r: DiarizationDownloadResult): string {
  return (
    [
      `Speaker models from ${r.source} (by downloading them you accept their licences):`,
      ...r.files.flatMap((f) => fileLines(f, false)),
    ].join('\n') + '\n'
  );
}

export function formatResult(r: DiarizationDownloadResult): string {
  const out = [
    `${r.alreadyPresent ? 'Already in the store' : 'Speaker models ready'}: ${r.dir}`,
    ...r.files.flatMap((f) => fileLines(f, true)),
  ];
  if (!r.alreadyPresent)
    out.push(
      `Downloaded ${bytesText(r.downloadedBytes)}${r.resumedBytes ? `, resumed ${bytesText(r.resumedBytes)} from an earlier attempt` : ''}.`,
    );
  out.push('sensevoice transcribe --diarize now uses them when no --segmentation-model / --embedding-model is given.');
  return out.join('\n') + '\n';
}

/** The speaker-model lines of `model list`. */
export function formatDiarizationList(models: StoredDiarizationModel[] | undefined): string[] {
  if (!models) return [];
  if (models.length === 0)
    return ['Speaker models (--diarize): none. Get them with: sensevoice model download --diarization'];
  const out = ['Speaker models (--diarize):'];
  for (const m of models) {
    const how =
      m.source === 'local'
        ? 'put there by hand (not downloaded by SenseVoice)'
        : `${m.model} from ${m.source}, licence ${m.licence ?? '?'}, ${m.checksum === 'verified' ? 'verified' : m.checksum === 'pinned' ? 'matches a third-party pin' : m.checksum === 'size-only' ? 'size checked, SHA-256 not verified (none published)' : 'NOT verified'}`;
    out.push(`  ${m.role.padEnd(12)}  ${bytesText(m.size).padStart(10)}  ${how}`);
    out.push(`                ${m.path}`);
    if (m.problem) out.push(`  problem with the ${m.role} model: ${m.problem}`);
  }
  const roles = new Set(models.map((m) => m.role));
  if (!roles.has('segmentation') || !roles.has('embedding'))
    out.push('  One is missing: --diarize needs both (sensevoice model download --diarization).');
  return out;
}
