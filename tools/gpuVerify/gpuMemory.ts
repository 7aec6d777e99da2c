// GPU memory before a provider loads the model, after it loaded, and after the runs: nvidia-smi's
// used memory per GPU, and the child process's own share where the driver lists it (compute apps;
// a Vulkan/WebGPU process may be listed as a graphics app, or not at all in a container). Where
// there is no nvidia-smi, or it fails, every figure is null and `unavailable` says why.
import type { NvidiaInfo } from '../../common/protocol';
import { findNvidiaSmi, queryNvidiaSmi, runCommand } from '../../daemon/diagnostics/nvidiaSmi';

export interface GpuMemorySample {
  /** memory.used per GPU, MiB, in nvidia-smi's index order. */
  usedMiB: number[];
  /** The measured process's used_memory, MiB; null when nvidia-smi does not list it. */
  processMiB: number | null;
}

export class GpuMemory {
  private constructor(
    private readonly smi: string | null,
    readonly info: NvidiaInfo,
    /** Why no figures can be had, or null when they can. */
    readonly unavailable: string | null,
  ) {}

  static async detect(): Promise<GpuMemory> {
    const pathEnv = process.env.PATH;
    const info = await queryNvidiaSmi({ pathEnv });
    const smi = findNvidiaSmi({ pathEnv });
    const unavailable =
      info.status === 'ok'
        ? null
        : info.status === 'not-found'
          ? 'nvidia-smi was not found on PATH'
          : `nvidia-smi: ${info.error ?? info.status}`;
    return new GpuMemory(smi, info, unavailable);
  }

  /** Used memory now, and `pid`'s share; null when nvidia-smi cannot say. */
  async sample(pid?: number): Promise<GpuMemorySample | null> {
    if (this.unavailable || !this.smi) return null;
    const gpus = await runCommand(this.smi, ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], 5000);
    if (gpus.code !== 0) return null;
    const usedMiB = gpus.stdout
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .map(Number)
      .filter(Number.isFinite);
    let processMiB: number | null = null;
    if (pid !== undefined) {
      const apps = await runCommand(
        this.smi,
        ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'],
        5000,
      );
      for (const line of apps.code === 0 ? apps.stdout.split(/\r?\n/) : []) {
        const [p, mib] = line.split(',').map((f) => Number(f.trim()));
        if (p === pid && Number.isFinite(mib)) processMiB = (processMiB ?? 0) + (mib as number);
      }
    }
    return { usedMiB, processMiB };
  }
}
