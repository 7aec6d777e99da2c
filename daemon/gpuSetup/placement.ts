// Puts the cached provider libraries where the bundled runtime loads providers from (beside
// libonnxruntime.so.1 in onnxruntime-node's bin folder), and takes them out again. A note in that
// folder lists what was placed with its hashes, so removal deletes only those files, and a library
// there that setup did not place (an `npm rebuild` in a checkout, another version) is replaced only
// when the user says so.
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite } from '../../common/atomicWrite';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { hashFile, type CacheManifest, type CachedFile } from './gpuLibraryCache';
import { PROVIDER_FILES } from './gpuPackage';

/** The note setup leaves in the bin folder. */
export const PLACEMENT_NOTE = '.sensevoice-gpu.json';

interface PlacementNote {
  version: string;
  files: CachedFile[];
}

export interface PlaceResult {
  placed: string[];
  alreadyPlaced: string[];
}

function readNote(binDir: string): PlacementNote | null {
  try {
    const n = JSON.parse(fs.readFileSync(path.join(binDir, PLACEMENT_NOTE), 'utf8')) as PlacementNote;
    return Array.isArray(n.files) ? n : null;
  } catch {
    return null;
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

/** Every provider library of the manifest is in binDir (by name and size): a cheap check for daemon start. */
export function isPlaced(binDir: string, manifest: Pick<CacheManifest, 'files'>): boolean {
  return manifest.files.every((f) => sizeOf(path.join(binDir, f.name)) === f.size);
}

/** Copies the cached libraries into binDir (each through a temporary name, then renamed). */
export async function placeLibraries(
  cacheVersionDir: string,
  manifest: CacheManifest,
  binDir: string,
  overwrite: boolean,
): Promise<PlaceResult> {
  const note = readNote(binDir);
  const toCopy: CachedFile[] = [];
  const alreadyPlaced: string[] = [];
  const foreign: string[] = [];
  for (const f of manifest.files) {
    const dest = path.join(binDir, f.name);
    const size = sizeOf(dest);
    if (size < 0) {
      toCopy.push(f);
      continue;
    }
    const sha256 = size === f.size ? await hashFile(dest, 'sha256') : null;
    if (sha256 === f.sha256) alreadyPlaced.push(f.name);
    else {
      toCopy.push(f);
      const ours = note?.files.some((n) => n.name === f.name && n.sha256 === sha256 && n.size === size);
      if (!ours) foreign.push(f.name);
    }
  }
  if (foreign.length > 0 && !overwrite)
    throw new SenseVoiceError(
      ErrorCode.GpuLibrariesExist,
      `${binDir} already holds ${foreign.join(', ')}, which GPU setup did not place (another version, or an npm rebuild in a checkout). ` +
        'They were left as they are. Run the setup with --force (or accept "Replace" in VS Code) to replace them with ONNX Runtime ' +
        `${manifest.version}'s, or remove them yourself.`,
      { binDir, files: foreign },
    );
  const placed: string[] = [];
  try {
    for (const f of toCopy) {
      const dest = path.join(binDir, f.name);
      const tmp = `${dest}.sensevoice-tmp`;
      await fs.promises.copyFile(path.join(cacheVersionDir, f.name), tmp);
      await fs.promises.rename(tmp, dest);
      placed.push(f.name);
    }
  } catch (err) {
    throw placementError(binDir, err);
  }
  await atomicWrite(
    path.join(binDir, PLACEMENT_NOTE),
    JSON.stringify({ version: manifest.version, files: manifest.files } satisfies PlacementNote, null, 2) + '\n',
    { overwrite: true },
  );
  return { placed, alreadyPlaced };
}

/** Removes from binDir the libraries setup placed (still as placed); others are kept and named. */
export async function removePlaced(binDir: string): Promise<{ removed: string[]; kept: string[] }> {
  const note = readNote(binDir);
  const removed: string[] = [];
  const kept: string[] = [];
  for (const name of PROVIDER_FILES) {
    const file = path.join(binDir, name);
    const size = sizeOf(file);
    if (size < 0) continue;
    const placed = note?.files.find((f) => f.name === name);
    if (placed && placed.size === size && (await hashFile(file, 'sha256')) === placed.sha256) {
      try {
        await fs.promises.rm(file);
      } catch (err) {
        throw placementError(binDir, err);
      }
      removed.push(name);
    } else kept.push(name);
  }
  await fs.promises.rm(path.join(binDir, PLACEMENT_NOTE), { force: true });
  return { removed, kept };
}

function placementError(binDir: string, err: unknown): SenseVoiceError {
  const code = (err as NodeJS.ErrnoException).code;
  return new SenseVoiceError(
    code === 'ENOSPC' ? ErrorCode.NotEnoughSpace : ErrorCode.ProviderUnavailable,
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? `${binDir} is not writable (${code}): the extension is installed where this user cannot write. Install it per user, or run the setup as the user who owns that folder.`
      : `Could not change ${binDir}: ${(err as Error).message}.`,
    { binDir },
  );
}
