// The speaker models in the store's `diarization/` folder: the note SenseVoice keeps there of what it
// downloaded (source, checksum status, licence), and the listing `model/list` shows. A model file
// with no entry in the note was put there by hand and is the user's.
import fs from 'node:fs/promises';
import path from 'node:path';
import { atomicWrite } from '../../common/atomicWrite';
import type { DiarizationChecksum, StoredDiarizationModel } from '../../common/protocol';
import { STORED_EMBEDDING, STORED_SEGMENTATION } from '../diarization/diarizationModelStore';

export type DiarizationRole = 'segmentation' | 'embedding';
export const DIARIZATION_ROLES: readonly DiarizationRole[] = ['segmentation', 'embedding'];

/** The store's folder for the speaker models, relative to the store. */
export const DIARIZATION_DIR = path.dirname(STORED_SEGMENTATION);
export const DIARIZATION_MANIFEST = 'sensevoice-diarization.json';

/** Where the daemon reads each role, relative to the store. */
export const STORED_PATHS: Record<DiarizationRole, string> = {
  segmentation: STORED_SEGMENTATION,
  embedding: STORED_EMBEDDING,
};

export interface DiarizationManifestEntry {
  model: string;
  /** The published file it came from (an archive for the GitHub segmentation model). */
  asset: string;
  url: string;
  /** A source name or the mirror's URL. */
  source: string;
  /** The stored model file's size and sha256. */
  size: number;
  sha256: string;
  checksum: DiarizationChecksum;
  checksumNote: string;
  licence: string;
  licenceSource: string;
  downloadedAt: string;
}

export interface DiarizationManifest {
  format: 1;
  files: Partial<Record<DiarizationRole, DiarizationManifestEntry>>;
}

export async function readDiarizationManifest(storeDir: string): Promise<DiarizationManifest> {
  try {
    const m = JSON.parse(
      await fs.readFile(path.join(storeDir, DIARIZATION_DIR, DIARIZATION_MANIFEST), 'utf8'),
    ) as DiarizationManifest;
    if (m?.format === 1 && typeof m.files === 'object' && m.files !== null) return m;
  } catch {
    // Absent or damaged: every file there counts as the user's, which is the safe side.
  }
  return { format: 1, files: {} };
}

export async function writeDiarizationManifest(storeDir: string, m: DiarizationManifest): Promise<void> {
  await atomicWrite(path.join(storeDir, DIARIZATION_DIR, DIARIZATION_MANIFEST), JSON.stringify(m, null, 2) + '\n', {
    overwrite: true,
  });
}

/** The size of a regular file, or null. */
export async function fileSize(file: string): Promise<number | null> {
  return fs.stat(file).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
}

/** The speaker models the store holds, downloaded or put there by hand. */
export async function listDiarizationModels(storeDir: string): Promise<StoredDiarizationModel[]> {
  const m = await readDiarizationManifest(storeDir);
  const out: StoredDiarizationModel[] = [];
  for (const role of DIARIZATION_ROLES) {
    const file = path.join(storeDir, STORED_PATHS[role]);
    const size = await fileSize(file);
    if (size === null) continue;
    const e = m.files[role];
    if (!e) {
      out.push({ role, path: file, size, source: 'local' });
      continue;
    }
    out.push({
      role,
      path: file,
      size,
      model: e.model,
      source: e.source,
      url: e.url,
      sha256: e.sha256,
      checksum: e.checksum,
      licence: e.licence,
      downloadedAt: e.downloadedAt,
      ...(size !== e.size
        ? {
            problem: `it has ${size} bytes but ${e.size} were downloaded: download the speaker models again (sensevoice model download --diarization)`,
          }
        : {}),
    });
  }
  return out;
}
