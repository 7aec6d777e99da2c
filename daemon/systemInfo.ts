// Facts for `system/info`: versions, ffmpeg, platform and hardware.
import os from 'node:os';
import type { FfmpegInfo, SystemInfo } from '../common/protocol';
import { DAEMON_VERSION } from './version';

export function onnxRuntimeVersion(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return null;
  }
}

export function collectSystemInfo(ffmpeg: FfmpegInfo | null, ffmpegError: string | null): SystemInfo {
  const cpus = os.cpus();
  return {
    daemonVersion: DAEMON_VERSION,
    node: process.versions.node,
    onnxruntime: onnxRuntimeVersion(),
    ffmpeg,
    ffmpegError,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    freeMemoryBytes: os.freemem(),
  };
}
