// Where tests find the project, its fixtures (test/fixtures: real clips and model assets, see the
// README there) and a scratch folder. Nothing here points outside the repository.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
/** Real 16 kHz speech clips with REFERENCES.txt. */
export const AUDIO = path.join(FIXTURES, 'audio');
/** tokens.txt, am.mvn, the SentencePiece model and config.yaml of the real release (no weights). */
export const ASSETS = path.join(FIXTURES, 'sensevoice-small-assets');
export const DIST = path.join(ROOT, 'dist');
/** Ignored folder for generated fixtures and models that are worth keeping between runs. */
export const CACHE = path.join(ROOT, '.cache');

/** Every WAV clip in the fixtures, relative to AUDIO. */
export function fixtureClips(): string[] {
  const out: string[] = [];
  for (const dir of fs.readdirSync(AUDIO, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(AUDIO, dir.name)))
      if (f.endsWith('.wav')) out.push(path.join(dir.name, f));
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
