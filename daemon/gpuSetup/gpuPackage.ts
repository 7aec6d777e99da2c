// What GPU setup fetches and why it is allowed to: the NuGet package and the three provider
// libraries onnxruntime-node's own installer takes from it on linux/x64 (its script/install-metadata.js),
// at the bundled onnxruntime-node's exact version; the licence; what NVIDIA's side the user must
// have (fetched only on request, by cudaRedist.ts's pins); and, for the other platforms, what
// works without any download.
import fs from 'node:fs';
import path from 'node:path';

/** The package onnxruntime-node's installer fetches for linux/x64 (CUDA 12). */
export const GPU_PACKAGE_ID = 'Microsoft.ML.OnnxRuntime.Gpu.Linux';

/** The provider libraries taken from the package, by their path inside it. */
export const PROVIDER_FILES = [
  'libonnxruntime_providers_cuda.so',
  'libonnxruntime_providers_shared.so',
  'libonnxruntime_providers_tensorrt.so',
] as const;

export const PATH_IN_PACKAGE = 'runtimes/linux-x64/native/';

export const LICENCE =
  'ONNX Runtime (Microsoft.ML.OnnxRuntime.Gpu.Linux) is MIT-licensed, like the onnxruntime-node already bundled. ' +
  "NVIDIA's CUDA and cuDNN libraries are not part of it: they come under NVIDIA's own licences, from your distribution or NVIDIA, " +
  "or from NVIDIA's PyPI packages when you ask SenseVoice to fetch them (gpu setup --cuda-libraries).";

/** What the CUDA provider needs from NVIDIA, with the commands that install it. */
export const PREREQUISITES: readonly string[] = [
  "Or let SenseVoice fetch NVIDIA's own CUDA 12 runtime, cuBLAS and cuDNN 9 packages into its per-user store: sensevoice gpu setup --cuda-libraries (Set Up GPU offers it as a second button).",
  'An NVIDIA driver for CUDA 12 (525.60.13 or newer; nvidia-smi shows its version).',
  "The CUDA 12 runtime and cuBLAS: sudo apt install cuda-runtime-12-x libcublas-12-x (NVIDIA's CUDA apt repository), or pip install nvidia-cuda-runtime-cu12 nvidia-cublas-cu12 nvidia-cufft-cu12 nvidia-curand-cu12.",
  "cuDNN 9 for CUDA 12: sudo apt install libcudnn9-cuda-12 (NVIDIA's repository), or pip install nvidia-cudnn-cu12.",
  "Libraries installed with pip are found only when their lib folders are on LD_LIBRARY_PATH (e.g. export LD_LIBRARY_PATH=$(python3 -c 'import nvidia.cudnn, os; print(os.path.dirname(nvidia.cudnn.__file__))')/lib:$LD_LIBRARY_PATH) in the environment VS Code or the shell starts from.",
];

/** Linux x64 is the one place the CUDA provider is a separate download. */
export function setupSupported(platform: NodeJS.Platform, arch: string): boolean {
  return platform === 'linux' && arch === 'x64';
}

/** What works on this platform out of the box, for a user who asked to set up the GPU. */
export function platformNote(platform: NodeJS.Platform, arch: string): string {
  if (platform === 'win32')
    return 'Nothing to download on Windows: DirectML ships with SenseVoice and runs on any DirectX 12 GPU (NVIDIA, AMD, Intel) with a current driver; WebGPU is bundled too. Set sensevoice.provider to "dml" or leave it on "auto", then run "SenseVoice: Check GPU". If DirectML fails, update the GPU driver (Windows Update or the vendor\'s site).';
  if (platform === 'darwin')
    return arch === 'arm64'
      ? 'Nothing to download on macOS: CoreML ships with SenseVoice and uses the Apple silicon GPU and Neural Engine. Leave sensevoice.provider on "auto" (or "coreml") and run "SenseVoice: Check GPU".'
      : 'Nothing to download on macOS: CoreML ships with SenseVoice, but on Intel Macs it mostly runs on the CPU. WebGPU (bundled) uses a Metal GPU where one is present: set sensevoice.provider to "webgpu" and run "SenseVoice: Check GPU".';
  if (platform === 'linux')
    return `The CUDA provider libraries are published for Linux x64 only (this is ${arch}). WebGPU ships with SenseVoice and runs where a Vulkan driver exists: set sensevoice.provider to "webgpu" and run "SenseVoice: Check GPU".`;
  return `GPU setup is for Linux x64; on ${platform} SenseVoice runs on the CPU.`;
}

/**
 * The package version to fetch: the bundled onnxruntime-node's, as its installer reads it
 * (script/install-metadata-versions.js, absent from a packaged extension), else its package.json.
 */
export function bundledOrtVersion(packageDir: string | null): string | null {
  if (!packageDir) return null;
  try {
    const text = fs.readFileSync(path.join(packageDir, 'script', 'install-metadata-versions.js'), 'utf8');
    const m = /feed:\s*'nuget',\s*version:\s*'([^']+)'/.exec(text);
    if (m) return m[1] as string;
  } catch {
    // Not shipped in the .vsix: the package version is the same number.
  }
  try {
    const v = (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: unknown })
      .version;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}
