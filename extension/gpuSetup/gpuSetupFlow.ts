// "SenseVoice: Set Up GPU" and "Remove GPU Libraries" without the window: ask the daemon for the
// plan, show it (size, licence, NVIDIA prerequisites, the driver check) and ask before downloading,
// run the download under a cancellable progress, then restart the daemon so it loads the provider
// and run the GPU check. The question offers a second button that also fetches NVIDIA's CUDA
// libraries into the per-user store (sizes and NVIDIA's licences in the detail, asked before any
// download); that fetch runs under its own progress notification. No vscode import: the window is the `GpuSetupUi` seam, so the flow is
// unit-tested with a fake connection and a fake window.
import type { RequestOptions } from '../../client/daemonConnection';
import {
  ErrorCode,
  SenseVoiceError,
  type CudaLibrariesPlan,
  type CudaLibrariesSetupResult,
  type GpuSetupPlan,
  type GpuSetupResult,
  type ParamsOf,
  type ProgressParams,
  type RequestName,
  type ResultOf,
} from '../../common/protocol';
import { bytesText } from '../../common/units';
import { DownloadProgress } from '../modelSetup/downloadProgress';

/** The window, as the flow needs it. */
export interface GpuSetupUi {
  /** A modal question; resolves to the chosen action or undefined (dismissed). */
  ask(message: string, detail: string, ...actions: string[]): Promise<string | undefined>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  /** A cancellable progress notification; cancelling aborts the signal. */
  progress<T>(
    title: string,
    task: (report: (step: { message: string; increment?: number }) => void, signal: AbortSignal) => Promise<T>,
  ): Promise<T>;
}

export interface GpuSetupDeps {
  request<M extends RequestName>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>>;
  /** Restarts the daemon, so the new provider libraries are loaded by a fresh runtime. */
  restartDaemon(): Promise<unknown>;
  /** Opens the GPU check (the full check runs by itself). */
  runGpuCheck(): Promise<unknown>;
  /** The sensevoice.gpu.feedUrl setting; undefined for nuget.org. */
  feedUrl(): string | undefined;
  /** The sensevoice.gpu.pypiFeedUrl setting; undefined for pypi.org. */
  pypiFeedUrl(): string | undefined;
  ui: GpuSetupUi;
  log(message: string): void;
}

/** The two commands (here, not in the registering file, so the GPU check panel can name one without a cycle). */
export const GPU_SETUP_COMMANDS = {
  setUp: 'sensevoice.setUpGpu',
  remove: 'sensevoice.removeGpuLibraries',
} as const;

export type GpuSetupOutcome = 'done' | 'unsupported' | 'blocked' | 'declined' | 'cancelled';

export const CHECK_GPU = 'Check GPU';
const DOWNLOAD = 'Download and Set Up';
const SET_UP = 'Set Up';
const REPLACE = 'Replace';
const REMOVE = 'Remove';

/** The second button: the provider libraries and NVIDIA's CUDA libraries, with the size up front. */
export function cudaButton(c: CudaLibrariesPlan): string {
  return c.downloadBytes > 0
    ? `Also Get NVIDIA CUDA Libraries (${bytesText(c.downloadBytes)})`
    : 'Also Get NVIDIA CUDA Libraries';
}

/** The confirmation's detail: what is fetched, from where, under which licence, and what NVIDIA parts to have. */
export function planDetail(p: GpuSetupPlan): string {
  const d = p.driver;
  const driver =
    d.status === 'ok'
      ? `NVIDIA driver ${d.driverVersion} (${d.gpus.map((g) => g.name).join(', ')}): OK for CUDA 12.`
      : `NVIDIA driver: ${d.status}.`;
  return [
    p.cached
      ? `${p.packageId} ${p.version} is already in the cache (${p.cacheDir}): nothing to download.`
      : `${p.packageId} ${p.version}${p.sizeBytes !== undefined ? `, ${bytesText(p.sizeBytes)}` : ''}, from ${p.packageUrl ?? p.feedUrl}, checked against the feed's SHA-512.`,
    `It places ${p.files.join(', ')} beside the bundled ONNX Runtime.`,
    p.licence,
    driver,
    ...(p.cudaLibraries ? [cudaDetail(p.cudaLibraries)] : []),
    p.cudaLibraries?.complete
      ? "NVIDIA's CUDA libraries are in SenseVoice's store: the daemon starts with them."
      : 'You also need from NVIDIA (or choose the NVIDIA CUDA libraries button):',
    ...(p.cudaLibraries?.complete ? [] : p.prerequisites.map((x) => `• ${x}`)),
  ].join('\n\n');
}

/** NVIDIA's packages the second button fetches, with sizes and licences. */
function cudaDetail(c: CudaLibrariesPlan): string {
  const lines = c.packages.map(
    (p) =>
      `• ${p.name} ${p.version} (${p.role}): ${p.inStore ? 'in the store' : p.sizeBytes !== undefined ? bytesText(p.sizeBytes) : 'size unknown'}; ${p.licence}, ${p.licenceUrl}`,
  );
  return [
    `NVIDIA's CUDA libraries, from ${c.feedUrl}, checked against the index's sha256${c.complete ? '' : `, ${bytesText(c.downloadBytes)} to download`}; only the .so files are kept in ${c.libDir}, which the daemon gets on LD_LIBRARY_PATH. Choosing that button accepts NVIDIA's licences:`,
    ...lines,
    ...(c.error ? [`(The index could not be asked for sizes: ${c.error})`] : []),
  ].join('\n');
}

export async function runGpuSetup(deps: GpuSetupDeps): Promise<GpuSetupOutcome> {
  const feedUrl = deps.feedUrl();
  const pypiFeedUrl = deps.pypiFeedUrl();
  const plan = await deps.request('gpu/setupPlan', {
    feedUrl,
    cudaLibraries: true,
    ...(pypiFeedUrl ? { pypiFeedUrl } : {}),
  });
  if (!plan.supported) {
    if ((await deps.ui.info(plan.platformNote ?? 'GPU setup is for Linux x64.', CHECK_GPU)) === CHECK_GPU)
      await deps.runGpuCheck();
    return 'unsupported';
  }
  if (plan.blocker) {
    deps.log(`GPU setup stopped: ${plan.blocker.message}`);
    if ((await deps.ui.error(plan.blocker.message, CHECK_GPU)) === CHECK_GPU) await deps.runGpuCheck();
    return 'blocked';
  }
  const go = plan.cached ? SET_UP : DOWNLOAD;
  const question = plan.cached
    ? 'Place the CUDA provider libraries from the cache?'
    : `Download the CUDA provider libraries${plan.sizeBytes !== undefined ? ` (${bytesText(plan.sizeBytes)})` : ''}?`;
  const cuda = plan.cudaLibraries && !plan.cudaLibraries.complete ? cudaButton(plan.cudaLibraries) : undefined;
  const answer = await deps.ui.ask(question, planDetail(plan), go, ...(cuda ? [cuda] : []));
  if (answer !== go && (cuda === undefined || answer !== cuda)) return 'declined';

  let overwrite = false;
  for (;;) {
    try {
      const r = await setUp(deps, feedUrl, overwrite);
      deps.log(
        `GPU setup: ${r.placed.length ? `placed ${r.placed.join(', ')}` : 'already in place'} in ${r.binDir} (${r.fromCache ? 'from the cache' : `${r.downloadedBytes} bytes downloaded, ${r.resumedBytes} resumed, SHA-512 verified`})`,
      );
      break;
    } catch (err) {
      if (err instanceof SenseVoiceError && err.code === ErrorCode.GpuLibrariesExist && !overwrite) {
        if ((await deps.ui.ask('Replace the provider libraries already there?', err.message, REPLACE)) !== REPLACE)
          return 'declined';
        overwrite = true;
        continue;
      }
      if (err instanceof SenseVoiceError && err.code === ErrorCode.Cancelled) {
        void deps.ui.info('GPU setup paused. Run "SenseVoice: Set Up GPU" again to resume the download.');
        return 'cancelled';
      }
      throw err;
    }
  }
  if (cuda !== undefined && answer === cuda) {
    try {
      const r = await fetchCuda(deps, pypiFeedUrl);
      deps.log(
        `NVIDIA CUDA libraries: ${r.fetched.length ? `fetched ${r.fetched.join(', ')}` : 'all in the store'} (${r.downloadedBytes} bytes downloaded, ${r.resumedBytes} resumed, sha256 verified); ${r.files.length} libraries in ${r.libDir}`,
      );
    } catch (err) {
      if (err instanceof SenseVoiceError && err.code === ErrorCode.Cancelled) {
        void deps.ui.info(
          'GPU setup paused while getting NVIDIA\'s CUDA libraries. Run "SenseVoice: Set Up GPU" again and choose them to resume the download.',
        );
        return 'cancelled';
      }
      throw err;
    }
  }
  // A runtime that tried CUDA before the libraries were there does not try again: start a fresh one.
  await deps.restartDaemon();
  void deps.ui.info(
    'SenseVoice: the CUDA provider libraries are in place and the daemon was restarted. The GPU check is running: it shows whether CUDA runs, and what is missing if not.',
  );
  await deps.runGpuCheck();
  return 'done';
}

function setUp(deps: GpuSetupDeps, feedUrl: string | undefined, overwrite: boolean): Promise<GpuSetupResult> {
  return deps.ui.progress('SenseVoice: setting up the GPU', (report, signal) => {
    const bar = new DownloadProgress();
    return deps.request(
      'gpu/setup',
      { feedUrl, ...(overwrite ? { overwrite: true } : {}) },
      { signal, onProgress: (p: ProgressParams) => report(bar.next(p)) },
    );
  });
}

function fetchCuda(deps: GpuSetupDeps, pypiFeedUrl: string | undefined): Promise<CudaLibrariesSetupResult> {
  return deps.ui.progress("SenseVoice: getting NVIDIA's CUDA libraries", (report, signal) => {
    const bar = new DownloadProgress();
    return deps.request(
      'gpu/setupCudaLibraries',
      { ...(pypiFeedUrl ? { pypiFeedUrl } : {}) },
      { signal, onProgress: (p: ProgressParams) => report(bar.next(p)) },
    );
  });
}

export async function runGpuRemove(deps: GpuSetupDeps): Promise<boolean> {
  const detail =
    "The CUDA provider libraries that setup placed beside the bundled ONNX Runtime are removed, and the per-user cache with them (NVIDIA's CUDA libraries too, when setup fetched them). Libraries that setup did not place are left alone. The daemon restarts without them.";
  if ((await deps.ui.ask('Remove the GPU libraries?', detail, REMOVE)) !== REMOVE) return false;
  const r = await deps.request('gpu/remove', undefined);
  deps.log(
    `GPU remove: removed ${r.removed.join(', ') || 'nothing'} from ${r.binDir}; cache ${r.cacheDir} ${r.cacheRemoved ? 'removed' : 'absent'}`,
  );
  await deps.restartDaemon();
  const kept = r.kept.length ? ` Kept ${r.kept.join(', ')}: setup did not place them.` : '';
  void deps.ui.info(
    r.removed.length || r.cacheRemoved
      ? `SenseVoice: GPU libraries removed${r.cudaLibrariesRemoved ? ", NVIDIA's CUDA libraries with them" : ''}.${kept}`
      : `SenseVoice: no GPU libraries from setup were found.${kept}`,
  );
  return true;
}
