// The protocol side of GPU setup: `gpu/setupPlan`, `gpu/setup`, `gpu/remove`, and the quiet
// re-placement at daemon start. The order is the promise made to the user: the platform, then the
// driver (nothing is downloaded for a machine that cannot use it), then the feed's size and hash,
// then a resumable download into the per-user cache, the SHA-512 check, the unpacking, the placing.
// `gpu/setupCudaLibraries` follows the same order for NVIDIA's wheels (cudaLibraryFetch.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { cudaStoreDir } from '../../common/gpuSetup/cudaLibraryStore';
import {
  type CudaLibrariesSetupResult,
  ErrorCode,
  SenseVoiceError,
  type GpuRemoveResult,
  type GpuSetupPlan,
  type GpuSetupResult,
  type NvidiaInfo,
  type ProgressParams,
} from '../../common/protocol';
import { findBinDir, onnxRuntimePackageDir } from '../diagnostics/onnxRuntimeFacts';
import { queryNvidiaSmi } from '../diagnostics/nvidiaSmi';
import { DEFAULT_RETRY, downloadFile, partPaths, removePart, type RetryPolicy } from '../modelStore/fileDownload';
import type { HttpOptions } from '../modelStore/httpClient';
import { acquireLock } from '../modelStore/storeLock';
import { optionalBoolean, optionalString, paramObject } from '../rpc/params';
import { DAEMON_VERSION } from '../version';
import {
  gpuCacheDir,
  hashFile,
  readCachedVersion,
  versionDir,
  writeManifest,
  type CacheManifest,
  type CachedFile,
} from './gpuLibraryCache';
import {
  bundledOrtVersion,
  GPU_PACKAGE_ID,
  LICENCE,
  PATH_IN_PACKAGE,
  platformNote,
  PREREQUISITES,
  PROVIDER_FILES,
  setupSupported,
} from './gpuPackage';
import { NUGET_ORG_FEED, resolveNugetPackage, type NugetPackage } from './nugetFeed';
import { fetchCudaLibraries, planCudaLibraries } from './cudaLibraryFetch';
import { PYPI_FEED, type CudaRedistPackage } from './cudaRedist';
import { isPlaced, placeLibraries, removePlaced } from './placement';
import { extractZipEntry, readZipEntries } from './zipReader';

export interface GpuSetupOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
  /** onnxruntime-node's package folder; require.resolve's answer by default (the runtime this daemon loads). */
  packageDir?: string | null;
  /** The folder providers are placed in; found under packageDir by default (tests give a copy). */
  binDir?: string | null;
  /** The per-user cache; SENSEVOICE_GPU_CACHE or the data folder by default. */
  cacheDir?: string;
  /** The feed when a request names none; nuget.org by default. */
  feedUrl?: string;
  /** PyPI's JSON API (or a mirror) when a request names none; https://pypi.org/pypi by default. */
  pypiFeedUrl?: string;
  /** NVIDIA's wheels to fetch; cudaRedist.ts's pins by default (tests give small stand-ins). */
  cudaPackages?: readonly CudaRedistPackage[];
  http?: Partial<HttpOptions>;
  retry?: RetryPolicy;
  progressIntervalMs?: number;
  /** Seam: what nvidia-smi says (tests put a fake on PATH instead, where they can). */
  nvidia?: () => Promise<NvidiaInfo>;
}

export interface SetupRunner {
  /** Runs the work with a signal that `$/cancel` for the token aborts. */
  run: <T>(token: string | undefined, work: (signal: AbortSignal) => Promise<T>) => Promise<T>;
  progress: (p: ProgressParams) => void;
}

export class GpuSetupService {
  constructor(
    private readonly options: GpuSetupOptions,
    private readonly log: (message: string) => void,
  ) {}

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }
  private get platform(): NodeJS.Platform {
    return this.options.platform ?? process.platform;
  }
  private get arch(): string {
    return this.options.arch ?? process.arch;
  }
  private packageDir(): string | null {
    return this.options.packageDir !== undefined ? this.options.packageDir : onnxRuntimePackageDir();
  }
  binDir(): string | null {
    if (this.options.binDir !== undefined) return this.options.binDir;
    const pkg = this.packageDir();
    return pkg ? findBinDir(pkg, this.platform, this.arch) : null;
  }
  cacheDir(): string {
    return this.options.cacheDir ?? gpuCacheDir({ env: this.env, platform: this.platform });
  }
  private version(): string {
    const v = bundledOrtVersion(this.packageDir());
    if (!v)
      throw new SenseVoiceError(
        ErrorCode.ProviderUnavailable,
        'onnxruntime-node is not installed beside SenseVoice, so there is no runtime to set up the GPU for. Reinstall the extension (or run npm ci in a checkout).',
      );
    return v;
  }
  private http(): HttpOptions {
    return {
      env: this.env,
      idleTimeoutMs: 30_000,
      maxRedirects: 10,
      userAgent: `sensevoice/${DAEMON_VERSION} (node ${process.version}; ${process.platform})`,
      ...this.options.http,
    };
  }
  private feed(requested: string | undefined): string {
    return httpUrl(
      requested?.trim() || this.options.feedUrl || NUGET_ORG_FEED,
      `a NuGet v3 service index (like ${NUGET_ORG_FEED})`,
    );
  }
  private pypiFeed(requested: string | undefined): string {
    return httpUrl(
      requested?.trim() || this.options.pypiFeedUrl || PYPI_FEED,
      `PyPI's JSON API or a mirror of it (like ${PYPI_FEED})`,
    );
  }
  cudaStoreDir(): string {
    return cudaStoreDir(this.cacheDir());
  }
  private driver(): Promise<NvidiaInfo> {
    return this.options.nvidia
      ? this.options.nvidia()
      : queryNvidiaSmi({ pathEnv: this.env.PATH, platform: this.platform });
  }

  /** `gpu/setupPlan`: what setup would fetch and whether this machine can use it. Downloads nothing large. */
  async plan(raw: unknown): Promise<GpuSetupPlan> {
    const p = raw === undefined || raw === null ? {} : paramObject(raw, 'gpu/setupPlan');
    const feedUrl = this.feed(optionalString(p, 'feedUrl', 'gpu/setupPlan'));
    const withCuda = optionalBoolean(p, 'cudaLibraries', 'gpu/setupPlan') ?? false;
    const pypiFeedUrl = this.pypiFeed(optionalString(p, 'pypiFeedUrl', 'gpu/setupPlan'));
    const supported = setupSupported(this.platform, this.arch);
    // Where setup can run, a missing runtime is an error; elsewhere the plan only carries the note.
    const version = supported ? this.version() : (bundledOrtVersion(this.packageDir()) ?? 'unknown');
    const binDir = this.binDir();
    const cacheDir = this.cacheDir();
    const driver = await this.driver();
    const base: GpuSetupPlan = {
      supported,
      packageId: GPU_PACKAGE_ID,
      version,
      feedUrl,
      licence: LICENCE,
      prerequisites: [...PREREQUISITES],
      driver,
      binDir,
      cacheDir,
      cached: false,
      placed: false,
      files: [...PROVIDER_FILES],
    };
    if (!base.supported) return { ...base, platformNote: platformNote(this.platform, this.arch) };
    const cached = await readCachedVersion(versionDir(cacheDir, version));
    const plan: GpuSetupPlan = {
      ...base,
      cached: cached !== null,
      placed: cached !== null && binDir !== null && isPlaced(binDir, cached),
    };
    const blocker = driverBlocker(driver);
    if (blocker) return { ...plan, blocker: { code: blocker.code, message: blocker.message } };
    const ac = new AbortController();
    const cudaLibraries = withCuda
      ? {
          cudaLibraries: await planCudaLibraries({
            feedUrl: pypiFeedUrl,
            storeDir: this.cudaStoreDir(),
            http: this.http(),
            signal: ac.signal,
            ...(this.options.cudaPackages ? { packages: this.options.cudaPackages } : {}),
          }),
        }
      : {};
    if (cached) return { ...plan, ...cudaLibraries };
    const pkg = await resolveNugetPackage(feedUrl, GPU_PACKAGE_ID, version, this.http(), ac.signal);
    return {
      ...plan,
      packageUrl: pkg.packageUrl,
      ...(pkg.packageSize ? { sizeBytes: pkg.packageSize } : {}),
      ...cudaLibraries,
    };
  }

  /** `gpu/setup`: download (or take from the cache), verify, unpack and place the provider libraries. */
  async setup(raw: unknown, runner: SetupRunner): Promise<GpuSetupResult> {
    const m = 'gpu/setup';
    const p = raw === undefined || raw === null ? {} : paramObject(raw, m);
    const feedUrl = this.feed(optionalString(p, 'feedUrl', m));
    const overwrite = optionalBoolean(p, 'overwrite', m) ?? false;
    const token = optionalString(p, 'token', m);
    if (!setupSupported(this.platform, this.arch))
      throw new SenseVoiceError(ErrorCode.GpuSetupUnsupported, platformNote(this.platform, this.arch));
    const version = this.version();
    const binDir = this.binDir();
    if (!binDir)
      throw new SenseVoiceError(
        ErrorCode.ProviderUnavailable,
        `onnxruntime-node ${version} has no native folder for ${this.platform}-${this.arch}. Reinstall the extension.`,
      );
    const blocker = driverBlocker(await this.driver());
    if (blocker) throw blocker;

    const cacheDir = this.cacheDir();
    const dir = versionDir(cacheDir, version);
    await fs.mkdir(dir, { recursive: true });
    const progress = this.progressReporter(token, runner);
    return runner.run(token, async (signal) => {
      const release = await acquireLock(path.join(dir, 'setup.lock'), `the GPU libraries ${version}`);
      try {
        let manifest = await readCachedVersion(dir);
        let fetched: Omit<GpuSetupResult, 'version' | 'binDir' | 'cacheDir' | 'placed' | 'alreadyPlaced'> = {
          fromCache: true,
          downloadedBytes: 0,
          resumedBytes: 0,
        };
        if (manifest) this.log(`gpu setup: ${GPU_PACKAGE_ID} ${version} is in the cache ${dir}; not downloading`);
        else {
          const got = await this.fetchIntoCache(feedUrl, version, dir, signal, progress);
          manifest = got.manifest;
          fetched = got.result;
        }
        progress({ message: `Placing the CUDA provider libraries in ${binDir}` });
        const placed = await placeLibraries(dir, manifest, binDir, overwrite);
        this.log(
          `gpu setup: placed ${placed.placed.join(', ') || 'nothing new'}${placed.alreadyPlaced.length ? ` (already there: ${placed.alreadyPlaced.join(', ')})` : ''} in ${binDir}`,
        );
        return { version, binDir, cacheDir: dir, ...placed, ...fetched };
      } finally {
        await release();
      }
    });
  }

  /** `gpu/setupCudaLibraries`: NVIDIA's CUDA 12 / cuDNN 9 wheels into the per-user store. */
  async setupCudaLibraries(raw: unknown, runner: SetupRunner): Promise<CudaLibrariesSetupResult> {
    const m = 'gpu/setupCudaLibraries';
    const p = raw === undefined || raw === null ? {} : paramObject(raw, m);
    const feedUrl = this.pypiFeed(optionalString(p, 'pypiFeedUrl', m));
    const token = optionalString(p, 'token', m);
    if (!setupSupported(this.platform, this.arch))
      throw new SenseVoiceError(ErrorCode.GpuSetupUnsupported, platformNote(this.platform, this.arch));
    const blocker = driverBlocker(await this.driver());
    if (blocker) throw blocker;
    const storeDir = this.cudaStoreDir();
    await fs.mkdir(storeDir, { recursive: true });
    const progress = this.progressReporter(token, runner);
    return runner.run(token, async (signal) => {
      const release = await acquireLock(path.join(storeDir, 'setup.lock'), "NVIDIA's CUDA libraries");
      try {
        const r = await fetchCudaLibraries({
          feedUrl,
          storeDir,
          http: this.http(),
          signal,
          retry: this.options.retry ?? DEFAULT_RETRY,
          progress,
          log: this.log,
          ...(this.options.cudaPackages ? { packages: this.options.cudaPackages } : {}),
        });
        this.log(
          `cuda libraries: ${r.fetched.length ? `fetched ${r.fetched.join(', ')}` : 'all in the store already'}; ${r.files.length} libraries in ${r.libDir}`,
        );
        return r;
      } finally {
        await release();
      }
    });
  }

  private async fetchIntoCache(
    feedUrl: string,
    version: string,
    dir: string,
    signal: AbortSignal,
    progress: (p: Omit<ProgressParams, 'token'>) => void,
  ): Promise<{
    manifest: CacheManifest;
    result: Omit<GpuSetupResult, 'version' | 'binDir' | 'cacheDir' | 'placed' | 'alreadyPlaced'>;
  }> {
    progress({ message: `Looking up ${GPU_PACKAGE_ID} ${version} on ${feedUrl}` });
    const http = this.http();
    const pkg = await resolveNugetPackage(feedUrl, GPU_PACKAGE_ID, version, http, signal);
    const algorithm = hashAlgorithm(pkg);
    const nupkg = path.join(dir, path.basename(new URL(pkg.packageUrl).pathname));
    this.log(`gpu setup: downloading ${pkg.packageUrl} (${pkg.packageSize ?? '?'} bytes) into ${dir}`);
    const message = `Downloading ${GPU_PACKAGE_ID} ${version}`;
    const got = await downloadFile({
      url: pkg.packageUrl,
      dest: nupkg,
      strict: false,
      http,
      retry: this.options.retry ?? DEFAULT_RETRY,
      signal,
      onBytes: (bytes, total) =>
        progress({ message, bytes, ...((total ?? pkg.packageSize) ? { total: total ?? pkg.packageSize } : {}) }),
      log: this.log,
    });
    progress({ message: `Checking ${path.basename(nupkg)} against the feed's ${pkg.packageHashAlgorithm} hash` });
    const digest = await hashFile(nupkg, algorithm, 'base64');
    const sizeOk = pkg.packageSize === undefined || pkg.packageSize === got.size;
    if (digest !== pkg.packageHash || !sizeOk) {
      await fs.rm(nupkg, { force: true });
      await removePart(partPaths(nupkg).part, partPaths(nupkg).meta);
      throw new SenseVoiceError(
        ErrorCode.ChecksumMismatch,
        `${path.basename(nupkg)} from ${pkg.packageUrl} has ${got.size} bytes with ${pkg.packageHashAlgorithm} ${digest}; the feed publishes ${pkg.packageSize ?? '?'} bytes with ${pkg.packageHash}. The file was deleted; run the setup again, and if it fails the same way, the feed or a proxy is serving a different file.`,
        { url: pkg.packageUrl, expected: pkg.packageHash, actual: digest },
      );
    }
    progress({ message: 'Unpacking the CUDA provider libraries' });
    const files = await this.unpack(nupkg, dir, signal);
    const manifest: CacheManifest = {
      schema: 1,
      packageId: pkg.id,
      version,
      packageUrl: pkg.packageUrl,
      packageHash: pkg.packageHash,
      packageHashAlgorithm: pkg.packageHashAlgorithm,
      files,
      createdAt: new Date().toISOString(),
    };
    await writeManifest(dir, manifest);
    // The libraries are what is kept: the package (mostly the same bytes, compressed) is not.
    await fs.rm(nupkg, { force: true });
    return {
      manifest,
      result: {
        fromCache: false,
        downloadedBytes: got.downloadedBytes,
        resumedBytes: got.resumedBytes,
        sha512: digest,
      },
    };
  }

  private async unpack(nupkg: string, dir: string, signal: AbortSignal): Promise<CachedFile[]> {
    const entries = await readZipEntries(nupkg);
    const files: CachedFile[] = [];
    for (const name of PROVIDER_FILES) {
      const entry = entries.find((e) => e.name === PATH_IN_PACKAGE + name);
      if (!entry) {
        await fs.rm(nupkg, { force: true });
        throw new SenseVoiceError(
          ErrorCode.GpuPackageInvalid,
          `${path.basename(nupkg)} has no ${PATH_IN_PACKAGE}${name}, which onnxruntime-node's installer takes from it. The package was deleted; check that the feed serves the official ${GPU_PACKAGE_ID}.`,
        );
      }
      const dest = path.join(dir, name);
      files.push({ name, size: entry.size, sha256: await extractZipEntry(nupkg, entry, dest, signal) });
    }
    return files;
  }

  /** `gpu/remove`: the placed libraries (only those setup placed) and the whole per-user cache. */
  async remove(): Promise<GpuRemoveResult> {
    // Not under a setup that is downloading into the cache: Busy, like a second setup.
    const version = bundledOrtVersion(this.packageDir());
    const dir = version ? versionDir(this.cacheDir(), version) : null;
    const lock = (file: string, what: string) =>
      acquireLock(file, what).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // nothing cached
        throw err;
      });
    const release = dir ? await lock(path.join(dir, 'setup.lock'), `the GPU libraries ${version}`) : null;
    try {
      const releaseStore = await lock(path.join(this.cudaStoreDir(), 'setup.lock'), "NVIDIA's CUDA libraries");
      try {
        return await this.removeUnlocked();
      } finally {
        await releaseStore?.().catch(() => undefined);
      }
    } finally {
      await release?.().catch(() => undefined);
    }
  }

  private async removeUnlocked(): Promise<GpuRemoveResult> {
    const binDir = this.binDir();
    const { removed, kept } = binDir ? await removePlaced(binDir) : { removed: [], kept: [] };
    const cacheDir = this.cacheDir();
    const cudaLibrariesRemoved = await fs.stat(this.cudaStoreDir()).then(
      () => true,
      () => false,
    );
    let cacheRemoved = false;
    try {
      await fs.access(cacheDir);
      await fs.rm(cacheDir, { recursive: true, force: true });
      cacheRemoved = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.log(
      `gpu remove: removed ${removed.join(', ') || 'nothing'} from ${binDir}; cache ${cacheDir} ${cacheRemoved ? 'removed' : 'was absent'}`,
    );
    return {
      binDir,
      removed,
      kept,
      cacheDir,
      cacheRemoved,
      cudaLibrariesRemoved: cudaLibrariesRemoved && cacheRemoved,
    };
  }

  /**
   * At daemon start: a cached version whose libraries are missing from the bin folder (an extension
   * update brought a fresh one) is placed again, without downloading. Never throws; says what it did.
   */
  async restoreFromCache(): Promise<'restored' | 'placed' | 'nothing' | 'failed'> {
    try {
      if (!setupSupported(this.platform, this.arch)) return 'nothing';
      const version = bundledOrtVersion(this.packageDir());
      const binDir = this.binDir();
      if (!version || !binDir) return 'nothing';
      const dir = versionDir(this.cacheDir(), version);
      const manifest = await readCachedVersion(dir);
      if (!manifest) return 'nothing';
      if (isPlaced(binDir, manifest)) return 'placed';
      const r = await placeLibraries(dir, manifest, binDir, false);
      this.log(`gpu libraries: placed ${r.placed.join(', ')} in ${binDir} again from the cache ${dir}`);
      return 'restored';
    } catch (err) {
      this.log(
        `gpu libraries: could not place them from the cache: ${err instanceof Error ? err.message : String(err)}`,
      );
      return 'failed';
    }
  }

  private progressReporter(token: string | undefined, runner: SetupRunner): (p: Omit<ProgressParams, 'token'>) => void {
    const interval = this.options.progressIntervalMs ?? 250;
    let last = { at: 0, message: '' };
    return (p) => {
      if (!token) return;
      const now = Date.now();
      if (p.message === last.message && now - last.at < interval && p.bytes !== p.total) return;
      last = { at: now, message: p.message ?? '' };
      runner.progress({
        token,
        ...p,
        ...(p.bytes !== undefined && p.total ? { fraction: Math.min(1, p.bytes / p.total) } : {}),
      });
    };
  }
}

/** The driver check's verdict: null when the CUDA 12 provider can run on this driver. */
export function driverBlocker(n: NvidiaInfo): SenseVoiceError | null {
  const install =
    "Install NVIDIA's driver (Ubuntu: sudo ubuntu-drivers install; other distributions: their nvidia-driver package, 550 or newer), reboot, and check that nvidia-smi lists the GPU.";
  if (n.status === 'not-found')
    return new SenseVoiceError(
      ErrorCode.NvidiaDriverMissing,
      `nvidia-smi was not found, so no NVIDIA driver is installed (or it is not on PATH): the CUDA provider cannot run here and nothing was downloaded. ${install} Without an NVIDIA GPU, WebGPU (bundled) may use another GPU: set sensevoice.provider to "webgpu".`,
    );
  if (n.status !== 'ok')
    return new SenseVoiceError(
      ErrorCode.NvidiaDriverMissing,
      `The NVIDIA driver does not answer (${n.status}${n.error ? `: ${n.error}` : ''}): the CUDA provider cannot run until it does, so nothing was downloaded. ${install}`,
    );
  if (n.driverOk === false)
    return new SenseVoiceError(
      ErrorCode.NvidiaDriverTooOld,
      `The NVIDIA driver ${n.driverVersion} is too old for CUDA 12, which needs ${n.minDriverVersion} or newer; nothing was downloaded. Update the driver (Ubuntu: sudo ubuntu-drivers install, or sudo apt install nvidia-driver-550), reboot, and run the setup again.`,
      { driverVersion: n.driverVersion, minDriverVersion: n.minDriverVersion },
    );
  return null;
}

function httpUrl(url: string, what: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new SenseVoiceError(ErrorCode.InvalidParams, `The package feed "${url}" is not an http(s) URL of ${what}.`);
  }
  return url;
}

function hashAlgorithm(pkg: NugetPackage): 'sha512' | 'sha256' {
  const a = pkg.packageHashAlgorithm.toLowerCase().replace('-', '');
  if (a === 'sha512' || a === 'sha256') return a;
  throw new SenseVoiceError(
    ErrorCode.GpuPackageInvalid,
    `The feed publishes ${pkg.id}'s hash as ${pkg.packageHashAlgorithm}, which SenseVoice cannot check (SHA512 or SHA256).`,
  );
}
