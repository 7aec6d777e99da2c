// The identity of a speaker-embedding model as speaker profiles record it: the SHA-256 of its file
// (two files with one name may hold other weights; one file moved is still the same model), its name
// for the people who read the profiles file, and its output size. Hashed once per file version
// (path, size, mtime): a 30 MB model hashes in a fraction of a second, once.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { VoiceModelId } from '../../common/protocol';
import type { ModelFileIdentity } from './diarizationModelStore';

const hashes = new Map<string, Promise<string>>();

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export async function voiceModelId(file: ModelFileIdentity, dim: number): Promise<VoiceModelId> {
  const key = JSON.stringify([file.path, file.size, file.mtimeMs]);
  let hash = hashes.get(key);
  if (!hash) {
    hash = sha256Of(file.path);
    hashes.set(key, hash);
    hash.catch(() => hashes.delete(key));
  }
  return { sha256: await hash, file: path.basename(file.path), dim };
}
