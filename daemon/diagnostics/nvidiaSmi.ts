// What the NVIDIA driver says about the GPUs: nvidia-smi's CSV query, run with a timeout. Every way
// it can go wrong is an answer too: not installed, "No devices were found", a driver it cannot talk
// to, an NVML/driver version mismatch, a crash, a hang.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { NvidiaGpu, NvidiaInfo } from '../../common/protocol';
import { findOnPath } from '../ffmpeg/resolveFfmpeg';

export const NVIDIA_SMI_ARGS = [
  '--query-gpu=name,driver_version,memory.total,memory.free,utilization.gpu',
  '--format=csv,noheader,nounits',
];

/** The oldest driver the CUDA 12 builds of the provider run on (CUDA 12 minor-version compatibility). */
export function minimumDriverFor(platform: NodeJS.Platform): string {
  return platform === 'win32' ? '527.41' : '525.60.13';
}

export interface NvidiaSmiOptions {
  pathEnv: string | undefined;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
  /** Where to look besides PATH (Windows drivers before 2019 kept it under Program Files). */
  extraCandidates?: string[];
}

/** What running the binary gave. */
export interface CommandOutcome {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** spawn error (ENOENT, EACCES). */
  spawnError?: string;
}

export function runCommand(file: string, args: string[], timeoutMs: number): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: string }) | null;
        if (e && typeof e.code === 'string') {
          resolve({
            stdout: String(stdout),
            stderr: String(stderr),
            code: null,
            signal: null,
            timedOut: false,
            spawnError: `${e.code}: ${e.message}`,
          });
          return;
        }
        resolve({
          stdout: String(stdout),
          stderr: String(stderr),
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          timedOut: Boolean(e?.killed && e.signal === 'SIGKILL'),
        });
      },
    );
  });
}

export function findNvidiaSmi(options: NvidiaSmiOptions): string | null {
  const platform = options.platform ?? process.platform;
  const onPath = findOnPath(platform === 'win32' ? 'nvidia-smi.exe' : 'nvidia-smi', options.pathEnv, platform);
  if (onPath) return onPath;
  const extra =
    options.extraCandidates ??
    (platform === 'win32'
      ? [
          path.win32.join(
            process.env.ProgramFiles ?? 'C:\\Program Files',
            'NVIDIA Corporation',
            'NVSMI',
            'nvidia-smi.exe',
          ),
        ]
      : []);
  return extra.find((c) => fs.existsSync(c)) ?? null;
}

export async function queryNvidiaSmi(options: NvidiaSmiOptions): Promise<NvidiaInfo> {
  const platform = options.platform ?? process.platform;
  const smi = findNvidiaSmi(options);
  if (!smi) return interpretNvidiaSmi(null, null, platform);
  return interpretNvidiaSmi(smi, await runCommand(smi, NVIDIA_SMI_ARGS, options.timeoutMs ?? 5000), platform);
}

/** Turns nvidia-smi's output (or its absence) into facts; pure, so every outcome is tested. */
export function interpretNvidiaSmi(
  smi: string | null,
  out: CommandOutcome | null,
  platform: NodeJS.Platform,
): NvidiaInfo {
  const minDriverVersion = minimumDriverFor(platform);
  const base = { path: smi, gpus: [] as NvidiaGpu[], driverVersion: null, minDriverVersion, driverOk: null };
  if (!smi || !out) return { ...base, status: 'not-found' };
  if (out.spawnError) return { ...base, status: 'failed', error: `nvidia-smi could not be run (${out.spawnError}).` };
  if (out.timedOut)
    return {
      ...base,
      status: 'timeout',
      error: 'nvidia-smi did not answer within the time limit: the driver may be hung.',
    };
  const said = `${out.stdout}\n${out.stderr}`.trim();
  if (/No devices were found/i.test(said)) return { ...base, status: 'no-devices', error: firstLine(said) };
  if (out.signal)
    return {
      ...base,
      status: 'failed',
      error: `nvidia-smi was killed by ${out.signal}${said ? `: ${firstLine(said)}` : ''}`,
    };
  if (out.code !== 0)
    return {
      ...base,
      status: 'failed',
      error: `nvidia-smi exited with code ${out.code}${said ? `: ${firstLine(said)}` : ''}`,
    };
  const gpus = parseGpuCsv(out.stdout);
  if (gpus.length === 0)
    return {
      ...base,
      status: 'failed',
      error: `nvidia-smi printed nothing it could parse${said ? `: ${firstLine(said)}` : ''}`,
    };
  const driverVersion = gpus[0]?.driverVersion ?? null;
  return {
    ...base,
    status: 'ok',
    gpus,
    driverVersion,
    driverOk: driverVersion ? compareVersions(driverVersion, minDriverVersion) >= 0 : null,
  };
}

/** One GPU per line: name, driver_version, memory.total, memory.free, utilization.gpu. */
export function parseGpuCsv(stdout: string): NvidiaGpu[] {
  const gpus: NvidiaGpu[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim()) continue;
    // GPU names contain no commas; the five fields are the last five comma-separated values.
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 5) continue;
    const [util, free, total, driver] = [fields.pop(), fields.pop(), fields.pop(), fields.pop()] as string[];
    const name = fields.join(',');
    if (!name || !/^\d+(\.\d+)*$/.test(driver ?? '')) continue;
    gpus.push({
      name,
      driverVersion: driver as string,
      memoryTotalMiB: numberOrNull(total),
      memoryFreeMiB: numberOrNull(free),
      utilizationPct: numberOrNull(util),
    });
  }
  return gpus;
}

/** "[N/A]", "[Not Supported]" and the like become null. */
function numberOrNull(v: string | undefined): number | null {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) ? n : null;
}

/** Compares dotted versions numerically ("535.183.01" vs "525.60.13"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function firstLine(s: string): string {
  return s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 2)
    .join(' ');
}
