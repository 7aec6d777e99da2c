// What the status bar should say after a GPU check: the provider and the GPU's name, and a hint when
// an NVIDIA GPU is present but inference runs on the CPU. Pure, so it is tested without VS Code.
import type { GpuReport } from '../../common/protocol';

export interface DeviceStatus {
  /** The provider models load on; undefined when the report does not say (a quick check). */
  provider?: string;
  /** The GPU's name when the provider runs on the NVIDIA card. */
  device?: string;
  /** Set when a GPU exists but is unused. */
  hint?: string;
}

/** `providerInUse`: what the loaded model runs on, for a quick report (which tries no provider). */
export function deviceStatus(report: GpuReport, providerInUse?: string): DeviceStatus {
  const provider = report.selectedProvider ?? providerInUse;
  const gpu = report.nvidia.gpus[0]?.name;
  const hint =
    gpu && provider === 'cpu' ? `An NVIDIA GPU (${gpu}) is present but inference runs on the CPU.` : undefined;
  return {
    ...(report.selectedProvider ? { provider: report.selectedProvider } : {}),
    ...(report.summary.device ? { device: report.summary.device } : {}),
    ...(hint ? { hint } : {}),
  };
}
