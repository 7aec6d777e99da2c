// The layout of the per-user store of NVIDIA's CUDA libraries (`gpu setup --cuda-libraries` fills
// it), and the one thing clients do with it: start the daemon with its lib folder first on
// LD_LIBRARY_PATH. The dynamic loader reads that variable once, when a process starts, so the
// daemon cannot add it to itself: whoever spawns the daemon must. Only a complete store counts (its
// manifest says so, and every file it lists is there at its size), so a half-finished download
// never puts a folder of partial libraries in front of the system's own.
import fs from 'node:fs';
import path from 'node:path';
import { gpuCacheDir } from './gpuCacheDir';

/** The store's folder inside the GPU cache. */
export const CUDA_STORE_FOLDER = 'nvidia-cuda12';
/** Inside it: the libraries, flat (their sonames differ), the folder the loader is pointed at. */
export const CUDA_STORE_LIB = 'lib';
export const CUDA_STORE_MANIFEST = 'manifest.json';

/** One library in the store, as it was unpacked and hashed. */
export interface CudaStoreFile {
  name: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

/** One wheel the store holds the libraries of. */
export interface CudaStorePackage {
  name: string;
  version: string;
  /** The wheel's file name and URL, and the sha256 and size its index published (and the bytes matched). */
  filename: string;
  url: string;
  sha256: string;
  size: number;
  /** The libraries taken from it (names in lib/). */
  files: string[];
}

/** manifest.json of the store. */
export interface CudaStoreManifest {
  schema: 1;
  /** Every pinned package is in: the store may go on the library path. */
  complete: boolean;
  packages: CudaStorePackage[];
  files: CudaStoreFile[];
  updatedAt: string;
}

export function cudaStoreDir(cacheDir: string): string {
  return path.join(cacheDir, CUDA_STORE_FOLDER);
}

/** The manifest as written, or null (absent, unreadable, another schema). */
export function readCudaStoreManifest(storeDir: string): CudaStoreManifest | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(storeDir, CUDA_STORE_MANIFEST), 'utf8')) as CudaStoreManifest;
    return m.schema === 1 && Array.isArray(m.files) && Array.isArray(m.packages) ? m : null;
  } catch {
    return null;
  }
}

/** The store's lib folder when the store is complete and intact; null otherwise. */
export function completeCudaStoreLibDir(storeDir: string): string | null {
  const m = readCudaStoreManifest(storeDir);
  if (!m?.complete || m.files.length === 0) return null;
  const lib = path.join(storeDir, CUDA_STORE_LIB);
  for (const f of m.files) {
    const size = fs.statSync(path.join(lib, f.name), { throwIfNoEntry: false })?.size;
    if (size !== f.size) return null;
  }
  return lib;
}

/**
 * The environment to start the daemon with: the store's lib folder first on LD_LIBRARY_PATH when
 * the store is complete (Linux only; elsewhere, or without a store, the environment as given).
 */
export function withCudaLibraryPath(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): NodeJS.ProcessEnv {
  if (platform !== 'linux') return env;
  const lib = completeCudaStoreLibDir(cudaStoreDir(gpuCacheDir({ env, platform })));
  if (!lib) return env;
  const rest = (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '' && d !== lib);
  return { ...env, LD_LIBRARY_PATH: [lib, ...rest].join(':') };
}
