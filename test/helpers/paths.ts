// Where tests find the project, the shared audio and a scratch folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const AUDIO = path.join(SHARED, 'audio');
export const ASSETS = path.join(SHARED, 'models', 'sensevoice-small-assets');
export const DIST = path.join(ROOT, 'dist');
/** Ignored folder for generated fixtures and models that are worth keeping between runs. */
export const CACHE = path.join(ROOT, '.cache');

/** Every WAV clip in ../shared/audio, relative to AUDIO. */
export function sharedClips(): string[] {
  const out: string[] = [];
  for (const dir of fs.readdirSync(AUDIO, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(AUDIO, dir.name))) if (f.endsWith('.wav')) out.push(path.join(dir.name, f));
  }
  return out.sort();
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sensevoice-${prefix}-`));
}

export function requireBuilt(file: string): string {
  const p = path.join(DIST, file);
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: run "npm run build" first (npm test does).`);
  return p;
}
