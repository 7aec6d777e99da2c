// Which model variant to offer first: fp32 when a GPU provider works (ONNX Runtime's GPU providers
// have no int8 kernels), int8 otherwise. No vscode import, so it is unit-tested.
import type { GpuReport, ModelVariant, ProviderSetting } from '../../common/protocol';

export interface VariantAdvice {
  variant: ModelVariant;
  /** One line for the picker. */
  why: string;
}

/** The advice from the GPU check's report (null when the check could not run). */
export function adviseVariant(
  provider: ProviderSetting,
  report: Pick<GpuReport, 'selectedProvider'> | null,
): VariantAdvice {
  if (provider === 'cpu') return { variant: 'int8', why: 'the provider setting is cpu' };
  const gpu = report?.selectedProvider;
  if (gpu && gpu !== 'cpu') return { variant: 'fp32', why: `the GPU check found ${gpu} working` };
  if (!report) return { variant: 'int8', why: 'the GPU check could not run, so the CPU model is the safe choice' };
  return { variant: 'int8', why: 'no GPU provider works here (run "SenseVoice: Check GPU" to see why)' };
}

export const VARIANT_LABELS: Record<ModelVariant, { label: string; size: string; use: string }> = {
  int8: { label: 'int8', size: 'about 230 MB', use: 'for the CPU' },
  fp32: { label: 'fp32', size: 'about 940 MB', use: 'for a GPU (also runs on the CPU, slower)' },
};
