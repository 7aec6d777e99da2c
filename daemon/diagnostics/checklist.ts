// The guide's checklist, judged from the facts the GPU check gathered: driver, provider, audio
// pre-decoding, warm-up at load, VAD segment cap, concurrency. Pure, so every verdict is tested
// against faked facts. Also the one-line answer at the top of the report.
import type {
  BenchmarkResult,
  ChecklistItem,
  CheckStatus,
  FfmpegCheck,
  GpuReport,
  NvidiaInfo,
  ProviderFailureCause,
  ProviderProbe,
} from '../../common/protocol';
import { providerCandidates, type ProviderName } from '../inference/providers';
import { providerLabel } from '../../common/providerLabels';

export interface ChecklistFacts {
  platform: NodeJS.Platform;
  quick: boolean;
  settings: GpuReport['settings'];
  cpuCores: number;
  nvidia: NvidiaInfo;
  providers: ProviderProbe[];
  selectedProvider: string | null;
  ffmpeg: FfmpegCheck;
  benchmark: BenchmarkResult | null;
}

/** A failure cause in a few words, for the one-line answer. */
const SHORT: Record<ProviderFailureCause, string> = {
  'provider-not-installed': 'provider library not installed',
  'provider-damaged': 'provider library damaged',
  'cuda-runtime-missing': 'CUDA 12 libraries not found',
  'cudnn-missing': 'cuDNN 9 not found',
  'cudnn-mismatch': 'wrong cuDNN version',
  'tensorrt-missing': 'TensorRT not found',
  'driver-too-old': 'driver too old',
  'driver-mismatch': 'driver and libraries differ (reboot)',
  'no-device': 'no GPU visible',
  'no-adapter': 'no adapter',
  'not-in-build': 'not in this build',
  'out-of-memory': 'out of GPU memory',
  'wrong-result': 'wrong results',
  crashed: 'crashed',
  timeout: 'hung',
  'runtime-missing': 'onnxruntime-node missing',
  unknown: 'failed',
};

/** The GPU's name for a provider that runs on the NVIDIA card nvidia-smi describes; null otherwise. */
export function deviceName(provider: string | null, nvidia: NvidiaInfo): string | null {
  if ((provider === 'cuda' || provider === 'tensorrt') && nvidia.gpus.length > 0) return nvidia.gpus[0]?.name ?? null;
  return null;
}

export function buildChecklist(f: ChecklistFacts): ChecklistItem[] {
  const items: ChecklistItem[] = [driverItem(f)];
  if (!f.quick) items.push(providerItem(f));
  items.push(predecodeItem(f.ffmpeg));
  if (!f.quick) items.push(warmupItem(f));
  items.push(vadItem(f.settings), concurrencyItem(f.settings, f.cpuCores));
  return items;
}

function driverItem(f: ChecklistFacts): ChecklistItem {
  const title = 'GPU driver';
  const n = f.nvidia;
  if (f.platform === 'darwin') {
    return {
      id: 'driver',
      title,
      status: 'pass',
      detail: 'macOS: CoreML and WebGPU use the GPU driver that ships with the system.',
    };
  }
  if (n.status === 'ok') {
    const names = [...new Set(n.gpus.map((g) => g.name))].join(', ');
    if (n.driverOk === false) {
      return {
        id: 'driver',
        title,
        status: 'fail',
        detail: `NVIDIA driver ${n.driverVersion} (${names}) is older than ${n.minDriverVersion}, the oldest the CUDA 12 provider runs on.`,
        fix: `Update the NVIDIA driver to ${n.minDriverVersion} or newer (Ubuntu: sudo ubuntu-drivers install; others: nvidia.com/drivers), then reboot.`,
      };
    }
    return {
      id: 'driver',
      title,
      status: 'pass',
      detail: `NVIDIA driver ${n.driverVersion} with ${n.gpus.length} GPU(s): ${names}. CUDA 12 needs ${n.minDriverVersion} or newer.`,
    };
  }
  if (n.status === 'not-found') {
    return {
      id: 'driver',
      title,
      status: 'warn',
      detail:
        'No NVIDIA driver: nvidia-smi is not installed, so CUDA cannot be used. If this machine has no NVIDIA GPU that is expected, and the CPU (or WebGPU) is used.',
      fix: 'If it has an NVIDIA GPU, install the NVIDIA driver (Ubuntu: sudo ubuntu-drivers install; Windows: nvidia.com/drivers).',
    };
  }
  if (n.status === 'no-devices') {
    return {
      id: 'driver',
      title,
      status: 'fail',
      detail: 'The NVIDIA driver is installed but sees no GPU ("No devices were found").',
      fix: "In a container or VM, pass the GPU through (docker run --gpus all, or the VM's PCI passthrough); on a laptop, check that the discrete GPU is enabled.",
    };
  }
  if (n.status === 'timeout') {
    return {
      id: 'driver',
      title,
      status: 'fail',
      detail: n.error ?? 'nvidia-smi did not answer.',
      fix: 'Reboot: a hung nvidia-smi means the driver is stuck.',
    };
  }
  const said = n.error ?? 'nvidia-smi failed.';
  const fix = /version mismatch/i.test(said)
    ? 'Reboot: the driver was updated and the old kernel module is still loaded.'
    : /couldn't communicate with the NVIDIA driver/i.test(said)
      ? 'Install or load the NVIDIA driver (after installing, reboot; with Secure Boot, the module must be signed).'
      : 'Reinstall the NVIDIA driver, then reboot.';
  return { id: 'driver', title, status: 'fail', detail: said, fix };
}

function providerItem(f: ChecklistFacts): ChecklistItem {
  const title = 'Execution provider';
  const probe = (p: string) => f.providers.find((x) => x.provider === p);
  const cpu = probe('cpu');
  if (cpu && !cpu.ok) {
    return {
      id: 'provider',
      title,
      status: 'fail',
      detail: `Even the CPU provider failed: ${cpu.reason ?? cpu.error}. onnxruntime-node itself is broken.`,
      fix: 'Reinstall the extension (or run npm ci in a checkout).',
    };
  }
  const selected = f.selectedProvider;
  const setting = f.settings.provider;
  const failedCandidates = failedGpuCandidates(f);
  const why = failedCandidates.map((p) => `${providerLabel(p.provider)}: ${p.reason}`).join(' ');
  if (selected && selected !== 'cpu') {
    const device = deviceName(selected, f.nvidia);
    return {
      id: 'provider',
      title,
      status: 'pass',
      detail: `${providerLabel(selected)} works${device ? ` on ${device}` : ''}: models load there${setting === 'auto' ? ' (provider: auto)' : ''}.`,
    };
  }
  const workingGpu = f.providers.filter((p) => p.ok && p.provider !== 'cpu' && p.provider !== 'tensorrt');
  if (setting === 'cpu') {
    if (workingGpu.length > 0) {
      const names = workingGpu.map((p) => providerLabel(p.provider)).join(', ');
      return {
        id: 'provider',
        title,
        status: 'warn',
        detail: `sensevoice.provider is "cpu", but ${names} works here.`,
        fix: 'Set sensevoice.provider to "auto" to use the GPU (an fp32 model runs best there).',
      };
    }
    return { id: 'provider', title, status: 'pass', detail: 'The CPU is used, as sensevoice.provider asks.' };
  }
  if (setting !== 'auto') {
    const asked = probe(setting);
    return {
      id: 'provider',
      title,
      status: 'fail',
      detail: `sensevoice.provider is "${setting}", but ${providerLabel(setting)} fails (${asked?.reason ?? 'not tried'}), so the CPU is used instead.`,
      fix: fixFor(asked),
    };
  }
  const hasNvidia = f.nvidia.status === 'ok' && f.nvidia.gpus.length > 0;
  if (hasNvidia) {
    const gpu = f.nvidia.gpus[0]?.name ?? 'NVIDIA GPU';
    return {
      id: 'provider',
      title,
      status: 'fail',
      detail: `The ${gpu} is not used: inference runs on the CPU. ${why}`.trim(),
      fix: fixFor(probe('cuda') ?? failedCandidates[0]),
    };
  }
  // No NVIDIA GPU: CUDA's fix (install its provider) would not help; WebGPU's might.
  const gpuPath = failedCandidates.find((p) => p.provider !== 'cuda') ?? failedCandidates[0];
  return {
    id: 'provider',
    title,
    status: 'warn',
    detail: `No GPU provider works here, so inference runs on the CPU. ${why}`.trim(),
    ...(gpuPath?.fix
      ? { fix: `If this machine has a GPU: ${gpuPath.fix.charAt(0).toLowerCase()}${gpuPath.fix.slice(1)}` }
      : {}),
  };
}

/** The GPU providers the setting would try, that failed, in the order they are tried. */
function failedGpuCandidates(f: ChecklistFacts): ProviderProbe[] {
  return providerCandidates(f.settings.provider, f.platform)
    .filter((p) => p !== 'cpu')
    .map((p) => f.providers.find((x) => x.provider === p))
    .filter((p): p is ProviderProbe => !!p && !p.ok);
}

function fixFor(p: ProviderProbe | undefined): string {
  return p?.fix ?? 'Run the check again with the GPU connected.';
}

function predecodeItem(ff: FfmpegCheck): ChecklistItem {
  const title = 'Audio pre-decoding';
  if (!ff.path) {
    return {
      id: 'predecode',
      title,
      status: 'fail',
      detail: 'No ffmpeg was found, so no file can be decoded to the 16 kHz mono samples the model takes.',
      fix: 'Install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) or set sensevoice.ffmpegPath.',
    };
  }
  const lacking = (['mp3', 'aac', 'opus'] as const).filter((k) => ff.decoders[k].length === 0);
  if (ff.error || lacking.length > 0) {
    return {
      id: 'predecode',
      title,
      status: 'warn',
      detail: ff.error
        ? `ffmpeg ${ff.version ?? ''} at ${ff.path}: ${ff.error}`
        : `ffmpeg ${ff.version ?? ''} at ${ff.path} cannot decode ${lacking.join(', ')}: such files fail with DecodeFailed.`,
      fix: "Install a full ffmpeg build (the distribution's ffmpeg package, or ffmpeg-static) and point sensevoice.ffmpegPath at it.",
    };
  }
  return {
    id: 'predecode',
    title,
    status: 'pass',
    detail: `ffmpeg ${ff.version} decodes mp3, aac and opus; every file is decoded to 16 kHz mono and streamed to the front end before inference, so the model never waits on a codec.`,
  };
}

function warmupItem(f: ChecklistFacts): ChecklistItem {
  const title = 'Warm-up at load';
  const run = f.benchmark?.runs.find((r) => r.provider === f.selectedProvider && r.ok);
  const base =
    'The daemon runs one inference as soon as it loads a model, so the first file does not pay for provider start-up.';
  if (!run || run.coldMs === undefined || run.warmMs === undefined) {
    return {
      id: 'warmup',
      title,
      status: 'warn',
      detail: `${base} Its effect could not be measured here: no provider could be timed.`,
    };
  }
  const saved = run.coldMs - run.warmMs;
  const measured = `Here a fresh ${providerLabel(run.provider)} session's first run took ${Math.round(run.coldMs)} ms and later runs ${Math.round(run.warmMs)} ms`;
  return {
    id: 'warmup',
    title,
    status: 'pass',
    detail: `${base} ${measured}${saved > 0.2 * run.warmMs ? `: the warm-up saves the first file about ${Math.round(saved)} ms.` : '.'}${run.provider !== 'cpu' ? ' On a GPU, each new input length can cost extra the first time.' : ''}`,
  };
}

function vadItem(s: GpuReport['settings']): ChecklistItem {
  const title = 'VAD segment cap';
  if (s.vad !== 'on') {
    return {
      id: 'vadCap',
      title,
      status: 'warn',
      detail:
        'VAD is off: each file goes through the model in one pass. SenseVoiceSmall is trained on short utterances: past about 30 s accuracy drops, and an hour-long file needs tens of GB.',
      fix: 'Set sensevoice.vad to "on" (segments of at most sensevoice.maxSegmentSec, 30 s by default).',
    };
  }
  if (s.maxSegmentSec > 30) {
    return {
      id: 'vadCap',
      title,
      status: 'warn',
      detail: `VAD is on, but segments may last ${s.maxSegmentSec} s; past about 30 s accuracy drops.`,
      fix: 'Set sensevoice.maxSegmentSec to 30 or less (20-30 is what FunASR and sherpa-onnx use).',
    };
  }
  return {
    id: 'vadCap',
    title,
    status: 'pass',
    detail: `VAD is on; speech is cut into segments of at most ${s.maxSegmentSec} s.`,
  };
}

function concurrencyItem(s: GpuReport['settings'], cores: number): ChecklistItem {
  const title = 'Concurrency';
  const threads = s.threads > 0 ? `${s.threads} thread(s) each` : "ONNX Runtime's choice of threads";
  if (!(s.concurrency >= 1)) {
    return {
      id: 'concurrency',
      title,
      status: 'fail',
      detail: `sensevoice.concurrency is ${s.concurrency}: no file would ever run.`,
      fix: 'Set sensevoice.concurrency to 1 or more.',
    };
  }
  if (s.concurrency > cores) {
    return {
      id: 'concurrency',
      title,
      status: 'warn',
      detail: `${s.concurrency} files at once on ${cores} CPU core(s): they only take turns and use more memory.`,
      fix: `Set sensevoice.concurrency to ${Math.max(1, Math.min(2, cores))}.`,
    };
  }
  if (s.threads > 0 && s.concurrency * s.threads > cores) {
    return {
      id: 'concurrency',
      title,
      status: 'warn',
      detail: `${s.concurrency} files at once x ${s.threads} threads = ${s.concurrency * s.threads} threads on ${cores} core(s): they slow each other down.`,
      fix: `Set sensevoice.threads to ${Math.max(1, Math.floor(cores / s.concurrency))}, or sensevoice.threads to 0 and let ONNX Runtime choose.`,
    };
  }
  return {
    id: 'concurrency',
    title,
    status: 'pass',
    detail: `${s.concurrency} file(s) at once with ${threads}, on ${cores} core(s).`,
  };
}

/** The answer in one line, from the provider verdict (or the driver's, in a quick check). */
export function summarize(f: ChecklistFacts, checklist: ChecklistItem[]): GpuReport['summary'] {
  const gpus = f.nvidia.gpus;
  if (f.quick) {
    const status: CheckStatus = checklist.find((c) => c.id === 'driver')?.status ?? 'warn';
    const headline =
      gpus.length > 0
        ? `${gpus.length} NVIDIA GPU(s): ${gpus.map((g) => g.name).join(', ')} (driver ${f.nvidia.driverVersion}). Providers were not tried: run the full check.`
        : `No NVIDIA GPU found (${f.nvidia.status}). Providers were not tried: run the full check.`;
    return { status, provider: null, device: null, headline };
  }
  const item = checklist.find((c) => c.id === 'provider');
  const selected = f.selectedProvider;
  const device = deviceName(selected, f.nvidia);
  let headline: string;
  if (selected && selected !== 'cpu') {
    const run = f.benchmark?.runs.find((r) => r.provider === selected && r.ok);
    const speed = run?.rtf
      ? ` (${(1 / run.rtf).toFixed(0)}x real time on the ${f.benchmark?.model === 'synthetic' ? 'synthetic model' : 'model'})`
      : '';
    headline = `The GPU works: inference runs on ${providerLabel(selected)}${device ? ` (${device})` : ''}${speed}.`;
  } else if (selected === 'cpu') {
    const why = failedGpuCandidates(f).map((p) => `${providerLabel(p.provider)}: ${SHORT[p.cause ?? 'unknown']}`);
    const hardware =
      gpus.length > 0 ? `the ${gpus[0]?.name} is not used` : f.platform === 'darwin' ? '' : 'no NVIDIA GPU found';
    headline =
      why.length === 0
        ? 'Inference runs on the CPU, as set.'
        : `Inference runs on the CPU: ${[hardware, ...why].filter(Boolean).join('; ')}.`;
  } else {
    headline = 'No execution provider works, not even the CPU.';
  }
  return { status: item?.status ?? 'fail', provider: selected, device, headline };
}

/** The provider a model loaded now would run on: the first candidate for the setting that worked. */
export function selectProvider(
  setting: GpuReport['settings']['provider'],
  platform: NodeJS.Platform,
  probes: ProviderProbe[],
): ProviderName | null {
  for (const p of providerCandidates(setting, platform)) if (probes.find((x) => x.provider === p)?.ok) return p;
  return null;
}
