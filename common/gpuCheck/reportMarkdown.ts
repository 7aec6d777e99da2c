// The GPU report as Markdown, for bug reports and chat: the cli prints it (`gpu-check --format md`)
// and the panel's "Copy as Markdown" copies it. Pure (the protocol's types and a provider label), so
// every client can bundle it.
import type { CheckStatus, GpuReport, InferenceServerCheck, ProviderProbe } from '../protocol';
import { providerLabel } from '../providerLabels';
import { bytesText, msText } from '../units';

const ICON: Record<CheckStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

/** A table cell: one line, pipes escaped. */
export function cell(text: string | number | null | undefined): string {
  if (text === null || text === undefined || text === '') return '–';
  return String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

function table(head: string[], rows: (string | number | null | undefined)[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** A fenced block that no backtick run inside can close early. */
function fence(text: string): string[] {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const f = '`'.repeat(longest + 1);
  return [f, text, f];
}

function label(p: string): string {
  return providerLabel(p);
}

function probeResult(p: ProviderProbe): string {
  return p.ok ? `${ICON.pass} works` : `${ICON.fail} ${p.cause ?? 'failed'}`;
}

export function renderGpuReportMarkdown(r: GpuReport): string {
  const out: string[] = [];
  out.push('# SenseVoice GPU check', '');
  out.push(`${ICON[r.summary.status]} **${r.summary.headline}**`, '');
  out.push(
    `${r.createdAt} · ${r.host.platform} ${r.host.arch} · onnxruntime-node ${r.onnxruntime.version ?? 'not installed'} · ${r.quick ? 'quick check (no sessions, no timing)' : 'full check'} in ${msText(r.durationMs)}`,
    '',
  );

  out.push('## Checklist', '');
  out.push(
    ...table(
      ['', 'Check', 'Result', 'Fix'],
      r.checklist.map((c) => [ICON[c.status], c.title, c.detail, c.fix]),
    ),
    '',
  );

  out.push('## Execution providers', '');
  const backends = r.onnxruntime.backends;
  out.push(
    backends
      ? `This onnxruntime-node build offers: ${backends.map((b) => `${b.name} (${b.bundled ? 'bundled' : 'separate download'})`).join(', ')}.`
      : `The providers this build offers are unknown: ${r.onnxruntime.backendsError ?? 'not reported'}.`,
    `Provider libraries beside its binary: ${r.onnxruntime.providerLibraries.length ? r.onnxruntime.providerLibraries.join(', ') : 'none'}.`,
    '',
  );
  if (r.providers.length > 0) {
    out.push(
      ...table(
        ['Provider', 'Result', 'Time', 'Why', 'Fix'],
        r.providers.map((p) => [
          label(p.provider),
          probeResult(p),
          msText(p.ms),
          p.ok ? (p.placement ? placementText(p.placement) : '') : p.reason,
          p.fix,
        ]),
      ),
      '',
      `Selected: **${r.selectedProvider ? label(r.selectedProvider) : 'none'}** (sensevoice.provider: ${r.settings.provider}).`,
      '',
    );
    for (const p of r.providers.filter((x) => !x.ok && (x.error || x.log?.length))) {
      out.push(
        `### ${label(p.provider)}: the library's own words`,
        '',
        ...fence([p.error ?? '', ...(p.log ?? [])].filter(Boolean).join('\n')),
        '',
      );
    }
  } else {
    out.push('Providers were not tried (quick check).', '');
  }

  if (r.benchmark) {
    const b = r.benchmark;
    out.push(
      `## Timing (${b.clipSec} s clip)`,
      '',
      b.description,
      '',
      `Front end (fbank, LFR, CMVN) on the CPU: ${msText(b.featuresMs)} for ${b.frames} frames.`,
      '',
    );
    out.push(
      ...table(
        ['Provider', 'Model', 'Session', 'First run', 'Warm run', 'RTF', 'Nodes'],
        b.runs.map((x) =>
          x.ok
            ? [
                label(x.provider),
                `${x.modelFile === 'synthetic' ? 'synthetic' : baseName(x.modelFile)} (${x.quantization})`,
                msText(x.sessionMs),
                msText(x.coldMs),
                msText(x.warmMs),
                x.rtf?.toFixed(4),
                x.placement ? placementText(x.placement) : '',
              ]
            : [
                label(x.provider),
                `${baseName(x.modelFile)} (${x.quantization})`,
                `${ICON.fail} ${x.reason ?? ''} ${x.error ?? ''}`,
                '',
                '',
                '',
                '',
              ],
        ),
      ),
      '',
      'RTF: inference time / audio time (0.05 = 20x faster than real time).',
      '',
    );
  }

  out.push('## NVIDIA', '');
  const n = r.nvidia;
  if (n.status === 'ok') {
    out.push(`nvidia-smi at ${n.path}: driver ${n.driverVersion} (CUDA 12 needs ${n.minDriverVersion} or newer).`, '');
    out.push(
      ...table(
        ['GPU', 'Driver', 'Memory total', 'Memory free', 'Utilisation'],
        n.gpus.map((g) => [
          g.name,
          g.driverVersion,
          mib(g.memoryTotalMiB),
          mib(g.memoryFreeMiB),
          g.utilizationPct === null ? null : `${g.utilizationPct}%`,
        ]),
      ),
      '',
    );
  } else {
    out.push(`nvidia-smi: ${n.status}${n.path ? ` (${n.path})` : ''}${n.error ? `: ${n.error}` : ''}.`, '');
  }

  const libs = r.cudaLibraries;
  if (libs.requirements.length > 0 || libs.found.length > 0) {
    out.push('## CUDA libraries', '');
    if (libs.requirements.length > 0)
      out.push(
        ...table(
          ['Library', 'Needed', 'Status', 'Found'],
          libs.requirements.map((q) => [q.library, q.soname, q.status, q.found.join('; ')]),
        ),
        '',
      );
    const extra = libs.found.filter((f) => !libs.requirements.some((q) => q.library === f.name));
    if (extra.length)
      out.push(`Also found: ${extra.map((f) => `${f.name} ${f.version ?? ''} (${f.file})`).join(', ')}.`, '');
    out.push(`Searched: ${libs.searched.join(', ') || 'nothing'}.`, '');
  }

  out.push('## ffmpeg', '');
  const ff = r.ffmpeg;
  out.push(
    ff.path ? `${ff.path} (${ff.source}), version ${ff.version}.` : `Not found: ${ff.error ?? ''}`,
    ...(ff.path
      ? [
          `Decoders: mp3: ${ff.decoders.mp3.join(', ') || 'none'}; aac: ${ff.decoders.aac.join(', ') || 'none'}; opus: ${ff.decoders.opus.join(', ') || 'none'}.`,
        ]
      : []),
    ...(ff.path && ff.error ? [ff.error] : []),
    '',
  );

  out.push('## Machine', '');
  const h = r.host;
  out.push(
    `${h.cpuModel}, ${h.cpuCores} cores; memory ${bytesText(h.totalMemoryBytes)} total, ${bytesText(h.freeMemoryBytes)} free; ${h.platform} ${h.release} ${h.arch}; Node.js ${h.node}.`,
    '',
  );

  out.push('## Model', '');
  const m = r.model;
  if (m.error) out.push(`${m.dir}: ${m.error.code}: ${m.error.message}`, '');
  else if (!m.dir) out.push('No model is set (sensevoice.modelPath / --model).', '');
  else {
    out.push(`${m.dir} (${m.layout} layout, from ${m.source}).`, '');
    out.push(
      ...table(
        ['Runs on', 'File', 'Precision', 'Size'],
        [
          ['CPU', m.cpuFile?.path, m.cpuFile?.quantization, m.cpuFile ? bytesText(m.cpuFile.sizeBytes) : null],
          ['GPU', m.gpuFile?.path, m.gpuFile?.quantization, m.gpuFile ? bytesText(m.gpuFile.sizeBytes) : null],
        ],
      ),
      '',
    );
  }
  for (const w of m.warnings) out.push(`${ICON.warn} ${w}`, '');

  if (r.inferenceServer) out.push('## Inference server', '', ...inferenceServerLines(r.inferenceServer), '');

  const s = r.settings;
  out.push(
    '## Settings',
    '',
    `provider ${s.provider} · threads ${s.threads} · vad ${s.vad} · maxSegmentSec ${s.maxSegmentSec} · concurrency ${s.concurrency}`,
    '',
  );
  return out.join('\n');
}

/**
 * The inference server in a few lines, for the Markdown and the cli's text: with one set, the model
 * runs there and the providers above matter only for the front end's machine.
 */
export function inferenceServerLines(c: InferenceServerCheck): string[] {
  const lines = [
    `The model runs on the inference server ${c.endpoint}: ${c.ready ? `ready, round trip ${c.roundTripMs} ms` : 'not ready'}${c.server ? ` (${c.server})` : ''}.`,
    `Model ${c.modelName}: ${c.modelReady ? 'ready' : 'not ready'}.`,
  ];
  for (const b of c.batchStats ?? []) lines.push(`${batchStatText(b)}.`);
  if (c.error) lines.push(`Error: ${c.error.message}`);
  return lines;
}

/**
 * One model's batching on the server: "sensevoice_encoder/1: 30 inferences in 12 runs (2.5 per run;
 * batch sizes 4×6, 1×6; queue 0.3 ms, compute 41 ms per request)".
 */
export function batchStatText(b: NonNullable<InferenceServerCheck['batchStats']>[number]): string {
  const notes: string[] = [];
  if (b.averageBatch !== null) notes.push(`${b.averageBatch} per run`);
  if (b.batchSizes?.length) notes.push(`batch sizes ${b.batchSizes.map((x) => `${x.size}×${x.runs}`).join(', ')}`);
  const times = [
    b.queueMs != null ? `queue ${b.queueMs} ms` : null,
    b.computeMs != null ? `compute ${b.computeMs} ms` : null,
  ].filter(Boolean);
  if (times.length) notes.push(`${times.join(', ')} per request`);
  return `${b.model}: ${b.inferences} inferences in ${b.executions} runs${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

/** "113 node(s) on CPU, 12 node(s) on CUDA": where onnxruntime put the graph. */
export function placementText(p: Record<string, number>): string {
  return Object.entries(p)
    .map(([ep, n]) => `${n} node(s) on ${providerLabel(ep.replace(/ExecutionProvider$/, '').toLowerCase())}`)
    .join(', ');
}

function mib(v: number | null): string | null {
  return v === null ? null : `${v} MiB`;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
