// What `gpu setup --cuda-libraries` fetches, pinned in this one place: NVIDIA's own wheels of the
// CUDA 12 runtime, cuBLAS, cuDNN 9 and what the CUDA provider and cuDNN load besides, from PyPI
// (NVIDIA publishes them there; pip installs the same files). The onnxruntime-node 1.30 CUDA
// provider is built for CUDA 12.x and cuDNN 9.x (onnxruntime.ai, CUDA Execution Provider,
// Requirements: "built with CUDA 12.x are compatible with any CUDA 12.x"; cuDNN 8 and 9 do not mix),
// and links libcudart.so.12, libcublas.so.12, libcublasLt.so.12, libcufft.so.11, libcurand.so.10 and
// libcudnn.so.9 (daemon/diagnostics/cudaLibraries.ts checks the same list). cuDNN 9 loads its
// sub-libraries and, for its runtime-compiled engines, libnvrtc.so.12; NVIDIA's cuFFT package
// depends on its nvJitLink package (libnvJitLink.so.12), and cuDNN's on cuBLAS. The versions are the CUDA 12.8 set PyTorch 2.8-2.10 (cu128) install together,
// so they are known to work with each other. Only the libraries named here are unpacked from each
// wheel (no headers, no static libraries, no libnvblas or libcufftw).
/** PyPI's JSON API: `<base>/<project>/<version>/json`. */
export const PYPI_FEED = 'https://pypi.org/pypi';

/** NVIDIA's licences for these redistributables, shown before anything is downloaded. */
export const CUDA_EULA = {
  name: 'NVIDIA CUDA Toolkit End User License Agreement (redistributable runtime libraries)',
  url: 'https://docs.nvidia.com/cuda/eula/index.html',
} as const;
export const CUDNN_SLA = {
  name: 'NVIDIA cuDNN Software License Agreement',
  url: 'https://docs.nvidia.com/deeplearning/cudnn/latest/reference/eula.html',
} as const;

/** One pinned wheel and the libraries taken from it. */
export interface CudaRedistPackage {
  /** The PyPI project. */
  name: string;
  version: string;
  /** What it is, for the plan. */
  role: string;
  licence: { name: string; url: string };
  /** Members taken: `nvidia/<folder>/lib/<file>` whose file name matches. */
  folder: string;
  take: RegExp;
  /** Files that must be in the wheel; a wheel without them is not the package it claims to be. */
  required: readonly string[];
}

export const CUDA_REDIST: readonly CudaRedistPackage[] = [
  {
    name: 'nvidia-cuda-runtime-cu12',
    version: '12.8.90',
    role: 'CUDA 12 runtime',
    licence: CUDA_EULA,
    folder: 'cuda_runtime',
    take: /^libcudart\.so\.12$/,
    required: ['libcudart.so.12'],
  },
  {
    name: 'nvidia-cublas-cu12',
    version: '12.8.4.1',
    role: 'cuBLAS and cuBLASLt',
    licence: CUDA_EULA,
    folder: 'cublas',
    take: /^libcublas(Lt)?\.so\.12$/,
    required: ['libcublas.so.12', 'libcublasLt.so.12'],
  },
  {
    name: 'nvidia-cudnn-cu12',
    version: '9.10.2.21',
    role: 'cuDNN 9',
    licence: CUDNN_SLA,
    folder: 'cudnn',
    take: /^libcudnn(_[a-z_]+)?\.so\.9$/,
    required: ['libcudnn.so.9'],
  },
  {
    name: 'nvidia-cufft-cu12',
    version: '11.3.3.83',
    role: 'cuFFT',
    licence: CUDA_EULA,
    folder: 'cufft',
    take: /^libcufft\.so\.11$/,
    required: ['libcufft.so.11'],
  },
  {
    name: 'nvidia-curand-cu12',
    version: '10.3.9.90',
    role: 'cuRAND',
    licence: CUDA_EULA,
    folder: 'curand',
    take: /^libcurand\.so\.10$/,
    required: ['libcurand.so.10'],
  },
  {
    name: 'nvidia-cuda-nvrtc-cu12',
    version: '12.8.93',
    role: "NVRTC (cuDNN's runtime-compiled kernels)",
    licence: CUDA_EULA,
    folder: 'cuda_nvrtc',
    take: /^libnvrtc(-builtins)?\.so\.12(\.\d+)?$/,
    required: ['libnvrtc.so.12'],
  },
  {
    name: 'nvidia-nvjitlink-cu12',
    version: '12.8.93',
    role: 'nvJitLink (a dependency of cuFFT)',
    licence: CUDA_EULA,
    folder: 'nvjitlink',
    take: /^libnvJitLink\.so\.12$/,
    required: ['libnvJitLink.so.12'],
  },
];

/** The wheel for Linux x64 among a release's files (manylinux x86_64, any Python: these are py3-none). */
export function isLinuxX64Wheel(filename: string): boolean {
  return /-none-(?:[^-]*\.)?manylinux[^-]*x86_64[^-]*\.whl$/.test(filename);
}
