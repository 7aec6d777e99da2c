// Runs a download plan into the store: files go to `.partial/<id>-<variant>/`, each verified before
// it counts; the finished folder is checked with inspectModelFolder and only then moved into the
// store (a rename), so the store never holds half a model.
//
// What is kept when a download stops:
// - interrupted (network dropped or stalled past the retries, or cancelled): the .part files stay
//   and the next run of the same download resumes them;
// - anything else (HTTP 404/403, DNS, a checksum mismatch, files that are not a model): the
//   download's files are deleted and the error says why.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type DownloadedFile, type ModelDownloadResult } from '../../common/protocol';
import { inspectModelFolder } from '../model/modelFolder';
import { extractArchive, findFile, type ExtractOptions } from './archive';
import { downloadFile, throwIfCancelled, type RetryPolicy } from './fileDownload';
import { HttpError, type HttpOptions } from './httpClient';
import { MANIFEST_NAME, readManifest, writeManifest, type Manifest, type ManifestFile } from './manifest';
import { enforced, pinOrigin, type FilePin } from './pins';
import type { DownloadPlan, FileSet, PlannedFile } from './plans';
import { PARTIAL_DIR } from './storeIndex';
import { acquireLock } from './storeLock';

export interface DownloadProgress {
  bytes: number;
  total?: number;
  message: string;
}

export interface DownloadContext {
  storeDir: string;
  http: HttpOptions;
  retry: RetryPolicy;
  signal: AbortSignal;
  onProgress: (p: DownloadProgress) => void;
  log: (message: string) => void;
  /** Seam for the archive step; the system tar by default. */
  extract?: (o: ExtractOptions) => Promise<void>;
  /** Free bytes on the store's disk, or null when unknown. */
  freeBytes?: (dir: string) => Promise<number | null>;
}

interface Fetched {
  file: PlannedFile;
  size: number;
  sha256: string;
  verified: boolean;
  url: string;
  reused: boolean;
}

export async function downloadModel(
  plan: DownloadPlan,
  overwrite: boolean,
  ctx: DownloadContext,
): Promise<ModelDownloadResult> {
  const target = path.join(ctx.storeDir, plan.id);
  const staging = path.join(ctx.storeDir, PARTIAL_DIR, `${plan.id}-${plan.variant}`);
  await fs.mkdir(path.dirname(staging), { recursive: true });
  const release = await acquireLock(path.join(ctx.storeDir, PARTIAL_DIR, `${plan.id}.lock`), plan.id);
  try {
    return await run(plan, overwrite, ctx, target, staging);
  } catch (err) {
    if (!isInterruption(err)) await fs.rm(staging, { recursive: true, force: true });
    throw explain(err, plan);
  } finally {
    await release();
  }
}

async function run(
  plan: DownloadPlan,
  overwrite: boolean,
  ctx: DownloadContext,
  target: string,
  staging: string,
): Promise<ModelDownloadResult> {
  const existing = await fs.stat(target).then(
    (s) => s,
    () => null,
  );
  if (existing && !existing.isDirectory() && !overwrite)
    throw exists(`${target} is a file, not a model folder SenseVoice made.`);
  const manifest = existing?.isDirectory() ? await readManifest(target) : null;
  if (existing && !manifest && !overwrite) {
    throw exists(`${target} already exists and was not made by SenseVoice (it has no ${MANIFEST_NAME}).`);
  }
  const ours = manifest;

  // Files already in the store (a second variant shares the tokens; a repeated download shares all).
  const reusable = async (f: PlannedFile): Promise<Fetched | null> => {
    const have = ours?.files[f.name];
    if (!have) return null;
    const size = await fs.stat(path.join(target, f.name)).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== have.size) return null;
    // Named sources (and declared pins): the same pinned bytes, from wherever. URLs: the same URL.
    if (enforced(f.pin, plan.strict) && (have.sha256 !== f.pin.sha256 || have.size !== f.pin.size)) return null;
    if (!plan.strict && f.url && have.url !== f.url) return null;
    return { file: f, size, sha256: have.sha256, verified: have.verified, url: have.url, reused: true };
  };
  if (ours) {
    for (const set of plan.sets) {
      const all = await Promise.all(set.files.map(reusable));
      if (all.every((x) => x !== null)) {
        await fs.rm(staging, { recursive: true, force: true });
        const info = await inspectModelFolder(target, { preferQuantized: plan.variant === 'int8' });
        return result(plan, target, info.layout, all as Fetched[], true, 0, 0, [
          'Already in the store; nothing was downloaded.',
        ]);
      }
    }
    const foreign = (await fs.readdir(target)).filter(
      (n) => n !== MANIFEST_NAME && !ours.files[n] && plan.sets.some((s) => s.files.some((f) => f.name === n)),
    );
    if (foreign.length && !overwrite)
      throw exists(`${target} holds ${foreign.join(', ')}, which SenseVoice did not download.`);
  }

  await fs.mkdir(staging, { recursive: true });
  let downloaded = 0;
  let resumed = 0;
  const counter = progressCounter(plan, ctx);
  let chosen: { set: FileSet; fetched: Fetched[] };
  if (plan.archive) {
    chosen = await viaArchive(plan, ctx, staging, counter, (d, r) => ((downloaded += d), (resumed += r)));
  } else {
    await checkSpace(
      ctx,
      plan.sets[0]!.files.filter((f) => f.pin).reduce((n, f) => n + f.pin!.size, 0),
      staging,
    );
    chosen = await viaFiles(plan, ctx, staging, counter, reusable, (d, r) => ((downloaded += d), (resumed += r)));
  }

  ctx.onProgress({ bytes: counter.done(), total: counter.total(), message: 'Checking the model folder' });
  const now = new Date().toISOString();
  const entry = (f: Fetched): ManifestFile => ({
    name: f.file.name,
    size: f.size,
    sha256: f.sha256,
    verified: f.verified,
    url: f.url,
    source: plan.source,
    downloadedAt: f.reused ? (ours?.files[f.file.name]?.downloadedAt ?? now) : now,
  });
  const fresh = chosen.fetched.filter((f) => !f.reused);
  let layout: 'sherpa' | 'funasr';
  if (!ours) {
    // A new folder: complete it in staging, check it, then move it into place in one rename.
    const m: Manifest = {
      format: 1,
      id: plan.id,
      layout: chosen.set.layout,
      files: Object.fromEntries(chosen.fetched.map((f) => [f.file.name, entry(f)])),
    };
    await writeManifest(staging, m);
    layout = (await inspectModelFolder(staging, { preferQuantized: plan.variant === 'int8' })).layout;
    m.layout = layout;
    await writeManifest(staging, m);
    await installFolder(staging, target, ctx);
  } else {
    // Another variant (or a repaired file) for a folder SenseVoice made: each file moves in by a
    // rename, the needed files before the model, then the manifest.
    const order = [...fresh].sort(
      (a, b) => Number(a.file.name === chosen.set.modelFile) - Number(b.file.name === chosen.set.modelFile),
    );
    for (const f of order) await fs.rename(path.join(staging, f.file.name), path.join(target, f.file.name));
    const m: Manifest = {
      ...ours,
      files: { ...ours.files, ...Object.fromEntries(chosen.fetched.map((f) => [f.file.name, entry(f)])) },
    };
    await writeManifest(target, m);
    try {
      layout = (await inspectModelFolder(target, { preferQuantized: plan.variant === 'int8' })).layout;
    } catch (err) {
      await fs.rm(path.join(target, chosen.set.modelFile), { force: true });
      delete m.files[chosen.set.modelFile];
      await writeManifest(target, m);
      throw err;
    }
    await fs.rm(staging, { recursive: true, force: true });
  }
  const notes: string[] = [];
  const unverified = chosen.fetched.filter((f) => !f.verified);
  if (unverified.length) {
    notes.push(
      `NOT VERIFIED: ${unverified.map((f) => `${f.file.name} (sha256 ${f.sha256})`).join(', ')} ` +
        `${unverified.length === 1 ? 'matches' : 'match'} no published checksum. Use this model only if you trust ${plan.archive?.url ?? 'the URL it came from'}.`,
    );
  }
  const matched = chosen.fetched.filter((f) => f.verified && plan.source === 'url');
  const published = matched.filter((f) => !f.file.pin?.declaredIn);
  if (published.length)
    notes.push(
      `${published.map((f) => f.file.name).join(', ')} ${published.length === 1 ? 'matches its' : 'match their'} published checksum.`,
    );
  for (const [origin, files] of groupBy(
    matched.filter((f) => f.file.pin?.declaredIn),
    (f) => f.file.pin!.declaredIn!,
  )) {
    notes.push(
      `${files.map((f) => f.file.name).join(', ')} ${files.length === 1 ? 'matches its pin' : 'match their pins'} in ${origin}.`,
    );
  }
  return result(plan, target, layout, chosen.fetched, false, downloaded, resumed, notes);
}

function result(
  plan: DownloadPlan,
  target: string,
  layout: 'sherpa' | 'funasr',
  fetched: Fetched[],
  alreadyPresent: boolean,
  downloadedBytes: number,
  resumedBytes: number,
  notes: string[],
): ModelDownloadResult {
  const files: DownloadedFile[] = fetched.map((f) => ({
    name: f.file.name,
    size: f.size,
    sha256: f.sha256,
    verified: f.verified,
    ...(f.verified && f.file.pin?.declaredIn ? { pinnedIn: f.file.pin.declaredIn } : {}),
    url: f.url,
    reused: f.reused,
  }));
  return {
    id: plan.id,
    path: target,
    variant: plan.variant,
    layout,
    verified: files.every((f) => f.verified),
    source: plan.source,
    files,
    alreadyPresent,
    downloadedBytes,
    resumedBytes,
    notes,
  };
}

type Counter = ReturnType<typeof progressCounter>;

/** Bytes across all the files of a plan, for one progress bar. */
function progressCounter(plan: DownloadPlan, ctx: DownloadContext) {
  const sizes = new Map<string, number | undefined>();
  const done = new Map<string, number>();
  const expect = (name: string, size: number | undefined) => {
    if (!sizes.has(name) || size !== undefined) sizes.set(name, size);
  };
  if (plan.archive) expect(plan.archive.name, plan.archive.pin?.size);
  else for (const f of plan.sets[0]!.files) expect(f.name, f.pin?.size);
  const total = () =>
    [...sizes.values()].every((s) => s !== undefined)
      ? [...sizes.values()].reduce<number>((n, s) => n + (s ?? 0), 0)
      : undefined;
  const sum = () => [...done.values()].reduce((n, s) => n + s, 0);
  return {
    expect,
    total,
    done: sum,
    report(name: string, bytes: number, size: number | undefined, message: string) {
      if (size !== undefined) expect(name, size);
      done.set(name, bytes);
      ctx.onProgress({ bytes: sum(), total: total(), message });
    },
    /** A set chosen late (a folder URL): its files replace the guesses. */
    reset(files: PlannedFile[]) {
      sizes.clear();
      for (const f of files) expect(f.name, f.pin?.size);
    },
  };
}

async function viaFiles(
  plan: DownloadPlan,
  ctx: DownloadContext,
  staging: string,
  counter: Counter,
  reusable: (f: PlannedFile) => Promise<Fetched | null>,
  add: (downloaded: number, resumed: number) => void,
): Promise<{ set: FileSet; fetched: Fetched[] }> {
  const missing: string[] = [];
  for (let i = 0; i < plan.sets.length; i++) {
    const set = plan.sets[i]!;
    counter.reset(set.files);
    // The model file first: with a folder URL, a 404 there means "try the other layout".
    const ordered = [...set.files].sort((a, b) => Number(b.name === set.modelFile) - Number(a.name === set.modelFile));
    const fetched: Fetched[] = [];
    try {
      for (const [n, f] of ordered.entries()) {
        const again = await reusable(f);
        if (again) {
          fetched.push(again);
          counter.report(f.name, again.size, again.size, `${f.name} is already in the store`);
          continue;
        }
        const host = new URL(f.url!).host;
        const label = `${f.name} (${n + 1} of ${ordered.length}) from ${host}`;
        const got = await fetchOne(f, plan, ctx, staging, (b, t) =>
          counter.report(f.name, b, t, `Downloading ${label}`),
        );
        add(got.downloadedBytes, got.resumedBytes);
        fetched.push({
          file: f,
          size: got.size,
          sha256: got.sha256,
          verified: got.verified,
          url: f.url!,
          reused: false,
        });
      }
      return { set, fetched };
    } catch (err) {
      const notFound = err instanceof HttpError && (err.status === 404 || err.status === 410);
      if (notFound && fetched.length === 0 && plan.sets.length > 1) {
        missing.push(set.files.find((f) => f.name === set.modelFile)!.url!);
        if (i + 1 < plan.sets.length) {
          ctx.log(`${missing.at(-1)}: not found; trying the ${plan.sets[i + 1]!.layout} layout's files`);
          continue;
        }
        throw new HttpError(
          `No model there: ${missing.join(' and ')} answered HTTP 404 (not found).`,
          'network',
          false,
          missing[0]!,
          404,
        );
      }
      throw err;
    }
  }
  throw new Error('unreachable: a plan has at least one file set');
}

/** One file into staging: a finished file from an earlier run is re-checked, else it is downloaded. */
async function fetchOne(
  f: PlannedFile,
  plan: DownloadPlan,
  ctx: DownloadContext,
  staging: string,
  onBytes: (b: number, t: number | undefined) => void,
) {
  const dest = path.join(staging, f.name);
  const done = await hashFile(dest);
  if (done && f.pin && done.size === f.pin.size && done.sha256 === f.pin.sha256) {
    onBytes(done.size, done.size);
    return { size: done.size, sha256: done.sha256, verified: true, downloadedBytes: 0, resumedBytes: done.size };
  }
  if (done) await fs.rm(dest, { force: true });
  return downloadFile({
    url: f.url!,
    dest,
    ...(f.pin ? { pin: f.pin } : {}),
    strict: enforced(f.pin, plan.strict),
    http: ctx.http,
    retry: ctx.retry,
    signal: ctx.signal,
    onBytes,
    log: ctx.log,
  });
}

async function viaArchive(
  plan: DownloadPlan,
  ctx: DownloadContext,
  staging: string,
  counter: Counter,
  add: (downloaded: number, resumed: number) => void,
): Promise<{ set: FileSet; fetched: Fetched[] }> {
  const archive = plan.archive!;
  const dest = path.join(staging, archive.name);
  const unpacked = path.join(staging, 'unpacked');
  const members = plan.sets[0]!.files.filter((f) => f.pin).reduce((n, f) => n + f.pin!.size, 0);
  await checkSpace(ctx, (archive.pin?.size ?? members) + members, staging);
  const existing = await hashFile(dest);
  if (!existing) {
    const got = await downloadFile({
      url: archive.url,
      dest,
      ...(archive.pin ? { pin: archive.pin } : {}),
      strict: enforced(archive.pin, plan.strict),
      http: ctx.http,
      retry: ctx.retry,
      signal: ctx.signal,
      log: ctx.log,
      onBytes: (b, t) =>
        counter.report(archive.name, b, t, `Downloading ${archive.name} from ${new URL(archive.url).host}`),
    });
    add(got.downloadedBytes, got.resumedBytes);
  }
  throwIfCancelled(ctx.signal);
  ctx.onProgress({ bytes: counter.done(), total: counter.total(), message: `Unpacking ${archive.name}` });
  await fs.rm(unpacked, { recursive: true, force: true });
  await (ctx.extract ?? extractArchive)({ archive: dest, kind: archive.kind, into: unpacked, signal: ctx.signal });
  for (const set of plan.sets) {
    const model = await findFile(unpacked, set.modelFile);
    if (!model) continue;
    const fetched: Fetched[] = [];
    for (const f of set.files) {
      const found =
        f.name === set.modelFile
          ? model
          : ((await findFile(path.dirname(model), f.name, 0)) ?? (await findFile(unpacked, f.name)));
      if (!found)
        throw new SenseVoiceError(
          ErrorCode.ModelInvalid,
          `${archive.name} has ${set.modelFile} but no ${f.name}; it is not a complete model.`,
        );
      ctx.onProgress({ bytes: counter.done(), total: counter.total(), message: `Verifying ${f.name}` });
      const h = (await hashFile(found))!;
      const verified = !!f.pin && h.size === f.pin.size && h.sha256 === f.pin.sha256;
      if (enforced(f.pin, plan.strict) && !verified) {
        throw new SenseVoiceError(
          ErrorCode.ChecksumMismatch,
          `${f.name} in ${archive.name} has ${h.size} bytes with sha256 ${h.sha256}; ${pinOrigin(f.pin)} has ${f.pin.size} bytes with sha256 ${f.pin.sha256}. The download was deleted.`,
          { url: archive.url, file: f.name, expected: f.pin, sha256: h.sha256 },
        );
      }
      await fs.rename(found, path.join(staging, f.name));
      fetched.push({
        file: f,
        size: h.size,
        sha256: h.sha256,
        verified,
        url: `${archive.url}#${f.name}`,
        reused: false,
      });
    }
    await fs.rm(unpacked, { recursive: true, force: true });
    await fs.rm(dest, { force: true });
    return { set, fetched };
  }
  const names = plan.sets.map((s) => s.modelFile).join(' or ');
  throw new SenseVoiceError(
    ErrorCode.ModelNotFound,
    `${archive.name} holds no ${names}: it is not a SenseVoice model archive.`,
  );
}

export async function hashFile(file: string): Promise<{ size: number; sha256: string } | null> {
  const h = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(file)) {
      h.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch {
    return null;
  }
  return { size, sha256: h.digest('hex') };
}

async function checkSpace(ctx: DownloadContext, needBytes: number, staging: string): Promise<void> {
  if (needBytes <= 0) return;
  const free = await (ctx.freeBytes ?? statfsFree)(ctx.storeDir);
  if (free === null) return;
  let have = 0;
  for (const n of await fs.readdir(staging).catch(() => [] as string[])) {
    have += await fs.stat(path.join(staging, n)).then(
      (s) => s.size,
      () => 0,
    );
  }
  const need = needBytes - have + 16 * 1024 * 1024;
  if (free < need) {
    throw new SenseVoiceError(
      ErrorCode.NotEnoughSpace,
      `The model needs about ${mib(need)} MiB in ${ctx.storeDir} but only ${mib(free)} MiB are free. Free some space, or put the store on another disk with SENSEVOICE_MODEL_STORE.`,
      { needBytes: need, freeBytes: free },
    );
  }
}

async function statfsFree(dir: string): Promise<number | null> {
  try {
    const s = await fs.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Moves a checked folder into the store; a folder the user allowed us to replace goes last. */
async function installFolder(staging: string, target: string, ctx: DownloadContext): Promise<void> {
  const old = await fs.stat(target).then(
    () => path.join(path.dirname(target), `.${path.basename(target)}.replaced-${Date.now()}`),
    () => null,
  );
  if (old) await fs.rename(target, old);
  try {
    await fs.rename(staging, target);
  } catch (err) {
    if (old) await fs.rename(old, target).catch(() => undefined);
    throw err;
  }
  if (old) {
    await fs
      .rm(old, { recursive: true, force: true })
      .catch((e: unknown) => ctx.log(`could not remove ${old}: ${String(e)}`));
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return m;
}

function mib(n: number): string {
  return (n / 1024 / 1024).toFixed(0);
}

function exists(what: string): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.ModelExists,
    `${what} Nothing was changed: move it away, or download again with overwrite (--force) to replace it.`,
  );
}

/** Interruptions keep their .part files for the next run; other failures delete the download. */
export function isInterruption(err: unknown): boolean {
  if (err instanceof SenseVoiceError) return err.code === ErrorCode.Cancelled || err.code === ErrorCode.NotEnoughSpace;
  return err instanceof HttpError && err.retryable;
}

const HINT_SOURCES =
  'Try another source (sensevoice model download --source github, or --source modelscope from mainland China; ' +
  'HF_ENDPOINT=https://hf-mirror.com for a Hugging Face mirror), give a mirror with --url, ' +
  'or, if you are behind a proxy, set HTTPS_PROXY (NO_PROXY for exceptions).';

/** Turns transfer errors into coded ones that say what to do. */
function explain(err: unknown, plan: DownloadPlan): unknown {
  if (err instanceof SenseVoiceError) {
    if (err.code === ErrorCode.Cancelled) {
      return new SenseVoiceError(
        ErrorCode.Cancelled,
        'Download cancelled. The bytes downloaded so far are kept; start the same download again to resume it.',
      );
    }
    if (err.code === ErrorCode.ChecksumMismatch) {
      const declaredIn = (err.data as { expected?: FilePin } | undefined)?.expected?.declaredIn;
      if (declaredIn) {
        return new SenseVoiceError(
          err.code,
          `${err.message} The server sent a different or damaged file, or the pin is out of date: check it with whoever maintains ${declaredIn}.`,
          err.data,
        );
      }
      return new SenseVoiceError(
        err.code,
        `${err.message} The server sent a different or damaged file. ${HINT_SOURCES}`,
        err.data,
      );
    }
    if (err.code === ErrorCode.ModelNotFound || err.code === ErrorCode.ModelInvalid) {
      return new SenseVoiceError(
        err.code,
        `The download did not give a usable SenseVoice model, so it was deleted: ${err.message}`,
        err.data,
      );
    }
    return err;
  }
  if (err instanceof HttpError) {
    const kept = err.retryable ? ' What was downloaded is kept: run the same download again to resume.' : '';
    const extra =
      err.kind === 'tls'
        ? ' If a proxy or antivirus inspects HTTPS, point NODE_EXTRA_CA_CERTS at its certificate.'
        : err.kind === 'dns'
          ? ' Check the network connection.'
          : '';
    const hint =
      plan.source === 'url'
        ? 'Check the URL, or use a named source (sensevoice model download --source huggingface|github|modelscope); behind a proxy, set HTTPS_PROXY.'
        : HINT_SOURCES;
    return new SenseVoiceError(ErrorCode.DownloadFailed, `Download failed: ${err.message}${extra}${kept} ${hint}`, {
      url: err.url,
      kind: err.kind,
    });
  }
  return err;
}
