// Finds the CUDA-stack libraries the CUDA provider loads (runtime, cuBLAS, cuDNN, cuFFT, cuRAND) and
// the versions their file names carry (libcudart.so.12.4.127, libcudnn.so.9.1.0, cudnn64_9.dll).
// "On the loader path" means the dynamic loader finds it with no help: LD_LIBRARY_PATH, the ldconfig
// cache, or beside onnxruntime-node's own binary; a CUDA toolkit folder alone is not enough.
// SenseVoice's own store of NVIDIA's libraries (`gpu setup --cuda-libraries`) is named as such: on
// the loader path when the daemon was started with it on LD_LIBRARY_PATH (clients do that), off it
// when the daemon is older than the store (a restart fixes that).
import fs from 'node:fs';
import path from 'node:path';
import type { CudaLibrary, CudaLibraryScan, CudaRequirement } from '../../common/protocol';
import { findOnPath } from '../ffmpeg/resolveFfmpeg';
import { runCommand } from './nvidiaSmi';

/** What the CUDA 12 build of onnxruntime's CUDA provider links against, by major version. */
export const CUDA12_REQUIREMENTS: readonly { name: string; major: number }[] = [
  { name: 'cudart', major: 12 },
  { name: 'cublas', major: 12 },
  { name: 'cublasLt', major: 12 },
  { name: 'cudnn', major: 9 },
  { name: 'cufft', major: 11 },
  { name: 'curand', major: 10 },
];

const LINUX_NAME = /^lib(cudart|cudnn|cublasLt|cublas|cufft|curand|nvinfer)\.so(?:\.(\d+(?:\.\d+)*))?$/;
const WINDOWS_NAME = /^(cudart|cudnn|cublasLt|cublas|cufft|curand|nvinfer)(?:64)?_(\d+)(?:_\d+)?\.dll$/i;

export interface LibraryScanOptions {
  platform?: NodeJS.Platform;
  /** LD_LIBRARY_PATH (Linux) or PATH (Windows). */
  libraryPathEnv: string | undefined;
  /** onnxruntime-node's binary folder, where its provider libraries sit. */
  ortBinDir: string | null;
  /** CUDA toolkit library folders; /usr/local/cuda*\/lib64 by default (CUDA_PATH\\bin on Windows). */
  toolkitDirs?: string[];
  /** `ldconfig -p` output; read from the system by default (Linux). */
  ldconfigOutput?: string | null;
  /** The lib folder of SenseVoice's complete CUDA library store, if there is one (Linux). */
  storeLibDir?: string | null;
}

/** The source of a library found in SenseVoice's CUDA library store. */
export const STORE_SOURCE = 'sensevoice-cuda-store';

/** The library a file name is, and its version, or null for other files. */
export function parseLibraryName(
  file: string,
  platform: NodeJS.Platform = process.platform,
): { name: string; version: string | null; major: number | null } | null {
  const m = (platform === 'win32' ? WINDOWS_NAME : LINUX_NAME).exec(file);
  if (!m) return null;
  const name = platform === 'win32' ? canonical(m[1] as string) : (m[1] as string);
  const version = m[2] ?? null;
  return { name, version, major: version ? Number(version.split('.')[0]) : null };
}

function canonical(name: string): string {
  const lower = name.toLowerCase();
  return lower === 'cublaslt' ? 'cublasLt' : lower;
}

export async function scanCudaLibraries(options: LibraryScanOptions): Promise<CudaLibraryScan> {
  const platform = options.platform ?? process.platform;
  const searched: { dir: string; source: string }[] = [];
  const found: CudaLibrary[] = [];
  const seen = new Set<string>();
  const sep = platform === 'win32' ? ';' : ':';

  const add = (file: string, source: string, onLoaderPath: boolean) => {
    const parsed = parseLibraryName(path.basename(file), platform);
    if (!parsed) return;
    // Follow symlinks so libcudnn.so -> libcudnn.so.9 -> libcudnn.so.9.1.0 is one library with its
    // full version; a dangling link is kept under its own name.
    let real = file;
    try {
      real = fs.realpathSync(file);
    } catch {
      // keep the name as given
    }
    const key = real;
    if (seen.has(key)) return;
    seen.add(key);
    const fromReal = parseLibraryName(path.basename(real), platform);
    const best =
      fromReal && fromReal.name === parsed.name && (fromReal.version?.length ?? 0) > (parsed.version?.length ?? 0)
        ? fromReal
        : parsed;
    found.push({ name: parsed.name, file: real, version: best.version, major: best.major, source, onLoaderPath });
  };
  const scanDir = (dir: string, source: string, onLoaderPath: boolean) => {
    if (!dir || searched.some((s) => s.dir === dir && s.source === source)) return;
    searched.push({ dir, source });
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names.sort()) if (parseLibraryName(n, platform)) add(path.join(dir, n), source, onLoaderPath);
  };

  if (platform === 'win32') {
    for (const d of (options.libraryPathEnv ?? '').split(sep)) scanDir(d, 'PATH', true);
    if (options.ortBinDir) scanDir(options.ortBinDir, 'onnxruntime-node', true);
    for (const d of options.toolkitDirs ?? (process.env.CUDA_PATH ? [path.join(process.env.CUDA_PATH, 'bin')] : []))
      scanDir(d, 'cuda-toolkit', false);
  } else if (platform === 'linux') {
    const store = options.storeLibDir ? path.resolve(options.storeLibDir) : null;
    for (const d of (options.libraryPathEnv ?? '').split(sep))
      scanDir(d, store && d && path.resolve(d) === store ? STORE_SOURCE : 'LD_LIBRARY_PATH', true);
    if (options.ortBinDir) scanDir(options.ortBinDir, 'onnxruntime-node', true);
    // Not on LD_LIBRARY_PATH: this daemon was started before the store was filled.
    if (store) scanDir(store, STORE_SOURCE, false);
    const ldconfig = options.ldconfigOutput !== undefined ? options.ldconfigOutput : await readLdconfig();
    if (ldconfig !== null) {
      searched.push({ dir: 'ldconfig -p', source: 'ldconfig' });
      for (const entry of parseLdconfig(ldconfig)) add(entry, 'ldconfig', true);
    }
    for (const d of options.toolkitDirs ?? defaultToolkitDirs()) scanDir(d, 'cuda-toolkit', false);
  }

  const requirements =
    platform === 'linux' || platform === 'win32' ? CUDA12_REQUIREMENTS.map((r) => judge(r, found, platform)) : [];
  return {
    searched: searched.map((s) => (s.source === 'ldconfig' ? s.dir : `${s.dir} (${s.source})`)),
    found,
    requirements,
    missing: requirements.filter((r) => r.status !== 'ok').map((r) => r.soname),
  };
}

function judge(req: { name: string; major: number }, found: CudaLibrary[], platform: NodeJS.Platform): CudaRequirement {
  const soname = platform === 'win32' ? `${req.name}64_${req.major}.dll` : `lib${req.name}.so.${req.major}`;
  const mine = found.filter((f) => f.name === req.name);
  const describe = (f: CudaLibrary) =>
    `${f.version ?? 'unversioned'} at ${f.file}${f.onLoaderPath ? '' : ' (not on the loader path)'}`;
  const right = mine.filter((f) => f.major === req.major);
  const status: CudaRequirement['status'] = right.some((f) => f.onLoaderPath)
    ? 'ok'
    : right.length > 0
      ? 'off-loader-path'
      : mine.length > 0
        ? 'wrong-version'
        : 'missing';
  return { library: req.name, soname, needMajor: req.major, status, found: mine.map(describe) };
}

/** Library paths from `ldconfig -p` ("\tlibcudnn.so.9 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.9"). */
export function parseLdconfig(output: string): string[] {
  const out: string[] = [];
  for (const line of output.split('\n')) {
    const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S.*)$/.exec(line);
    if (m && parseLibraryName(m[1] as string, 'linux')) out.push((m[3] as string).trim());
  }
  return out;
}

async function readLdconfig(): Promise<string | null> {
  const bin =
    findOnPath('ldconfig', process.env.PATH, 'linux') ??
    ['/sbin/ldconfig', '/usr/sbin/ldconfig'].find((p) => fs.existsSync(p));
  if (!bin) return null;
  const r = await runCommand(bin, ['-p'], 5000);
  return r.code === 0 ? r.stdout : null;
}

function defaultToolkitDirs(): string[] {
  let names: string[];
  try {
    names = fs.readdirSync('/usr/local');
  } catch {
    return [];
  }
  return names
    .filter((n) => /^cuda(-[\d.]+)?$/.test(n))
    .sort()
    .map((n) => path.join('/usr/local', n, 'lib64'));
}
