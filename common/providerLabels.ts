// Execution providers' names as people write them, for every side that shows one: the GPU report
// (page, Markdown, cli), the status bar and the daemon's own messages.

const LABELS: Record<string, string> = {
  cpu: 'CPU',
  cuda: 'CUDA',
  tensorrt: 'TensorRT',
  webgpu: 'WebGPU',
  dml: 'DirectML',
  coreml: 'CoreML',
};

/** A provider's name as people write it ("TensorRT", "DirectML"); unknown names as given. */
export function providerLabel(provider: string): string {
  return LABELS[provider] ?? provider;
}
