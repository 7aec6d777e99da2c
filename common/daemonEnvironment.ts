// The environment every client starts the daemon with (the extension, the cli, a shared or a private
// daemon alike), so that a daemon behaves the same whoever started it.
//
// glibc's malloc raises its mmap threshold each time a large block is freed (up to 32 MiB), so the
// megabyte-sized weight strings ONNX Runtime parses while loading a model, freed once the session
// holds its own copies, land in the heap, which then cannot give them back: loading the full-size
// int8 model left 400 MB of anonymous memory on some loads and 285 MB on others. A fixed threshold
// (128 KiB, glibc's own starting value) keeps those blocks in mappings that are returned when freed:
// 261 MB on every load, and the same CPU time per run (1.02-1.10 s vs 1.01-1.35 s on 500 frames, 2
// cores). The daemon's peak RSS on the 2-minute input went from 647 to 467 MB (`npx tsx bench/run.ts
// --quick --skip cli,model,shared,diarization,live`, peak RSS rows). Other C libraries ignore it.
import { withCudaLibraryPath } from './gpuSetup/cudaLibraryStore';

/** glibc's mmap threshold for the daemon, in bytes; a value the user set is kept. */
export const DAEMON_MMAP_THRESHOLD = 128 * 1024;

export function daemonEnvironment(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): NodeJS.ProcessEnv {
  const withLibs = withCudaLibraryPath(env, platform);
  if (platform !== 'linux' || withLibs.MALLOC_MMAP_THRESHOLD_) return withLibs;
  return { ...withLibs, MALLOC_MMAP_THRESHOLD_: String(DAEMON_MMAP_THRESHOLD) };
}
