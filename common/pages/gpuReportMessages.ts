// The messages between the GPU report page (media/gpuReportView.ts) and its host
// (extension/gpuCheck/gpuReportPanel.ts). Data only; the report crosses as the protocol's JSON and the
// page renders it as text.
import type { GpuReport } from '../protocol';

/** Everything the page draws; sent whole after `ready` and at every change. */
export interface GpuViewState {
  status: 'idle' | 'running' | 'done' | 'failed';
  /** 0..1 while running, when the daemon says. */
  fraction: number | null;
  /** What the check is doing now ("Trying CUDA…"). */
  message: string | null;
  /** The latest report; kept while a re-run is in progress. */
  report: GpuReport | null;
  error: { code: string; message: string } | null;
}

/** Host -> page. */
export type GpuHostMessage = { type: 'snapshot'; state: GpuViewState } | { type: 'notice'; text: string };

/** Page -> host. `setUpGpu` runs "SenseVoice: Set Up GPU"; `downloadFp32` downloads the fp32 model. */
export type GpuPageMessage =
  { type: 'ready' } | { type: 'rerun' } | { type: 'copyMarkdown' } | { type: 'setUpGpu' } | { type: 'downloadFp32' };

const PAGE_MESSAGES: readonly GpuPageMessage['type'][] = ['ready', 'rerun', 'copyMarkdown', 'setUpGpu', 'downloadFp32'];

/** A page message, or null for anything else (the page is not trusted to send well-formed data). */
export function parseGpuPageMessage(raw: unknown): GpuPageMessage | null {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  return typeof type === 'string' && (PAGE_MESSAGES as readonly string[]).includes(type)
    ? ({ type } as GpuPageMessage)
    : null;
}

/** The report's CUDA provider lacks its libraries (or they cannot load) on Linux x64: GPU setup is the fix. */
export function offersGpuSetup(r: GpuReport): boolean {
  if (r.host.platform !== 'linux' || r.host.arch !== 'x64') return false;
  return r.providers.some(
    (p) =>
      (p.provider === 'cuda' || p.provider === 'tensorrt') &&
      !p.ok &&
      (p.cause === 'provider-not-installed' || p.cause === 'provider-damaged'),
  );
}

/**
 * The model would run on CUDA (or TensorRT) but the folder holds only the int8 model, whose quantised
 * nodes have no CUDA kernels and fall back to the CPU: downloading the fp32 model is the fix.
 */
export function offersFp32Model(r: GpuReport): boolean {
  return (
    (r.selectedProvider === 'cuda' || r.selectedProvider === 'tensorrt') && r.model.gpuFile?.quantization === 'int8'
  );
}
