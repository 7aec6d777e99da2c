// `sensevoice gpu-check`: the daemon's GPU report as text, JSON or Markdown. Exits 1 when a
// checklist item fails (a GPU present but unused, no ffmpeg, …), so scripts can gate on it.
import type { DaemonConnection } from '../client/daemonConnection';
import type { CheckStatus, GpuReport } from '../common/protocol';
import { inferenceServerLines, renderGpuReportMarkdown } from '../common/gpuCheck/reportMarkdown';
import { providerLabel } from '../common/providerLabels';
import { bytesText, msText } from '../common/units';

export interface GpuCheckCliOptions {
  format: 'text' | 'json' | 'markdown';
  modelPath: string | undefined;
  quick: boolean;
  /** Progress lines on stderr (text output on a terminal). */
  progress: boolean;
}

const MARK: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };

export async function gpuCheckCommand(daemon: DaemonConnection, o: GpuCheckCliOptions): Promise<number> {
  const report = await daemon.request(
    'gpu/diagnose',
    { modelPath: o.modelPath, quick: o.quick },
    o.progress ? { onProgress: (p) => p.message && process.stderr.write(`  ${p.message}\n`) } : {},
  );
  if (o.format === 'json') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (o.format === 'markdown') process.stdout.write(renderGpuReportMarkdown(report));
  else process.stdout.write(renderText(report));
  return report.checklist.some((c) => c.status === 'fail') ? 1 : 0;
}

/** The report for a terminal: the answer first, then the evidence, then the checklist with fixes. */
export function renderText(r: GpuReport): string {
  const out: string[] = [];
  const label = providerLabel;
  out.push(`SenseVoice GPU check (${r.quick ? 'quick' : 'full'}, ${msText(r.durationMs)})`, '');
  out.push(`${MARK[r.summary.status]}  ${r.summary.headline}`, '');
  if (r.inferenceServer) out.push(...inferenceServerLines(r.inferenceServer), '');

  const ort = r.onnxruntime;
  const offers = ort.backends
    ? ort.backends.map((b) => `${b.name}${b.bundled ? '' : ' (separate download)'}`).join(', ')
    : `unknown (${ort.backendsError})`;
  out.push(`Providers   onnxruntime-node ${ort.version ?? 'not installed'} offers ${offers}`);
  for (const p of r.providers) {
    out.push(`  ${label(p.provider).padEnd(9)} ${p.ok ? `works   ${msText(p.ms)}` : `FAILED  ${p.reason ?? p.error}`}`);
    if (!p.ok && p.error) out.push(`            error: ${p.error.trim().split('\n')[0]}`);
    if (!p.ok && p.fix) out.push(`            fix: ${p.fix}`);
  }
  if (!r.quick)
    out.push(
      `  selected: ${r.selectedProvider ? label(r.selectedProvider) : 'none'} (sensevoice.provider: ${r.settings.provider})`,
    );
  out.push('');

  if (r.benchmark) {
    const b = r.benchmark;
    out.push(
      `Timing      ${b.clipSec} s clip, ${b.model === 'synthetic' ? 'synthetic model' : 'your model'}; front end ${msText(b.featuresMs)}`,
    );
    for (const x of b.runs) {
      out.push(
        x.ok
          ? `  ${label(x.provider).padEnd(9)} session ${msText(x.sessionMs)}, first run ${msText(x.coldMs)}, warm ${msText(x.warmMs)}, RTF ${x.rtf?.toFixed(4)}${x.rtf ? ` (${(1 / x.rtf).toFixed(0)}x real time)` : ''}`
          : `  ${label(x.provider).padEnd(9)} FAILED ${x.reason ?? ''} ${x.error ?? ''}`,
      );
    }
    out.push(`  ${b.description}`, '');
  }

  const n = r.nvidia;
  out.push(
    n.status === 'ok'
      ? `NVIDIA      driver ${n.driverVersion}: ${n.gpus.map((g) => `${g.name} (${g.memoryFreeMiB ?? '?'} of ${g.memoryTotalMiB ?? '?'} MiB free, ${g.utilizationPct ?? '?'}% busy)`).join(', ')}`
      : `NVIDIA      ${n.status}${n.error ? `: ${n.error}` : n.status === 'not-found' ? ' (no nvidia-smi)' : ''}`,
  );
  const req = r.cudaLibraries.requirements;
  if (req.length)
    out.push(
      `CUDA libs   ${req.map((q) => `${q.soname} ${q.status}${q.found.length ? ` (${q.found.join('; ')})` : ''}`).join(', ')}`,
    );
  const ff = r.ffmpeg;
  out.push(
    ff.path
      ? `ffmpeg      ${ff.version} at ${ff.path}: mp3 ${ff.decoders.mp3.length ? 'yes' : 'NO'}, aac ${ff.decoders.aac.length ? 'yes' : 'NO'}, opus ${ff.decoders.opus.length ? 'yes' : 'NO'}`
      : `ffmpeg      not found`,
  );
  out.push(
    `CPU         ${r.host.cpuModel}, ${r.host.cpuCores} cores, ${bytesText(r.host.totalMemoryBytes)} (${bytesText(r.host.freeMemoryBytes)} free)`,
  );
  const m = r.model;
  out.push(
    m.error
      ? `Model       ${m.dir}: ${m.error.code}: ${m.error.message.split('\n')[0]}`
      : m.dir
        ? `Model       ${m.dir} (${m.layout}): CPU ${m.cpuFile?.quantization} ${m.cpuFile ? bytesText(m.cpuFile.sizeBytes) : ''}, GPU ${m.gpuFile?.quantization} ${m.gpuFile ? bytesText(m.gpuFile.sizeBytes) : ''}`
        : 'Model       none set (--model DIR or sensevoice.modelPath)',
  );
  for (const w of m.warnings) out.push(`  warning: ${w}`);
  out.push('', 'Checklist');
  const w = Math.max(...r.checklist.map((c) => c.title.length));
  for (const c of r.checklist) {
    out.push(`  ${MARK[c.status]}  ${c.title.padEnd(w)}  ${c.detail}`);
    if (c.fix && c.status !== 'pass') out.push(`  ${' '.repeat(6 + w)}fix: ${c.fix}`);
  }
  return out.join('\n') + '\n';
}
