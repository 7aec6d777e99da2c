// Which ONNX Runtime execution providers to try, in order, and what their failures mean in plain
// words. The error strings are onnxruntime-node's own (1.30), as users see them.
import type { ProviderFailureCause, ProviderSetting } from '../../common/protocol';
import { providerLabel } from '../../common/providerLabels';

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

/** What the GPU check knows about the machine, to say which part of a provider's stack failed. */
export interface ProviderEnvironment {
  /** Provider libraries beside onnxruntime-node's binary (libonnxruntime_providers_cuda.so, …). */
  providerLibraries?: readonly string[];
  /** Sonames the CUDA 12 provider needs that the loader cannot find (libcudnn.so.9, …). */
  missingCudaLibraries?: readonly string[];
}

/** A failure in plain words, what to do about it, and a code for it. */
export interface ProviderExplanation {
  reason: string;
  fix: string;
  cause: ProviderFailureCause;
}

/** The command that fetches the CUDA provider libraries (daemon/gpuSetup), and the checkout's way. */
export const GPU_SETUP_FIX =
  'Run "SenseVoice: Set Up GPU" in VS Code, or `sensevoice gpu setup` (Linux x64; it also says which CUDA 12 and cuDNN 9 libraries to install). In a checkout: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node.';
/** On Linux x64, SenseVoice can fetch NVIDIA's libraries itself (daemon/gpuSetup/cudaRedist.ts). */
export const CUDA_LIBRARIES_FIX =
  'On Linux x64 SenseVoice can fetch NVIDIA\'s own CUDA 12 runtime, cuBLAS and cuDNN 9 into its store and start the daemon with them: sensevoice gpu setup --cuda-libraries, or "SenseVoice: Set Up GPU" and "Also Get NVIDIA CUDA Libraries".';
const CUDNN: ProviderExplanation = {
  cause: 'cudnn-missing',
  reason: 'cuDNN 9 (libcudnn) was not found on the loader path.',
  fix:
    "Install cuDNN 9 for CUDA 12 (e.g. pip install nvidia-cudnn-cu12, or the distribution's libcudnn9-cuda-12) and add its lib folder to LD_LIBRARY_PATH. " +
    CUDA_LIBRARIES_FIX,
};
const CUDA_RUNTIME: ProviderExplanation = {
  cause: 'cuda-runtime-missing',
  reason: 'The CUDA 12 runtime libraries (libcublas, libcudart) were not found on the loader path.',
  fix:
    'Install the CUDA 12 runtime (or pip nvidia-cublas-cu12 nvidia-cuda-runtime-cu12 nvidia-cufft-cu12 nvidia-curand-cu12) and add its lib folder to LD_LIBRARY_PATH. ' +
    CUDA_LIBRARIES_FIX,
};
const TENSORRT: ProviderExplanation = {
  cause: 'tensorrt-missing',
  reason: 'TensorRT (libnvinfer) was not found on the loader path.',
  fix: 'Install TensorRT 10 for CUDA 12 and add its lib folder to LD_LIBRARY_PATH, or use the CUDA provider.',
};

/** The library a loader error says is missing (Linux dlopen or Windows LoadLibrary wording). */
function missingLibrary(error: string): string | null {
  const linux = /([^\s:"]+\.so(?:\.[\d.]+)?): cannot open shared object file/.exec(error);
  if (linux) return (linux[1] as string).split('/').pop() as string;
  const windows = /depends on "([^"]+)" which is missing/i.exec(error);
  return windows ? (windows[1] as string) : null;
}

function notInstalled(provider: ProviderName): ProviderExplanation {
  return {
    cause: 'provider-not-installed',
    reason: `The ${providerLabel(provider)} provider library is not installed: it is a separate download that SenseVoice does not ship (onnxruntime-node's own installer skips it here).`,
    fix: GPU_SETUP_FIX,
  };
}

function byLibrary(provider: ProviderName, lib: string): ProviderExplanation | null {
  if (/cudnn/i.test(lib)) return CUDNN;
  if (/cublas|cudart|cufft|curand|nvrtc/i.test(lib)) return CUDA_RUNTIME;
  if (/nvinfer|nvonnxparser/i.test(lib)) return TENSORRT;
  if (/onnxruntime_providers/i.test(lib)) return notInstalled(provider);
  return null;
}

/**
 * A provider library that is there but is not a library the loader can use (a truncated download, a
 * file for another platform): dlopen's "invalid ELF header", "file too short", "wrong ELF class".
 */
function damagedProviderLibrary(error: string): ProviderExplanation | null {
  const m =
    /([^\s:"]*onnxruntime_providers_\w+\.(?:so|dll|dylib)): (invalid ELF header|file too short|wrong ELF class[^\n]*|not a valid Win32 application[^\n]*)/i.exec(
      error,
    );
  if (!m) return null;
  return {
    cause: 'provider-damaged',
    reason: `${m[1]} is there but is not a library this machine can load (${m[2]}): it is damaged, cut short, or built for another platform.`,
    fix: `Remove it and set it up again: "SenseVoice: Remove GPU Libraries" then "SenseVoice: Set Up GPU" (sensevoice gpu remove; sensevoice gpu setup), which verify the download.`,
  };
}

/**
 * A plain reason, a fix and a cause code for a provider's session-creation error. `error` may carry
 * what onnxruntime logged too (the dlopen detail). With `env` (the GPU check's findings), a bare
 * "Failed to load shared library" is narrowed to the part of the stack that is missing.
 */
export function explainProviderError(
  provider: ProviderName,
  error: string,
  env?: ProviderEnvironment,
): ProviderExplanation {
  const broken = damagedProviderLibrary(error);
  if (broken) return broken;
  const lib = missingLibrary(error);
  const named = lib ? byLibrary(provider, lib) : null;
  if (named) return named;
  if (/Failed to load shared library/i.test(error) || /libonnxruntime_providers_(cuda|tensorrt)/.test(error)) {
    if (/libcudnn/i.test(error)) return CUDNN;
    if (/libcublas|libcudart|libcufft|libcurand/i.test(error)) return CUDA_RUNTIME;
    const own = env?.providerLibraries;
    const installed = own?.some((f) => new RegExp(`onnxruntime_providers_${provider}\\.`, 'i').test(f));
    if (own && installed) {
      // The provider's own library is there, so one of its dependencies did not load.
      const missing = env?.missingCudaLibraries ?? [];
      if (provider === 'tensorrt' && !missing.some((m) => /cudnn|cublas|cudart/i.test(m))) return TENSORRT;
      if (missing.some((m) => /cudnn/i.test(m))) return CUDNN;
      if (missing.length > 0) return CUDA_RUNTIME;
      return {
        cause: 'unknown',
        reason: `The ${providerLabel(provider)} provider library is installed but did not load; the CUDA libraries it needs look present, so one of them may be the wrong build.`,
        fix: 'Check that CUDA 12 and cuDNN 9 (not CUDA 11/13 or cuDNN 8) are the ones on LD_LIBRARY_PATH; run with the log to see which file failed.',
      };
    }
    return notInstalled(provider);
  }
  if (
    /CUDA driver version is insufficient|cudaErrorInsufficientDriver|CUDA failure 35\b|driver.*too old/i.test(error)
  ) {
    return {
      cause: 'driver-too-old',
      reason: 'The NVIDIA driver is too old for the CUDA 12 runtime the provider was built for.',
      fix: 'Update the NVIDIA driver to 525 or newer.',
    };
  }
  if (
    /CUDA failure 803|unsupported display driver \/ cuda driver combination|Driver\/library version mismatch/i.test(
      error,
    )
  ) {
    return {
      cause: 'driver-mismatch',
      reason:
        'The NVIDIA kernel driver and its user-space libraries are different versions (usually a driver update without a reboot).',
      fix: 'Reboot, or reinstall the NVIDIA driver so both parts match.',
    };
  }
  if (/no CUDA-capable device|cudaErrorNoDevice|CUDA failure 100/i.test(error)) {
    return {
      cause: 'no-device',
      reason: 'No NVIDIA GPU is visible to this process.',
      fix: 'Check nvidia-smi; in a container pass the GPU through (--gpus all).',
    };
  }
  if (/CUDA failure 2:|out of memory|CUBLAS_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation/i.test(error)) {
    return {
      cause: 'out-of-memory',
      reason: 'The GPU ran out of memory.',
      fix: 'Close other programs using the GPU (nvidia-smi lists them), or use the CPU.',
    };
  }
  if (
    /CUDNN_STATUS_(VERSION_MISMATCH|SUBLIBRARY_VERSION_MISMATCH|SUBLIBRARY_LOADING_FAILED|NOT_INITIALIZED)/.test(error)
  ) {
    return {
      cause: 'cudnn-mismatch',
      reason: 'cuDNN loaded but is not the version the provider was built for, or is incomplete.',
      fix: 'Install cuDNN 9 for CUDA 12 (all its sub-libraries) and remove older cuDNN folders from LD_LIBRARY_PATH.',
    };
  }
  if (/Failed to get a WebGPU adapter|No supported adapters/i.test(error)) {
    return {
      cause: 'no-adapter',
      reason: 'No WebGPU adapter: no GPU with a Vulkan (Linux), D3D12 (Windows) or Metal (macOS) driver is available.',
      fix: "Install the GPU vendor's Vulkan driver (Linux: mesa-vulkan-drivers or the NVIDIA driver), or use the CPU.",
    };
  }
  if (/backend not found|no available backend found/i.test(error)) {
    return {
      cause: 'not-in-build',
      reason: `This onnxruntime-node build has no ${provider} provider on ${process.platform}.`,
      fix:
        provider === 'dml'
          ? 'DirectML exists on Windows only.'
          : provider === 'coreml'
            ? 'CoreML exists on macOS only.'
            : 'Choose another provider.',
    };
  }
  return {
    cause: 'unknown',
    reason: `Creating a ${provider} session failed.`,
    fix: 'See the error text; run "SenseVoice: Check GPU" for a full diagnosis.',
  };
}
