// The per-user cache of the CUDA provider libraries, one folder per ONNX Runtime version: the
// download resumes here, the three libraries are unpacked here, and a manifest records their
// hashes. An extension update brings a fresh onnxruntime-node folder without them; the daemon then
// copies them from here at start, with no second download.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { atomicWrite } from '../../common/atomicWrite';

export { gpuCacheDir, type CacheLocationInput } from '../../common/gpuSetup/gpuCacheDir';

/** One unpacked library, as it was verified. */
export interface CachedFile {
  name: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

/** manifest.json of one cached version. */
export interface CacheManifest {
  schema: 1;
  packageId: string;
  version: string;
  packageUrl: string;
  /** The .nupkg's hash as the feed published it (base64) and the algorithm. */
  packageHash: string;
  packageHashAlgorithm: string;
  files: CachedFile[];
  createdAt: string;
}

/** The folder of one version inside the cache. */
export function versionDir(cacheDir: string, version: string): string {
  return path.join(cacheDir, `onnxruntime-gpu-${version}`);
}

const MANIFEST = 'manifest.json';

/** The manifest, when the version is cached completely (every file present at its recorded size). */
export async function readCachedVersion(dir: string): Promise<CacheManifest | null> {
  let m: CacheManifest;
  try {
    m = JSON.parse(await fs.readFile(path.join(dir, MANIFEST), 'utf8')) as CacheManifest;
  } catch {
    return null;
  }
  if (m.schema !== 1 || !Array.isArray(m.files) || m.files.length === 0) return null;
  for (const f of m.files) {
    const size = await fs.stat(path.join(dir, f.name)).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== f.size) return null;
  }
  return m;
}

export async function writeManifest(dir: string, m: CacheManifest): Promise<void> {
  await atomicWrite(path.join(dir, MANIFEST), JSON.stringify(m, null, 2) + '\n', { overwrite: true });
}

/** The digest of a file, streamed (a provider library is hundreds of MB). */
export async function hashFile(file: string, algorithm: 'sha256' | 'sha512', encoding: 'hex' | 'base64' = 'hex') {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest(encoding);
}
