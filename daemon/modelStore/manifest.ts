// The note SenseVoice keeps in each store folder it made: which files it downloaded, from where,
// their sha256 and whether they matched a published pin. A folder without one was made by the user.
import fs from 'node:fs/promises';
import path from 'node:path';
import { atomicWrite } from '../../common/atomicWrite';

export const MANIFEST_NAME = 'sensevoice-model.json';

export interface ManifestFile {
  name: string;
  size: number;
  sha256: string;
  /** Matched a published pin. */
  verified: boolean;
  url: string;
  /** A source name or "url". */
  source: string;
  downloadedAt: string;
}

export interface Manifest {
  format: 1;
  id: string;
  layout: 'sherpa' | 'funasr';
  files: Record<string, ManifestFile>;
}

export async function readManifest(dir: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, MANIFEST_NAME), 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text) as Manifest;
    if (m && m.format === 1 && typeof m.files === 'object' && m.files !== null) return m;
  } catch {
    // A damaged note: the folder is treated as the user's, which is the safe side.
  }
  return null;
}

/** Writes the manifest atomically (temp file + rename). */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await atomicWrite(path.join(dir, MANIFEST_NAME), JSON.stringify(manifest, null, 2) + '\n', { overwrite: true });
}
