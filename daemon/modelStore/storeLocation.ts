// Where the shared model store lives. The cli and the extension both talk to a daemon, and the
// daemon resolves this one place, so a model downloaded by either is seen by both:
// SENSEVOICE_MODEL_STORE when set, else the platform's per-user data folder.
import os from 'node:os';
import path from 'node:path';

export interface StoreLocationInput {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** The store folder (not created here). */
export function modelStoreDir(input: StoreLocationInput = {}): string {
  const env = input.env ?? process.env;
  const platform = input.platform ?? process.platform;
  const home = input.home ?? os.homedir();
  const override = env.SENSEVOICE_MODEL_STORE?.trim();
  if (override) return path.resolve(override);
  // path.win32 / path.posix so the answer for another platform can be tested anywhere.
  if (platform === 'win32') {
    const base = env.LOCALAPPDATA?.trim() || path.win32.join(home, 'AppData', 'Local');
    return path.win32.join(base, 'sensevoice', 'models');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'sensevoice', 'models');
  // XDG: a relative XDG_DATA_HOME is invalid by the spec and ignored.
  const xdg = env.XDG_DATA_HOME?.trim();
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(base, 'sensevoice', 'models');
}
