// Fakes of the machine for the GPU check's tests: an nvidia-smi on PATH that prints what real ones
// print, library folders with the CUDA files a user might have, and the error strings onnxruntime
// really gives (nvidia-smi and ONNX Runtime output quoted in the issues users file).
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../../helpers/paths';

/** A folder holding an executable `nvidia-smi` shell script with this body; use it as PATH. */
export function fakeNvidiaSmi(body: string): string {
  const dir = tempDir('nvsmi');
  const file = path.join(dir, 'nvidia-smi');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
  return dir;
}

/** What nvidia-smi prints (and its exit code) in the cases users meet. */
export const NVIDIA_SMI = {
  workingCard: `echo "NVIDIA GeForce RTX 4090, 550.54.14, 24564, 23012, 3"`,
  twoCards: `echo "NVIDIA A100-SXM4-80GB, 535.183.01, 81920, 80500, 0"\necho "NVIDIA A100-SXM4-80GB, 535.183.01, 81920, [N/A], [Not Supported]"`,
  oldDriver: `echo "Tesla T4, 470.82.01, 15360, 15000, 0"`,
  noDevices: `echo "No devices were found"\nexit 6`,
  noDriver: `echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."\nexit 9`,
  mismatch: `echo "Failed to initialize NVML: Driver/library version mismatch"\necho "NVML library version: 550.54"\nexit 18`,
  crash: `kill -SEGV $$`,
  hang: `exec sleep 30`,
} as const;

/** A folder of (empty) library files and the sonames that point at them, as a CUDA install has. */
export function fakeLibraryFolder(files: Record<string, string | null>): string {
  const dir = tempDir('cudalibs');
  for (const [name, target] of Object.entries(files)) {
    if (target === null) fs.writeFileSync(path.join(dir, name), '');
    else fs.symlinkSync(target, path.join(dir, name));
  }
  return dir;
}

/** A complete CUDA 12 + cuDNN 9 set, as pip's nvidia-* wheels or the CUDA repo install them. */
export const CUDA12_FILES: Record<string, string | null> = {
  'libcudart.so.12.4.127': null,
  'libcudart.so.12': 'libcudart.so.12.4.127',
  'libcublas.so.12.4.5.8': null,
  'libcublas.so.12': 'libcublas.so.12.4.5.8',
  'libcublasLt.so.12.4.5.8': null,
  'libcublasLt.so.12': 'libcublasLt.so.12.4.5.8',
  'libcufft.so.11.2.1.3': null,
  'libcufft.so.11': 'libcufft.so.11.2.1.3',
  'libcurand.so.10.3.5.147': null,
  'libcurand.so.10': 'libcurand.so.10.3.5.147',
  'libcudnn.so.9.1.0': null,
  'libcudnn.so.9': 'libcudnn.so.9.1.0',
  'libcudnn.so': 'libcudnn.so.9',
};

export function without(files: Record<string, string | null>, pattern: RegExp): Record<string, string | null> {
  return Object.fromEntries(Object.entries(files).filter(([k]) => !pattern.test(k)));
}

/** onnxruntime-node 1.30's session-creation errors and what it logs meanwhile, verbatim. */
export const ORT = {
  cudaMissing: 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
  tensorrtMissing: 'OrtSessionOptionsAppendExecutionProvider_TensorRT: Failed to load shared library',
  sharedMissingLog:
    '[E:onnxruntime:onnxruntime-node, provider_bridge_ort.cc:2146 Create] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1988 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library /opt/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_shared.so with error: /opt/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_shared.so: cannot open shared object file: No such file or directory',
  cudnnMissingLog:
    '[E:onnxruntime:Default, provider_bridge_ort.cc:2195 TryGetProviderInfo_CUDA] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1778 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file: No such file or directory',
  cublasLtMissingLog:
    '[E:onnxruntime:Default, provider_bridge_ort.cc:1862 TryGetProviderInfo_CUDA] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1539 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared object file: No such file or directory',
  windowsCudnnMissing:
    'Error loading "C:\\app\\node_modules\\onnxruntime-node\\bin\\napi-v6\\win32\\x64\\onnxruntime_providers_cuda.dll" which depends on "cudnn64_9.dll" which is missing. (Error 126: "The specified module could not be found.")',
  driverTooOld:
    '/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:129 std::conditional_t<THRW, void, onnxruntime::common::Status> onnxruntime::CudaCall(ERRTYPE, const char*, const char*, SUCCTYPE, const char*, const char*, int) [with ERRTYPE = cudaError; bool THRW = true; SUCCTYPE = cudaError; std::conditional_t<THRW, void, common::Status> = void] CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version ; GPU=-1 ; hostname=box ; file=/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_execution_provider.cc ; line=336 ; expr=cudaSetDevice(info_.device_id);',
  noDevice:
    '/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:129 onnxruntime::CudaCall CUDA failure 100: no CUDA-capable device is detected ; GPU=-1 ; hostname=box ; file=/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_execution_provider.cc ; line=280 ; expr=cudaSetDevice(info_.device_id);',
  webgpu:
    '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n',
  dml: 'no available backend found. ERR: [dml] backend not found.',
  coreml: 'no available backend found. ERR: [coreml] backend not found.',
} as const;

/** How a faked provider behaves: it works (really runs, on the CPU), fails with words, or crashes. */
export type FakeProvider = 'works' | { error: string; log?: string[] } | 'crash';

/**
 * A session-job runner where each provider does what `providers` says. "Works" runs the job for real
 * with onnxruntime on the CPU, so outputs and timings are real; placement names the faked provider.
 */
/** `returned` collects each working job's result, so tests can compare the report's times with what the sessions took. */
export function fakeRunJob(
  providers: Record<string, FakeProvider>,
  seen: string[] = [],
  returned: { provider: string; createMs: number; runMs: number[] }[] = [],
) {
  return async (
    job: import('../../../../daemon/diagnostics/sessionWorker').SessionJob,
  ): Promise<import('../../../../daemon/diagnostics/sessionWorker').SessionJobResult> => {
    seen.push(job.provider);
    const how = providers[job.provider] ?? {
      error: `no available backend found. ERR: [${job.provider}] backend not found.`,
    };
    if (how === 'crash')
      return {
        ok: false,
        runMs: [],
        error: 'the process running onnxruntime was killed by SIGSEGV',
        crashed: { code: null, signal: 'SIGSEGV' },
        log: ['Segmentation fault'],
      };
    if (how !== 'works') return { ok: false, runMs: [], error: how.error, log: how.log ?? [], failedAfterMs: 3 };
    const ort = await import('onnxruntime-node');
    const t0 = performance.now();
    const options = { ...job.options, executionProviders: ['cpu'], logSeverityLevel: 3 as const };
    const session =
      'path' in job.model
        ? await ort.InferenceSession.create(job.model.path, options)
        : await ort.InferenceSession.create(job.model.bytes, options);
    const createMs = performance.now() - t0;
    const feeds = Object.fromEntries(job.feeds.map((f) => [f.name, new ort.Tensor(f.type, f.data, f.dims)]));
    const runMs: number[] = [];
    let outputs: Record<string, { dims: number[]; values?: number[] }> = {};
    for (let i = 0; i < job.runs; i++) {
      const t = performance.now();
      const out = await session.run(feeds);
      runMs.push(performance.now() - t);
      outputs = Object.fromEntries(
        Object.entries(out).map(([k, v]) => [
          k,
          { dims: [...v.dims], values: v.size <= 64 ? Array.from(v.data as Float32Array, Number) : undefined },
        ]),
      );
    }
    await session.release();
    const ep = `${job.provider === 'cuda' ? 'CUDA' : job.provider === 'cpu' ? 'CPU' : job.provider}ExecutionProvider`;
    returned.push({ provider: job.provider, createMs, runMs });
    return { ok: true, createMs, runMs, outputs, log: [], placement: { [ep]: 1 } };
  };
}
