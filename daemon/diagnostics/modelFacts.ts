// The model the GPU check looks at: its layout, the file each kind of provider would run (int8 on the
// CPU, fp32 on GPUs when both exist, as the loader chooses), and the int8-on-CUDA trap.
import { errorCodeName, SenseVoiceError, type ModelFacts } from '../../common/protocol';
import { inspectModelFolder, type ModelFolderInfo } from '../model/modelFolder';

export interface InspectedModel {
  facts: ModelFacts;
  cpu: ModelFolderInfo | null;
  gpu: ModelFolderInfo | null;
}

export async function inspectModelForCheck(
  dir: string | undefined,
  source: ModelFacts['source'],
): Promise<InspectedModel> {
  const empty: ModelFacts = { source, dir: dir ?? null, layout: null, cpuFile: null, gpuFile: null, warnings: [] };
  if (!dir) return { facts: { ...empty, source: 'none' }, cpu: null, gpu: null };
  try {
    const cpu = await inspectModelFolder(dir, { preferQuantized: true });
    const gpu = cpu.otherModelFiles.length > 0 ? await inspectModelFolder(dir, { preferQuantized: false }) : cpu;
    const file = (f: ModelFolderInfo) => ({ path: f.modelFile, quantization: f.quantization, sizeBytes: f.sizeBytes });
    return { facts: { ...empty, dir: cpu.dir, layout: cpu.layout, cpuFile: file(cpu), gpuFile: file(gpu) }, cpu, gpu };
  } catch (err) {
    const code = err instanceof SenseVoiceError ? errorCodeName(err.code) : 'InternalError';
    return {
      facts: { ...empty, error: { code, message: err instanceof Error ? err.message : String(err) } },
      cpu: null,
      gpu: null,
    };
  }
}

/** Warnings that depend on where the model will run. */
export function modelWarnings(facts: ModelFacts, selectedProvider: string | null): string[] {
  const out: string[] = [];
  if ((selectedProvider === 'cuda' || selectedProvider === 'tensorrt') && facts.gpuFile?.quantization === 'int8') {
    out.push(
      `An int8 model is about to run on CUDA: its quantised nodes have no CUDA kernels and fall back to the CPU, which can be slower than the CPU alone (one report: 2800 ms on the GPU against 128 ms on the CPU). Put the fp32 model.onnx in ${facts.dir}, or set sensevoice.provider to cpu.`,
    );
  }
  return out;
}
