// Fills the per-user store of NVIDIA's CUDA libraries from the pinned wheels (cudaRedist.ts): per
// package, the index's sha256 and size, a resumable download into the store's downloads/ folder
// (a mismatch deletes the file), then only the listed .so files unpacked into lib/ and the wheel
// deleted. The manifest is rewritten after each package, so an interrupted setup keeps what it
// finished and resumes the package it was in; it says `complete` only when every pin is in, which
// is what lets clients put lib/ on the daemon's LD_LIBRARY_PATH (common/gpuSetup/cudaLibraryStore).
import fs from 'node:fs/promises';
import path from 'node:path';
import { atomicWrite } from '../../common/atomicWrite';
import {
  CUDA_STORE_LIB,
  CUDA_STORE_MANIFEST,
  readCudaStoreManifest,
  type CudaStoreFile,
  type CudaStoreManifest,
  type CudaStorePackage,
} from '../../common/gpuSetup/cudaLibraryStore';
import {
  ErrorCode,
  SenseVoiceError,
  type CudaLibrariesPlan,
  type CudaLibrariesSetupResult,
  type ProgressParams,
} from '../../common/protocol';
import { downloadFile, type RetryPolicy } from '../modelStore/fileDownload';
import type { HttpOptions } from '../modelStore/httpClient';
import { CUDA_REDIST, type CudaRedistPackage } from './cudaRedist';
import { hashFile } from './gpuLibraryCache';
import { resolvePypiWheel, type PypiWheel } from './pypiFeed';
import { extractZipEntry, readZipEntries, type ZipEntry } from './zipReader';

export interface CudaFetchContext {
  feedUrl: string;
  storeDir: string;
  http: HttpOptions;
  signal: AbortSignal;
  /** The pins; CUDA_REDIST by default (tests pass the same list). */
  packages?: readonly CudaRedistPackage[];
}

function emptyManifest(): CudaStoreManifest {
  return { schema: 1, complete: false, packages: [], files: [], updatedAt: new Date().toISOString() };
}

/** The package is in the store at the pinned version, with every file it gave at its size. */
async function inStore(m: CudaStoreManifest, pin: CudaRedistPackage, libDir: string): Promise<boolean> {
  const p = m.packages.find((x) => x.name === pin.name);
  if (!p || p.version !== pin.version || p.files.length === 0) return false;
  for (const name of p.files) {
    const f = m.files.find((x) => x.name === name);
    const size = await fs.stat(path.join(libDir, name)).then(
      (s) => s.size,
      () => -1,
    );
    if (!f || size !== f.size) return false;
  }
  return true;
}

/** What a setup would fetch: each pin with its published size, and whether the store has it. */
export async function planCudaLibraries(c: CudaFetchContext): Promise<CudaLibrariesPlan> {
  const pins = c.packages ?? CUDA_REDIST;
  const libDir = path.join(c.storeDir, CUDA_STORE_LIB);
  const m = readCudaStoreManifest(c.storeDir) ?? emptyManifest();
  const packages: CudaLibrariesPlan['packages'] = [];
  let error: string | undefined;
  let downloadBytes = 0;
  for (const pin of pins) {
    const base = {
      name: pin.name,
      version: pin.version,
      role: pin.role,
      licence: pin.licence.name,
      licenceUrl: pin.licence.url,
      inStore: await inStore(m, pin, libDir),
    };
    if (base.inStore || error) {
      packages.push(base);
      continue;
    }
    try {
      const w = await resolvePypiWheel(c.feedUrl, pin.name, pin.version, c.http, c.signal);
      packages.push({ ...base, sizeBytes: w.size, url: w.url });
      downloadBytes += w.size;
    } catch (err) {
      // The plan still shows names, versions and licences; the setup reports the failure itself.
      error = err instanceof Error ? err.message : String(err);
      packages.push(base);
    }
  }
  return {
    feedUrl: c.feedUrl,
    storeDir: c.storeDir,
    libDir,
    packages,
    downloadBytes,
    complete: packages.every((p) => p.inStore),
    ...(error ? { error } : {}),
  };
}

export interface CudaFetchRun extends CudaFetchContext {
  retry: RetryPolicy;
  progress: (p: Omit<ProgressParams, 'token'>) => void;
  log: (message: string) => void;
}

/** Downloads what the store lacks, verifies, unpacks; resolves when every pin is in. */
export async function fetchCudaLibraries(r: CudaFetchRun): Promise<CudaLibrariesSetupResult> {
  const pins = r.packages ?? CUDA_REDIST;
  const libDir = path.join(r.storeDir, CUDA_STORE_LIB);
  const downloads = path.join(r.storeDir, 'downloads');
  await fs.mkdir(libDir, { recursive: true });
  await fs.mkdir(downloads, { recursive: true });
  let m = readCudaStoreManifest(r.storeDir) ?? emptyManifest();
  const fetched: string[] = [];
  const alreadyInStore: string[] = [];
  let downloadedBytes = 0;
  let resumedBytes = 0;
  for (const [i, pin] of pins.entries()) {
    if (await inStore(m, pin, libDir)) {
      alreadyInStore.push(pin.name);
      continue;
    }
    const step = `(${i + 1} of ${pins.length})`;
    r.progress({ message: `Looking up ${pin.name} ${pin.version} ${step}` });
    const wheel = await resolvePypiWheel(r.feedUrl, pin.name, pin.version, r.http, r.signal);
    const file = path.join(downloads, path.basename(wheel.filename));
    const message = `Downloading ${pin.name} ${pin.version} (${pin.role}) ${step}`;
    // A wheel verified before an interruption while unpacking is not fetched again.
    if (await verifiedAlready(file, wheel)) {
      r.log(`cuda libraries: ${wheel.filename} is already downloaded and matches the index; unpacking it`);
      r.progress({ message, bytes: wheel.size, total: wheel.size });
    } else {
      r.log(`cuda libraries: downloading ${wheel.url} (${wheel.size} bytes) into ${downloads}`);
      const got = await download(r, wheel, file, message);
      downloadedBytes += got.downloadedBytes;
      resumedBytes += got.resumedBytes;
    }
    r.progress({ message: `Unpacking ${pin.name} ${step}` });
    const files = await unpack(file, wheel, pin, libDir, r.signal);
    m = await record(r.storeDir, libDir, m, pin, wheel, files);
    await fs.rm(file, { force: true });
    fetched.push(pin.name);
  }
  m = { ...m, complete: true, updatedAt: new Date().toISOString() };
  await writeManifest(r.storeDir, m);
  await fs.rm(downloads, { recursive: true, force: true });
  return {
    storeDir: r.storeDir,
    libDir,
    fetched,
    alreadyInStore,
    files: m.files.map((f) => f.name).sort(),
    downloadedBytes,
    resumedBytes,
  };
}

/** The wheel into `file`, resumable; strict: a size or sha256 other than the index's deletes it and fails. */
function download(r: CudaFetchRun, wheel: PypiWheel, file: string, message: string) {
  return downloadFile({
    url: wheel.url,
    dest: file,
    pin: { name: wheel.filename, size: wheel.size, sha256: wheel.sha256 },
    strict: true,
    http: r.http,
    retry: r.retry,
    signal: r.signal,
    onBytes: (bytes, total) => r.progress({ message, bytes, total: total ?? wheel.size }),
    log: r.log,
  });
}

async function verifiedAlready(file: string, wheel: PypiWheel): Promise<boolean> {
  const size = await fs.stat(file).then(
    (st) => st.size,
    () => -1,
  );
  if (size < 0) return false;
  if (size === wheel.size && (await hashFile(file, 'sha256')) === wheel.sha256) return true;
  await fs.rm(file, { force: true });
  return false;
}

/** The wheel's libraries named by the pin, each checked (size, CRC) on the way into lib/. */
async function unpack(
  wheelFile: string,
  wheel: PypiWheel,
  pin: CudaRedistPackage,
  libDir: string,
  signal: AbortSignal,
): Promise<CudaStoreFile[]> {
  const prefix = `nvidia/${pin.folder}/lib/`;
  const entries = (await readZipEntries(wheelFile)).filter(
    (e: ZipEntry) => e.name.startsWith(prefix) && pin.take.test(e.name.slice(prefix.length)),
  );
  const names = entries.map((e) => e.name.slice(prefix.length));
  const lacking = pin.required.filter((n) => !names.includes(n));
  if (lacking.length) {
    await fs.rm(wheelFile, { force: true });
    throw new SenseVoiceError(
      ErrorCode.GpuPackageInvalid,
      `${wheel.filename} has no ${lacking.map((n) => prefix + n).join(', ')}, which NVIDIA's ${pin.name} carries. The file was deleted; check that the index serves NVIDIA's own package.`,
      { url: wheel.url },
    );
  }
  const out: CudaStoreFile[] = [];
  for (const e of entries) {
    const name = e.name.slice(prefix.length);
    const sha256 = await extractZipEntry(wheelFile, e, path.join(libDir, name), signal);
    out.push({ name, size: e.size, sha256 });
  }
  return out;
}

/** The manifest with this package (in place of an older version of it, whose files go). */
async function record(
  storeDir: string,
  libDir: string,
  m: CudaStoreManifest,
  pin: CudaRedistPackage,
  wheel: PypiWheel,
  files: CudaStoreFile[],
): Promise<CudaStoreManifest> {
  const names = new Set(files.map((f) => f.name));
  const old = m.packages.find((p) => p.name === pin.name);
  for (const n of old?.files ?? []) if (!names.has(n)) await fs.rm(path.join(libDir, n), { force: true });
  const entry: CudaStorePackage = {
    name: pin.name,
    version: pin.version,
    filename: wheel.filename,
    url: wheel.url,
    sha256: wheel.sha256,
    size: wheel.size,
    files: [...names].sort(),
  };
  const next: CudaStoreManifest = {
    schema: 1,
    complete: false,
    packages: [...m.packages.filter((p) => p.name !== pin.name), entry],
    files: [...m.files.filter((f) => !names.has(f.name) && !old?.files.includes(f.name)), ...files],
    updatedAt: new Date().toISOString(),
  };
  await writeManifest(storeDir, next);
  return next;
}

async function writeManifest(storeDir: string, m: CudaStoreManifest): Promise<void> {
  await atomicWrite(path.join(storeDir, CUDA_STORE_MANIFEST), JSON.stringify(m, null, 2) + '\n', {
    overwrite: true,
  });
}
