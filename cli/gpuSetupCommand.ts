// `sensevoice gpu setup|remove`: the CUDA provider libraries for Linux x64 through the daemon. Setup
// shows the plan first (size, licence, what NVIDIA parts to have, the driver check) and asks before
// downloading unless --yes; a driver that cannot run CUDA 12 stops it there. Ctrl-C pauses the
// download (the next setup resumes it). With --cuda-libraries it also fetches NVIDIA's CUDA 12 /
// cuDNN 9 wheels into the per-user store (sizes and NVIDIA's licences in the plan, one question).
import { createInterface } from 'node:readline/promises';
import type { DaemonConnection } from '../client/daemonConnection';
import {
  ErrorCode,
  SenseVoiceError,
  type CudaLibrariesPlan,
  type CudaLibrariesSetupResult,
  type GpuRemoveResult,
  type GpuSetupPlan,
  type GpuSetupResult,
} from '../common/protocol';
import { bytesText } from '../common/units';
import { printError, UsageError } from './output';
import { ProgressBar, type BarUpdate } from './progressBar';

export interface GpuCliOptions {
  json: boolean;
  feedUrl: string | undefined;
  /** Go ahead without asking. */
  yes: boolean;
  /** Replace provider libraries in the bin folder that setup did not place. */
  force: boolean;
  /** Also fetch NVIDIA's CUDA 12 runtime, cuBLAS and cuDNN 9 into the per-user store. */
  cudaLibraries?: boolean;
  /** PyPI's JSON API or a mirror, for --cuda-libraries. */
  pypiFeedUrl?: string | undefined;
}

/** The seams the command talks through (the terminal, in tests a fake). */
export interface GpuCliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Asks a yes/no question; null when there is no terminal to ask on. */
  ask: ((question: string) => Promise<boolean>) | null;
}

/** Checks `gpu ARGS` before a daemon is started. */
export function checkGpuArgs(args: string[]): 'setup' | 'remove' {
  const [sub, ...extra] = args;
  if (sub !== 'setup' && sub !== 'remove')
    throw new UsageError(
      sub
        ? `unknown gpu command "${sub}": use "gpu setup" or "gpu remove".`
        : 'gpu needs a command: "gpu setup" or "gpu remove".',
    );
  if (extra.length) throw new UsageError(`gpu ${sub} takes no further arguments (got ${extra.join(' ')}).`);
  return sub;
}

export function terminalIo(): GpuCliIo {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    ask: process.stdin.isTTY
      ? async (question) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
          } finally {
            rl.close();
          }
        }
      : null,
  };
}

export async function gpuCommand(
  daemon: DaemonConnection,
  args: string[],
  o: GpuCliOptions,
  io: GpuCliIo = terminalIo(),
): Promise<number> {
  return checkGpuArgs(args) === 'setup' ? setup(daemon, o, io) : remove(daemon, o, io);
}

/** The plan as the terminal shows it before anything is downloaded. */
export function renderPlan(p: GpuSetupPlan): string {
  const out: string[] = [];
  if (!p.supported) return `${p.platformNote ?? 'GPU setup is for Linux x64.'}\n`;
  out.push(`GPU setup: ${p.packageId} ${p.version} (the CUDA provider for the bundled onnxruntime-node)`);
  out.push(`  from      ${p.packageUrl ?? p.feedUrl}`);
  if (p.cached) out.push(`  size      already in the cache ${p.cacheDir}: nothing to download`);
  else if (p.blocker) out.push('  size      not looked up: the driver check stops the setup first');
  else
    out.push(
      `  size      ${p.sizeBytes !== undefined ? bytesText(p.sizeBytes) : 'not published by the feed'}, verified against the feed's SHA-512`,
    );
  out.push(`  places    ${p.files.join(', ')}`);
  out.push(`  into      ${p.binDir ?? '(onnxruntime-node not found)'}`);
  out.push(`  licence   ${p.licence}`);
  const d = p.driver;
  out.push(
    `  driver    ${d.status === 'ok' ? `NVIDIA ${d.driverVersion} (${d.gpus.map((g) => g.name).join(', ')}); CUDA 12 needs ${d.minDriverVersion} or newer` : `${d.status}${d.error ? `: ${d.error}` : ''}`}`,
  );
  if (p.cudaLibraries) out.push('', ...renderCudaPlan(p.cudaLibraries));
  else {
    out.push('', 'You also need, from NVIDIA (not downloaded without --cuda-libraries):');
    for (const line of p.prerequisites) out.push(`  - ${line}`);
  }
  return out.join('\n') + '\n';
}

/** NVIDIA's packages --cuda-libraries fetches: each with its size and licence, then the total. */
export function renderCudaPlan(c: CudaLibrariesPlan): string[] {
  const out = [
    `NVIDIA's CUDA libraries (--cuda-libraries), from ${c.feedUrl}, each checked against the index's sha256:`,
  ];
  for (const p of c.packages)
    out.push(
      `  ${p.name} ${p.version}  ${p.role}  ${p.inStore ? 'in the store' : p.sizeBytes !== undefined ? bytesText(p.sizeBytes) : 'size unknown'}  licence: ${p.licence} (${p.licenceUrl})`,
    );
  out.push(
    c.complete
      ? `  all in the store ${c.storeDir}: nothing to download`
      : `  to download: ${bytesText(c.downloadBytes)}; only the .so files are kept, in ${c.libDir}`,
  );
  if (c.error) out.push(`  the index could not be asked: ${c.error}`);
  out.push(
    "  By downloading them you accept NVIDIA's licences above. The daemon is started with that folder on LD_LIBRARY_PATH.",
  );
  return out;
}

async function setup(daemon: DaemonConnection, o: GpuCliOptions, io: GpuCliIo): Promise<number> {
  const plan = await daemon.request('gpu/setupPlan', {
    feedUrl: o.feedUrl,
    ...(o.cudaLibraries ? { cudaLibraries: true, pypiFeedUrl: o.pypiFeedUrl } : {}),
  });
  if (!plan.supported) {
    if (o.json) io.out(JSON.stringify({ plan }) + '\n');
    else io.out(renderPlan(plan));
    return 0;
  }
  if (!o.json) io.err(renderPlan(plan) + '\n');
  if (plan.blocker) {
    if (o.json) io.out(JSON.stringify({ plan }) + '\n');
    printError(new SenseVoiceError(plan.blocker.code, plan.blocker.message));
    return 1;
  }
  const cuda = plan.cudaLibraries;
  if (!o.yes && (!plan.cached || (cuda && !cuda.complete))) {
    if (!io.ask) {
      io.err('Nothing was downloaded: run again with --yes to download without a prompt.\n');
      return 1;
    }
    const bytes = (plan.cached ? 0 : (plan.sizeBytes ?? 0)) + (cuda?.downloadBytes ?? 0);
    const size = bytes > 0 ? ` ${bytesText(bytes)}` : '';
    const what =
      cuda && !cuda.complete
        ? "the CUDA provider libraries and NVIDIA's CUDA libraries (accepting NVIDIA's licences)"
        : 'the CUDA provider libraries';
    if (!(await io.ask(`Download${size} and set up ${what}?`))) {
      io.err('Nothing was downloaded.\n');
      return 1;
    }
  }
  const r = await pausableDownload(io, 'sensevoice gpu setup', (signal, onProgress) =>
    daemon.request('gpu/setup', { feedUrl: o.feedUrl, overwrite: o.force || undefined }, { signal, onProgress }),
  );
  if (typeof r === 'number') return r;
  let cudaResult: CudaLibrariesSetupResult | undefined;
  if (o.cudaLibraries) {
    const got = await fetchCudaLibraries(daemon, o, io);
    if (typeof got === 'number') return got;
    cudaResult = got;
  }
  if (o.json) io.out(JSON.stringify({ plan, result: r, ...(cudaResult ? { cudaLibraries: cudaResult } : {}) }) + '\n');
  else io.out(renderSetupResult(r) + (cudaResult ? renderCudaResult(cudaResult) : ''));
  return 0;
}

/** `gpu/setupCudaLibraries` under its own progress bar; Ctrl-C pauses it like the provider download. */
function fetchCudaLibraries(
  daemon: DaemonConnection,
  o: GpuCliOptions,
  io: GpuCliIo,
): Promise<CudaLibrariesSetupResult | number> {
  return pausableDownload(io, 'sensevoice gpu setup --cuda-libraries', (signal, onProgress) =>
    daemon.request('gpu/setupCudaLibraries', { pypiFeedUrl: o.pypiFeedUrl }, { signal, onProgress }),
  );
}

/**
 * A daemon download under a progress bar on stderr; Ctrl-C pauses it (the daemon keeps what it has,
 * and `again` resumes it). The result, or the exit code: 130 when paused, 1 on an error (printed).
 */
async function pausableDownload<T>(
  io: GpuCliIo,
  again: string,
  download: (signal: AbortSignal, onProgress: (p: BarUpdate) => void) => Promise<T>,
): Promise<T | number> {
  const bar = new ProgressBar(process.stderr);
  const ac = new AbortController();
  const onSigint = () => {
    bar.done();
    io.err(`Pausing the download; run ${again} again to resume it.\n`);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await download(ac.signal, (p) => bar.update(p));
  } catch (err) {
    bar.done();
    printError(err);
    return err instanceof SenseVoiceError && err.code === ErrorCode.Cancelled ? 130 : 1;
  } finally {
    bar.done();
    process.off('SIGINT', onSigint);
  }
}

export function renderCudaResult(r: CudaLibrariesSetupResult): string {
  return [
    `NVIDIA's CUDA libraries in ${r.libDir}: ${r.files.join(', ')}`,
    `  ${r.fetched.length ? `fetched ${r.fetched.join(', ')} (${bytesText(r.downloadedBytes)}${r.resumedBytes ? `, resumed after ${bytesText(r.resumedBytes)}` : ''}, sha256 matched the index's)` : 'all were in the store already'}`,
    '  Daemons started from now on get that folder on LD_LIBRARY_PATH (a running shared daemon: sensevoice daemon stop).',
    '',
  ].join('\n');
}

export function renderSetupResult(r: GpuSetupResult): string {
  const how = r.fromCache
    ? `from the cache ${r.cacheDir} (nothing downloaded)`
    : `downloaded ${bytesText(r.downloadedBytes)}${r.resumedBytes ? ` (resumed after ${bytesText(r.resumedBytes)})` : ''}, SHA-512 matched the feed's`;
  return [
    `CUDA provider libraries for ONNX Runtime ${r.version} placed in ${r.binDir}`,
    `  ${r.placed.length ? `placed ${r.placed.join(', ')}` : 'all were already in place'}; ${how}`,
    `  cached in ${r.cacheDir}: an update of SenseVoice places them again without downloading`,
    'Next: sensevoice gpu-check (CUDA runs once the CUDA 12 runtime and cuDNN 9 are installed, or fetched with --cuda-libraries).',
    'A shared daemon started before this setup has not loaded them: sensevoice daemon stop, and the next command starts a new one.',
    '',
  ].join('\n');
}

async function remove(daemon: DaemonConnection, o: GpuCliOptions, io: GpuCliIo): Promise<number> {
  const r: GpuRemoveResult = await daemon.request('gpu/remove', undefined);
  if (o.json) {
    io.out(JSON.stringify(r) + '\n');
    return 0;
  }
  const out = [
    r.removed.length
      ? `Removed ${r.removed.join(', ')} from ${r.binDir}`
      : `No GPU libraries placed by setup in ${r.binDir ?? 'onnxruntime-node'}`,
    r.cacheRemoved ? `Removed the cache ${r.cacheDir}` : `No cache at ${r.cacheDir}`,
  ];
  if (r.cudaLibrariesRemoved) out.push("Removed NVIDIA's CUDA libraries (they were in the cache)");
  if (r.kept.length)
    out.push(
      `Kept ${r.kept.join(', ')}: setup did not place ${r.kept.length === 1 ? 'it' : 'them'} (an npm rebuild, or replaced since).`,
    );
  io.out(out.join('\n') + '\n');
  return 0;
}
