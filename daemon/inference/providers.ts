// Which ONNX Runtime execution providers to try, in order, and what their failures mean in plain
// words. The error strings are onnxruntime-node's own (1.30), as users see them.
import type { ProviderSetting } from '../protocol';

export type ProviderName = 'cpu' | 'cuda' | 'tensorrt' | 'webgpu' | 'dml' | 'coreml';

/** The providers `setting` asks for on `platform`, in the order to try them; CPU is always last. */
export function providerCandidates(setting: ProviderSetting, platform: NodeJS.Platform): ProviderName[] {
  if (setting === 'cpu') return ['cpu'];
  if (setting !== 'auto') return [setting, 'cpu'];
  switch (platform) {
    case 'linux':
      return ['cuda', 'webgpu', 'cpu'];
    case 'win32':
      return ['dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    default:
      return ['cpu'];
  }
}

/** Whether a provider runs on a GPU (or other accelerator). */
export function isGpuProvider(p: ProviderName): boolean {
  return p !== 'cpu';
}

/** A plain reason and a fix for a provider's session-creation error. */
export function explainProviderError(provider: ProviderName, error: string): { reason: string; fix: string } {
  if (/Failed to load shared library/i.test(error) || /libonnxruntime_providers_(cuda|tensorrt)/.test(error)) {
    if (/libcudnn/i.test(error)) return { reason: 'cuDNN 9 (libcudnn) was not found on the loader path.', fix: 'Install cuDNN 9 for CUDA 12 and add its lib folder to LD_LIBRARY_PATH.' };
    if (/libcublas|libcudart|libcufft|libcurand/i.test(error)) return { reason: 'The CUDA 12 runtime libraries (libcublas, libcudart) were not found on the loader path.', fix: 'Install the CUDA 12 runtime (or pip nvidia-cublas-cu12 nvidia-cuda-runtime-cu12) and add its lib folder to LD_LIBRARY_PATH.' };
    return {
      reason: `The ${provider.toUpperCase()} provider library is not installed: onnxruntime-node downloads it separately at install time, and that download was skipped or failed.`,
      fix: 'Run: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node (needs network access), with CUDA 12 and cuDNN 9 installed.',
    };
  }
  if (/CUDA driver version is insufficient|cudaErrorInsufficientDriver|driver.*too old/i.test(error)) {
    return { reason: 'The NVIDIA driver is too old for the CUDA 12 runtime the provider was built for.', fix: 'Update the NVIDIA driver to 525 or newer.' };
  }
  if (/no CUDA-capable device|cudaErrorNoDevice|CUDA failure 100/i.test(error)) {
    return { reason: 'No NVIDIA GPU is visible to this process.', fix: 'Check nvidia-smi; in a container pass the GPU through (--gpus all).' };
  }
  if (/Failed to get a WebGPU adapter|No supported adapters/i.test(error)) {
    return { reason: 'No WebGPU adapter: no GPU with a Vulkan (Linux), D3D12 (Windows) or Metal (macOS) driver is available.', fix: 'Install the GPU vendor\'s Vulkan driver (Linux: mesa-vulkan-drivers or the NVIDIA driver), or use the CPU.' };
  }
  if (/backend not found|no available backend found/i.test(error)) {
    return { reason: `This onnxruntime-node build has no ${provider} provider on ${process.platform}.`, fix: provider === 'dml' ? 'DirectML exists on Windows only.' : provider === 'coreml' ? 'CoreML exists on macOS only.' : 'Choose another provider.' };
  }
  return { reason: `Creating a ${provider} session failed.`, fix: 'See the error text; run "SenseVoice: Check GPU" for a full diagnosis.' };
}
