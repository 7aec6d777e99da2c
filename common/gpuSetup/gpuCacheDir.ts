// Where GPU setup keeps what it downloads for this user: the ONNX Runtime CUDA provider libraries
// (one folder per runtime version) and NVIDIA's CUDA libraries (their own folder). Shared by the
// daemon, which fills it, and the clients, which start the daemon with the CUDA libraries on its
// library path; so it lives here, importing nothing else of the project.
import os from 'node:os';
import path from 'node:path';

export interface CacheLocationInput {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** SENSEVOICE_GPU_CACHE when set, else `sensevoice/gpu` in the per-user data folder (beside the models). */
export function gpuCacheDir(input: CacheLocationInput = {}): string {
  const env = input.env ?? process.env;
  const home = input.home ?? os.homedir();
  const override = env.SENSEVOICE_GPU_CACHE?.trim();
  if (override) return path.resolve(override);
  if ((input.platform ?? process.platform) === 'darwin')
    return path.posix.join(home, 'Library', 'Application Support', 'sensevoice', 'gpu');
  // XDG: a relative XDG_DATA_HOME is invalid by the spec and ignored.
  const xdg = env.XDG_DATA_HOME?.trim();
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(base, 'sensevoice', 'gpu');
}
