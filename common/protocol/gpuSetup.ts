// Setting up the GPU (served by daemon/gpuSetup): `gpu/setupPlan` says what a setup would fetch and
// whether this machine can use it, `gpu/setup` fetches and places the ONNX Runtime CUDA provider
// libraries (bytes in `$/progress`, `$/cancel` pauses it: the download resumes), `gpu/remove`
// undoes it. `gpu/setupCudaLibraries` fetches NVIDIA's CUDA 12 runtime, cuBLAS and cuDNN 9 wheels
// into the per-user store that clients put on the daemon's library path. Linux x64 only: elsewhere
// the bundled providers need no download.
import type { NvidiaInfo } from './gpuCheck';

/** Parameters of `gpu/setupPlan`. */
export interface GpuSetupPlanParams {
  /** A NuGet v3 service index (a company mirror); nuget.org's by default. */
  feedUrl?: string;
  /** Also say what `gpu/setupCudaLibraries` would fetch (asks the PyPI index for sizes). */
  cudaLibraries?: boolean;
  /** PyPI's JSON API or a mirror of it (`<base>/<project>/<version>/json`); https://pypi.org/pypi by default. */
  pypiFeedUrl?: string;
}

/** One of NVIDIA's wheels `gpu/setupCudaLibraries` fetches, as the plan shows it. */
export interface CudaPackagePlan {
  name: string;
  version: string;
  /** What it is: "cuDNN 9", "CUDA 12 runtime". */
  role: string;
  licence: string;
  licenceUrl: string;
  /** The wheel's size as the index publishes it (absent when the index could not be asked). */
  sizeBytes?: number;
  url?: string;
  /** Already in the store at this version: not downloaded again. */
  inStore: boolean;
}

/** What `gpu/setupCudaLibraries` would fetch, and where it would put it. */
export interface CudaLibrariesPlan {
  feedUrl: string;
  /** The per-user store; its lib folder goes first on the daemon's LD_LIBRARY_PATH. */
  storeDir: string;
  libDir: string;
  packages: CudaPackagePlan[];
  /** Bytes still to download (the packages not in the store). */
  downloadBytes: number;
  /** Every package is in the store. */
  complete: boolean;
  /** The index could not be asked for sizes (the message says why); the setup may still work later. */
  error?: string;
}

/** What a setup would do here, asked before anything is downloaded. */
export interface GpuSetupPlan {
  /** Linux x64: the CUDA provider libraries can be set up. */
  supported: boolean;
  /** Where unsupported: what works on this platform out of the box, and what to do when it does not. */
  platformNote?: string;
  /** The NuGet package onnxruntime-node's own installer uses (Microsoft.ML.OnnxRuntime.Gpu.Linux). */
  packageId: string;
  /** The bundled onnxruntime-node's version: the package version fetched. */
  version: string;
  feedUrl: string;
  /** The .nupkg's URL, once the feed answered. */
  packageUrl?: string;
  /** The .nupkg's size as the feed publishes it. */
  sizeBytes?: number;
  /** ONNX Runtime's licence, and that NVIDIA's libraries are not fetched. */
  licence: string;
  /** What the user must have from NVIDIA (CUDA 12 runtime, cuBLAS, cuDNN 9), with the commands. */
  prerequisites: string[];
  driver: NvidiaInfo;
  /** Why setup cannot go on here (no driver, a driver too old), with the fix; absent when it can. */
  blocker?: { code: number; message: string };
  /** The onnxruntime-node folder the daemon loads providers from. */
  binDir: string | null;
  /** The per-user cache of extracted libraries. */
  cacheDir: string;
  /** The libraries are already in the cache (a setup places them without downloading). */
  cached: boolean;
  /** The libraries are already in binDir. */
  placed: boolean;
  /** The provider libraries a setup places. */
  files: string[];
  /** Present when asked for with `cudaLibraries`. */
  cudaLibraries?: CudaLibrariesPlan;
}

/** Parameters of `gpu/setupCudaLibraries`. */
export interface CudaLibrariesSetupParams {
  pypiFeedUrl?: string;
  token?: string;
}

/** The result of `gpu/setupCudaLibraries`. */
export interface CudaLibrariesSetupResult {
  storeDir: string;
  libDir: string;
  /** Packages downloaded (or finished) by this request. */
  fetched: string[];
  /** Packages that were in the store already. */
  alreadyInStore: string[];
  /** Libraries in the store's lib folder. */
  files: string[];
  downloadedBytes: number;
  resumedBytes: number;
}

/** Parameters of `gpu/setup`. */
export interface GpuSetupParams {
  feedUrl?: string;
  /** Replace provider libraries in the bin folder that this setup did not place (refused otherwise). */
  overwrite?: boolean;
  token?: string;
}

/** The result of `gpu/setup`. */
export interface GpuSetupResult {
  version: string;
  binDir: string;
  cacheDir: string;
  /** Files copied into binDir by this request. */
  placed: string[];
  /** Files that were there already, identical. */
  alreadyPlaced: string[];
  /** The libraries came from the per-user cache: nothing was downloaded. */
  fromCache: boolean;
  /** Bytes fetched by this request. */
  downloadedBytes: number;
  /** Bytes taken over from an earlier, interrupted download. */
  resumedBytes: number;
  /** The .nupkg's SHA-512 (base64) that matched the feed's published hash, when downloaded now. */
  sha512?: string;
}

/** The result of `gpu/remove`. */
export interface GpuRemoveResult {
  binDir: string | null;
  /** Files removed from binDir (only those this setup placed). */
  removed: string[];
  /** Provider libraries left in binDir because this setup did not place them. */
  kept: string[];
  cacheDir: string;
  cacheRemoved: boolean;
  /** The NVIDIA CUDA library store (inside the cache) was there and is gone with it. */
  cudaLibrariesRemoved: boolean;
}

/** GPU setup's requests. */
export interface GpuSetupRequests {
  /** Client -> daemon: size, licence, prerequisites and the driver check, before any download. */
  'gpu/setupPlan': { params: GpuSetupPlanParams | undefined; result: GpuSetupPlan };
  /** Client -> daemon: download, verify, cache and place the CUDA provider libraries; progress in `$/progress`. */
  'gpu/setup': { params: GpuSetupParams; result: GpuSetupResult };
  /** Client -> daemon: download NVIDIA's CUDA 12 / cuDNN 9 wheels, verify, unpack into the per-user store; progress in `$/progress`. */
  'gpu/setupCudaLibraries': { params: CudaLibrariesSetupParams; result: CudaLibrariesSetupResult };
  /** Client -> daemon: remove the placed libraries and the per-user cache (the CUDA library store with it). */
  'gpu/remove': { params: Record<string, never> | undefined; result: GpuRemoveResult };
}
