// gpu:verify's command line: what it takes, its defaults, and the usage text that also says what
// must be present on the machine, so the script can be carried to a GPU machine and run there.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DecoderSetting } from './audio';

export const USAGE = `usage: npm run gpu:verify -- [options]
       node gpu-verify.js [options]        (the bundle built by tools/gpuVerify/pack.sh)

Runs SenseVoiceSmall (a full-size synthetic replica by default) on every GPU execution provider that
loads and on the CPU: token ids against the CPU's on the fp32 model, end-to-end time of a 30 s clip,
what the warm-up at load saves, 4 files at once vs one after another, GPU memory before/after.
Prints a table, writes JSON (schema in README.md, "GPU verification"). Exit 0: a GPU provider
works; 1: none works (the line says why for each), or the CPU itself failed; 2: bad usage.

  --providers LIST  comma-separated, of cuda, tensorrt, webgpu, dml, coreml, cpu (default: this
                    platform's GPU providers: Linux cuda,webgpu; Windows dml,webgpu,cuda; macOS
                    coreml,webgpu); the CPU always runs as the reference
  --model-dir DIR   a SenseVoice model folder (sherpa-onnx or FunASR layout; its fp32 model.onnx is
                    used everywhere); default: generate the synthetic model of --profile
  --profile P       full (default: SenseVoiceSmall's shapes, ~940 MB, generated into
                    .cache/test-models on first use, ~10-60 s) or tiny (3.6 MB, for tests)
  --seed N          the synthetic model's seed (default 4)
  --out FILE        where the JSON goes (default gpu-verify.json in the repo root)
  --quick           the five sense_voice clips, 1 warm run instead of 3
  --threads N       CPU intra-op threads (default 0: onnxruntime chooses)
  --decoder D       auto (default: ffmpeg when found, else the built-in WAV reader), ffmpeg, native
  --budget SEC      stop starting optional measurements after this long (default 270)
  --root DIR        the repository (default: the current folder, else the one this script is in)

Needs: node >= 20; onnxruntime-node 1.30 (node_modules, or beside the bundle); the repository's
tracked test/fixtures/audio and test/fixtures/sensevoice-small-assets; ffmpeg is optional; nothing
is downloaded. A GPU provider needs its driver: CUDA 12 + cuDNN 9 and onnxruntime-node's CUDA
download; WebGPU a Vulkan loader (libvulkan.so.1) and the GPU's Vulkan driver.`;

export const PROVIDER_NAMES = ['cuda', 'tensorrt', 'webgpu', 'dml', 'coreml', 'cpu'] as const;
export type VerifyProvider = (typeof PROVIDER_NAMES)[number];

export interface VerifyOptions {
  root: string;
  /** GPU providers to try, in order (the CPU is not among them: it always runs). */
  providers: VerifyProvider[];
  modelDir: string | null;
  profile: 'full' | 'tiny';
  seed: number;
  out: string;
  quick: boolean;
  threads: number;
  decoder: DecoderSetting;
  budgetSec: number;
}

export class UsageError extends Error {}

/** This platform's GPU providers, the ones the issue names: CUDA, WebGPU, DirectML, CoreML. */
export function platformGpuProviders(platform: NodeJS.Platform): VerifyProvider[] {
  if (platform === 'win32') return ['dml', 'webgpu', 'cuda'];
  if (platform === 'darwin') return ['coreml', 'webgpu'];
  return ['cuda', 'webgpu'];
}

/** The repository: a folder with the fixture clips and the model assets. */
export function findRoot(explicit: string | undefined): string {
  const candidates = explicit ? [path.resolve(explicit)] : [process.cwd(), path.resolve(__dirname, '..', '..')];
  for (const c of candidates) {
    if (
      fs.existsSync(path.join(c, 'test', 'fixtures', 'audio')) &&
      fs.existsSync(path.join(c, 'test', 'fixtures', 'sensevoice-small-assets'))
    )
      return c;
  }
  throw new UsageError(
    `${candidates.join(' or ')} is not the repository: test/fixtures/audio and test/fixtures/sensevoice-small-assets are needed (run from the repository root, or pass --root)`,
  );
}

function int(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new UsageError(`--${name} takes an integer >= ${min}, got '${text}'`);
  return Number(text);
}

/** null means --help. */
export function parseOptions(
  argv: readonly string[],
  platform: NodeJS.Platform = process.platform,
): VerifyOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        providers: { type: 'string' },
        'model-dir': { type: 'string' },
        profile: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        quick: { type: 'boolean' },
        threads: { type: 'string' },
        decoder: { type: 'string' },
        budget: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return null;
  const root = findRoot(values.root);
  let providers = platformGpuProviders(platform);
  if (values.providers !== undefined) {
    const asked = values.providers
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const unknown = asked.filter((p) => !(PROVIDER_NAMES as readonly string[]).includes(p));
    if (unknown.length > 0 || asked.length === 0)
      throw new UsageError(`--providers: unknown '${unknown.join(', ')}'; use some of ${PROVIDER_NAMES.join(', ')}`);
    providers = [...new Set(asked as VerifyProvider[])].filter((p) => p !== 'cpu');
  }
  const profile = values.profile ?? 'full';
  if (profile !== 'full' && profile !== 'tiny') throw new UsageError(`--profile is full or tiny, got '${profile}'`);
  const decoder = values.decoder ?? 'auto';
  if (decoder !== 'auto' && decoder !== 'ffmpeg' && decoder !== 'native')
    throw new UsageError(`--decoder is auto, ffmpeg or native, got '${decoder}'`);
  const modelDir = values['model-dir'] ? path.resolve(values['model-dir']) : null;
  if (modelDir && !fs.existsSync(modelDir)) throw new UsageError(`--model-dir ${modelDir} does not exist`);
  return {
    root,
    providers,
    modelDir,
    profile,
    seed: int('seed', values.seed, 4, 0),
    out: path.resolve(values.out ?? path.join(root, 'gpu-verify.json')),
    quick: values.quick ?? false,
    threads: int('threads', values.threads, 0, 0),
    decoder,
    budgetSec: int('budget', values.budget, 270, 1),
  };
}
