// Runs a speaker-model plan into the store. Each asset goes to `.partial/diarization/` (resumable, as
// the ASR download), is checked against what its source publishes, and the model file is taken out
// of it (model.onnx from the segmentation archive); only when both models are ready do they move to
// the paths the daemon reads, each by a rename, then the note of where they came from is written.
// A model file at those paths that SenseVoice did not download is never replaced without overwrite.
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  ErrorCode,
  SenseVoiceError,
  type DiarizationDownloadResult,
  type DiarizationModelFile,
} from '../../common/protocol';
import { extractArchive, findFile } from './archive';
import type { DiarizationCatalog, DiarizationEndpoints } from './diarizationCatalog';
import { describePlanned, planDiarization, type DiarizationRequest, type PlannedModel } from './diarizationPlan';
import {
  DIARIZATION_DIR,
  fileSize,
  readDiarizationManifest,
  writeDiarizationManifest,
  type DiarizationManifest,
} from './diarizationStoreIndex';
import { downloadFile, throwIfCancelled } from './fileDownload';
import { HttpError } from './httpClient';
import { hashFile, isInterruption, type DownloadContext } from './modelDownload';
import { PARTIAL_DIR } from './storeIndex';
import { acquireLock } from './storeLock';

/** The ASR download's context (store, HTTP, retries, signal, progress, log, unpacking), plus where the speaker models are. */
export interface DiarizationDownloadContext extends Omit<DownloadContext, 'freeBytes'> {
  catalog: DiarizationCatalog;
  endpoints: DiarizationEndpoints;
}

export interface DiarizationDownloadOptions extends DiarizationRequest {
  overwrite: boolean;
  planOnly: boolean;
}

export async function downloadDiarizationModels(
  o: DiarizationDownloadOptions,
  ctx: DiarizationDownloadContext,
): Promise<DiarizationDownloadResult> {
  const plan = await planDiarization(o, { ...ctx });
  const manifest = await readDiarizationManifest(ctx.storeDir);
  const dir = path.join(ctx.storeDir, DIARIZATION_DIR);
  // A model already there from the same published file is kept; a file SenseVoice did not download is the user's.
  const reused = new Set<PlannedModel>();
  const foreign: string[] = [];
  for (const m of plan.models) {
    const size = await fileSize(m.dest);
    if (size === null) continue;
    const had = manifest.files[m.role];
    if (!had) foreign.push(m.dest);
    // A checked file stays (even when today's listing cannot be read); an unchecked one is fetched again
    // when it can now be checked better.
    else if (
      had.model === m.entry.model &&
      had.size === size &&
      (had.checksum === 'verified' || had.checksum === 'pinned' || had.checksum === m.checksum)
    )
      reused.add(m);
  }
  if (foreign.length && !o.overwrite && !o.planOnly) {
    throw new SenseVoiceError(
      ErrorCode.ModelExists,
      `${foreign.join(' and ')} ${foreign.length === 1 ? 'was' : 'were'} not downloaded by SenseVoice. Nothing was changed: ` +
        'move them away, or download again with overwrite (--force) to replace them.',
      { files: foreign },
    );
  }
  const describe = (m: PlannedModel, extra: Partial<DiarizationModelFile> = {}) =>
    describePlanned(m, {
      ...(reused.has(m) ? { reused: true, sha256: manifest.files[m.role]!.sha256 } : {}),
      ...extra,
    });
  const base = { dir, source: plan.source, downloadedBytes: 0, resumedBytes: 0 };
  if (o.planOnly) {
    return {
      ...base,
      planOnly: true,
      files: plan.models.map((m) => describe(m)),
      alreadyPresent: reused.size === plan.models.length,
      notes: foreign.length
        ? [`${foreign.join(' and ')} would be replaced (they were not downloaded by SenseVoice).`]
        : [],
    };
  }
  if (reused.size === plan.models.length) {
    return {
      ...base,
      planOnly: false,
      files: plan.models.map((m) => describe(m)),
      alreadyPresent: true,
      notes: ['Already in the store; nothing was downloaded.'],
    };
  }

  const staging = path.join(ctx.storeDir, PARTIAL_DIR, DIARIZATION_DIR);
  await fs.mkdir(staging, { recursive: true });
  const release = await acquireLock(path.join(ctx.storeDir, PARTIAL_DIR, `${DIARIZATION_DIR}.lock`), 'speaker models');
  try {
    const fresh = plan.models.filter((m) => !reused.has(m));
    const done = new Map<PlannedModel, number>();
    const known = fresh.every((m) => (m.pin?.size ?? m.size) !== undefined);
    const total = known ? fresh.reduce((n, m) => n + (m.pin?.size ?? m.size ?? 0), 0) : undefined;
    const report = (message: string) =>
      ctx.onProgress({
        bytes: [...done.values()].reduce((n, b) => n + b, 0),
        ...(total !== undefined ? { total } : {}),
        message,
      });
    let downloadedBytes = 0;
    let resumedBytes = 0;
    const got = new Map<PlannedModel, { file: string; size: number; sha256: string }>();
    for (const [i, m] of fresh.entries()) {
      const r = await fetchAsset(m, ctx, staging, (b) => {
        done.set(m, b);
        report(`Downloading ${m.asset} (${i + 1} of ${fresh.length}) from ${new URL(m.url).host}`);
      });
      downloadedBytes += r.downloadedBytes;
      resumedBytes += r.resumedBytes;
      got.set(m, await takeModel(m, r.file, staging, ctx, report));
    }
    throwIfCancelled(ctx.signal);
    report('Placing the speaker models');
    await fs.mkdir(dir, { recursive: true });
    const now = new Date().toISOString();
    const next: DiarizationManifest = { format: 1, files: { ...manifest.files } };
    for (const m of fresh) {
      const g = got.get(m)!;
      // One rename each: the daemon sees the old file or the new one, never half of one.
      await fs.rename(g.file, m.dest);
      next.files[m.role] = {
        model: m.entry.model,
        asset: m.asset,
        url: m.url,
        source: plan.source,
        size: g.size,
        sha256: g.sha256,
        checksum: m.checksum,
        checksumNote: m.checksumNote,
        licence: m.entry.licence,
        licenceSource: m.entry.licenceSource,
        downloadedAt: now,
      };
    }
    await writeDiarizationManifest(ctx.storeDir, next);
    await fs.rm(staging, { recursive: true, force: true });
    const notes = fresh
      .filter((m) => m.checksum === 'unverified' || m.checksum === 'size-only')
      .map((m) => `${m.asset}: ${m.checksumNote}.`);
    return {
      ...base,
      planOnly: false,
      files: plan.models.map((m) => describe(m, got.has(m) ? { sha256: got.get(m)!.sha256 } : {})),
      alreadyPresent: false,
      downloadedBytes,
      resumedBytes,
      notes,
    };
  } catch (err) {
    if (!isInterruption(err)) await fs.rm(staging, { recursive: true, force: true });
    throw explain(err);
  } finally {
    await release();
  }
}

/** The asset into staging: a finished one from an earlier run is re-checked, else downloaded (resuming its .part). */
async function fetchAsset(
  m: PlannedModel,
  ctx: DiarizationDownloadContext,
  staging: string,
  onBytes: (b: number) => void,
): Promise<{ file: string; downloadedBytes: number; resumedBytes: number }> {
  const file = path.join(staging, `${m.role}-${m.asset}`);
  const had = await hashFile(file);
  if (had && matches(m, had)) {
    onBytes(had.size);
    return { file, downloadedBytes: 0, resumedBytes: had.size };
  }
  if (had) await fs.rm(file, { force: true });
  const r = await downloadFile({
    url: m.url,
    dest: file,
    ...(m.pin ? { pin: m.pin } : {}),
    strict: true,
    http: ctx.http,
    retry: ctx.retry,
    signal: ctx.signal,
    log: ctx.log,
    onBytes: (b) => onBytes(b),
  });
  if (m.size !== undefined && r.size !== m.size) {
    await fs.rm(file, { force: true });
    throw new SenseVoiceError(
      ErrorCode.ChecksumMismatch,
      `${m.asset} from ${m.url} has ${r.size} bytes; its source publishes ${m.size}. The download was deleted.`,
      { url: m.url, file: m.asset, size: r.size, expectedSize: m.size },
    );
  }
  return { file, downloadedBytes: r.downloadedBytes, resumedBytes: r.resumedBytes };
}

function matches(m: PlannedModel, h: { size: number; sha256: string }): boolean {
  if (m.pin) return h.size === m.pin.size && h.sha256 === m.pin.sha256;
  if (m.size !== undefined) return h.size === m.size;
  return false;
}

/** The model file out of the asset (unpacking an archive), hashed for the note. */
async function takeModel(
  m: PlannedModel,
  asset: string,
  staging: string,
  ctx: DiarizationDownloadContext,
  say: (message: string) => void,
): Promise<{ file: string; size: number; sha256: string }> {
  const out = path.join(staging, `${m.role}.onnx`);
  if (m.member) {
    const kind = 'tar.bz2';
    const unpacked = path.join(staging, `${m.role}-unpacked`);
    say(`Unpacking ${m.asset}`);
    await fs.rm(unpacked, { recursive: true, force: true });
    await (ctx.extract ?? extractArchive)({ archive: asset, kind, into: unpacked, signal: ctx.signal });
    const found = await findFile(unpacked, m.member);
    if (!found) {
      throw new SenseVoiceError(
        ErrorCode.ModelInvalid,
        `${m.asset} holds no ${m.member}: it is not the ${m.entry.model} archive. The download was deleted.`,
      );
    }
    await fs.rename(found, out);
    await fs.rm(unpacked, { recursive: true, force: true });
    await fs.rm(asset, { force: true });
  } else {
    await fs.rename(asset, out);
  }
  const h = (await hashFile(out))!;
  return { file: out, ...h };
}

const HINT =
  'Try the other source (sensevoice model download --diarization --source github|huggingface; HF_ENDPOINT for a ' +
  'Hugging Face mirror), a mirror of the releases with --source URL, or, behind a proxy, set HTTPS_PROXY.';

/** Transfer errors as coded ones that say what to do. */
function explain(err: unknown): unknown {
  if (err instanceof SenseVoiceError) {
    if (err.code === ErrorCode.Cancelled)
      return new SenseVoiceError(
        ErrorCode.Cancelled,
        'Download cancelled. The bytes downloaded so far are kept; start the same download again to resume it.',
      );
    if (err.code === ErrorCode.ChecksumMismatch)
      return new SenseVoiceError(
        err.code,
        `${err.message} The server sent a different or damaged file; nothing was kept. ${HINT}`,
        err.data,
      );
    return err;
  }
  if (err instanceof HttpError) {
    const kept = err.retryable ? ' What was downloaded is kept: run the same download again to resume.' : '';
    return new SenseVoiceError(ErrorCode.DownloadFailed, `Download failed: ${err.message}${kept} ${HINT}`, {
      url: err.url,
      kind: err.kind,
    });
  }
  return err;
}
