// Provider failures users report, verbatim, each mapped to a cause, a plain reason and a fix; and a
// bare "Failed to load shared library" narrowed down with what the GPU check found on the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainProviderError } from '../../../../daemon/inference/providers';
import { ORT } from '../diagnostics/fakeMachine';

const cases: {
  name: string;
  provider: 'cuda' | 'tensorrt' | 'webgpu' | 'dml' | 'coreml';
  error: string;
  cause: string;
  reason: RegExp;
  fix: RegExp;
}[] = [
  {
    name: 'provider library not downloaded (this machine)',
    provider: 'cuda',
    error: `${ORT.cudaMissing}\n${ORT.sharedMissingLog}`,
    cause: 'provider-not-installed',
    reason: /CUDA provider library is not installed/,
    fix: /sensevoice gpu setup.*In a checkout: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/,
  },
  {
    name: 'a placed provider library that is not a loadable library (stand-in, truncated, other platform)',
    provider: 'cuda',
    error: `${ORT.cudaMissing}\n${ORT.sharedMissingLog.replace(': cannot open shared object file: No such file or directory', ': invalid ELF header')}`,
    cause: 'provider-damaged',
    reason:
      /libonnxruntime_providers_shared\.so is there but is not a library this machine can load \(invalid ELF header\)/,
    fix: /sensevoice gpu remove; sensevoice gpu setup/,
  },
  {
    name: 'libcudnn.so.9 missing (Linux log line)',
    provider: 'cuda',
    error: `${ORT.cudaMissing}\n${ORT.cudnnMissingLog}`,
    cause: 'cudnn-missing',
    reason: /cuDNN 9/,
    fix: /LD_LIBRARY_PATH/,
  },
  {
    name: 'cudnn64_9.dll missing (Windows)',
    provider: 'cuda',
    error: ORT.windowsCudnnMissing,
    cause: 'cudnn-missing',
    reason: /cuDNN 9/,
    fix: /cuDNN 9/,
  },
  {
    name: 'libcublasLt.so.12 missing',
    provider: 'cuda',
    error: `${ORT.cudaMissing}\n${ORT.cublasLtMissingLog}`,
    cause: 'cuda-runtime-missing',
    reason: /CUDA 12 runtime/,
    fix: /nvidia-cublas-cu12/,
  },
  {
    name: 'driver too old for CUDA 12 (CUDA failure 35)',
    provider: 'cuda',
    error: ORT.driverTooOld,
    cause: 'driver-too-old',
    reason: /driver is too old/,
    fix: /525/,
  },
  {
    name: 'no device (CUDA failure 100)',
    provider: 'cuda',
    error: ORT.noDevice,
    cause: 'no-device',
    reason: /No NVIDIA GPU is visible/,
    fix: /--gpus all/,
  },
  {
    name: 'driver/library mismatch (CUDA failure 803)',
    provider: 'cuda',
    error: 'CUDA failure 803: system has unsupported display driver / cuda driver combination ; GPU=0',
    cause: 'driver-mismatch',
    reason: /different versions/,
    fix: /Reboot/,
  },
  {
    name: 'out of GPU memory',
    provider: 'cuda',
    error: 'CUDA failure 2: out of memory ; GPU=0 ; hostname=box',
    cause: 'out-of-memory',
    reason: /ran out of memory/,
    fix: /nvidia-smi/,
  },
  {
    name: 'cuDNN version mismatch',
    provider: 'cuda',
    error: 'CUDNN failure 1001: CUDNN_STATUS_VERSION_MISMATCH ; GPU=0',
    cause: 'cudnn-mismatch',
    reason: /not the version/,
    fix: /cuDNN 9/,
  },
  {
    name: 'TensorRT missing libnvinfer',
    provider: 'tensorrt',
    error: `${ORT.tensorrtMissing}\nFailed to load library libonnxruntime_providers_tensorrt.so with error: libnvinfer.so.10: cannot open shared object file: No such file or directory`,
    cause: 'tensorrt-missing',
    reason: /TensorRT/,
    fix: /TensorRT 10/,
  },
  {
    name: 'no WebGPU adapter',
    provider: 'webgpu',
    error: ORT.webgpu,
    cause: 'no-adapter',
    reason: /No WebGPU adapter/,
    fix: /Vulkan/,
  },
  {
    name: 'DirectML off Windows',
    provider: 'dml',
    error: ORT.dml,
    cause: 'not-in-build',
    reason: /no dml provider/,
    fix: /Windows only/,
  },
  {
    name: 'CoreML off macOS',
    provider: 'coreml',
    error: ORT.coreml,
    cause: 'not-in-build',
    reason: /no coreml provider/,
    fix: /macOS only/,
  },
  {
    name: 'something new',
    provider: 'cuda',
    error: 'CUDA failure 999: unknown error',
    cause: 'unknown',
    reason: /cuda session failed/,
    fix: /Check GPU/,
  },
];

for (const c of cases) {
  test(`${c.name} -> ${c.cause}`, () => {
    const x = explainProviderError(c.provider, c.error);
    assert.equal(x.cause, c.cause);
    assert.match(x.reason, c.reason);
    assert.match(x.fix, c.fix);
  });
}

test('the bare error alone keeps its old reading: the provider is not installed', () => {
  assert.equal(explainProviderError('cuda', ORT.cudaMissing).cause, 'provider-not-installed');
  assert.equal(
    explainProviderError('tensorrt', ORT.tensorrtMissing).reason.startsWith(
      'The TensorRT provider library is not installed',
    ),
    true,
  );
});

test('the bare error with the provider installed: the missing CUDA library found by the scan is the reason', () => {
  const installed = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
  assert.equal(
    explainProviderError('cuda', ORT.cudaMissing, {
      providerLibraries: installed,
      missingCudaLibraries: ['libcudnn.so.9'],
    }).cause,
    'cudnn-missing',
  );
  assert.equal(
    explainProviderError('cuda', ORT.cudaMissing, {
      providerLibraries: installed,
      missingCudaLibraries: ['libcublas.so.12'],
    }).cause,
    'cuda-runtime-missing',
  );
  const none = explainProviderError('cuda', ORT.cudaMissing, {
    providerLibraries: installed,
    missingCudaLibraries: [],
  });
  assert.equal(none.cause, 'unknown');
  assert.match(none.reason, /installed but did not load/);
  assert.equal(
    explainProviderError('cuda', ORT.cudaMissing, { providerLibraries: [], missingCudaLibraries: ['libcudnn.so.9'] })
      .cause,
    'provider-not-installed',
    'without the provider, that comes first',
  );
  assert.equal(
    explainProviderError('tensorrt', ORT.tensorrtMissing, {
      providerLibraries: ['libonnxruntime_providers_tensorrt.so'],
      missingCudaLibraries: [],
    }).cause,
    'tensorrt-missing',
  );
});
