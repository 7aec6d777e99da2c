// The GPU report page. It draws the state the host sends (a snapshot after `ready` and at every
// change) and sends back two requests: re-run, and copy as Markdown. Everything in a report (error
// text, paths, GPU names) is set with textContent, never as markup.
import type { ChecklistItem, CheckStatus, GpuReport, ProviderProbe } from '../common/protocol';
import {
  offersFp32Model,
  offersGpuSetup,
  type GpuHostMessage,
  type GpuPageMessage,
  type GpuViewState,
} from '../common/pages/gpuReportMessages';
import { causeText } from '../common/gpuCheck/causeText';
import { inferenceServerLines, placementText } from '../common/gpuCheck/reportMarkdown';
import { providerLabel } from '../common/providerLabels';
import { bytesText, msText } from '../common/units';
import { $, el, notice, type Child } from './dom';

interface VsCodeApi {
  postMessage(message: GpuPageMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const STATUS_TEXT: Record<CheckStatus, string> = { pass: 'Pass', warn: 'Warning', fail: 'Fail' };
/** Numbers and their units stay on one line in narrow table cells. */
const nowrap = (s: string) => s.replace(/ /g, '\u00a0');

function badge(status: CheckStatus): HTMLElement {
  return el('span', `badge ${status}`, STATUS_TEXT[status]);
}

function table(head: string[], rows: Child[][], className = ''): HTMLTableElement {
  const t = el('table', `grid ${className}`.trim());
  t.append(el('thead', undefined, el('tr', undefined, ...head.map((h) => el('th', undefined, h)))));
  const body = el('tbody');
  for (const r of rows) body.append(el('tr', undefined, ...r.map((c) => el('td', undefined, c))));
  t.append(body);
  return t;
}

function section(title: string, ...children: Child[]): HTMLElement {
  return el('section', 'card', el('h2', undefined, title), ...children);
}

function checklist(items: ChecklistItem[]): HTMLElement {
  const list = el('ul', 'checklist');
  for (const c of items) {
    list.append(
      el(
        'li',
        `check ${c.status}`,
        badge(c.status),
        el(
          'div',
          'check-body',
          el('div', 'check-title', c.title),
          el('div', 'check-detail', c.detail),
          c.fix && c.status !== 'pass' ? el('div', 'check-fix', el('strong', undefined, 'Fix: '), c.fix) : null,
        ),
      ),
    );
  }
  return section('Checklist', list);
}

function providerRow(p: ProviderProbe): Child[] {
  const result = p.ok ? el('span', 'badge pass', 'Works') : el('span', 'badge fail', causeText(p.cause));
  if (p.cause) result.title = p.cause;
  let why: Child = p.ok ? (p.placement ? placementText(p.placement) : '') : p.reason;
  if (!p.ok && (p.error || p.log?.length)) {
    const details = el(
      'details',
      'raw',
      el('summary', undefined, "The library's own words"),
      el('pre', undefined, [p.error ?? '', ...(p.log ?? [])].filter(Boolean).join('\n')),
    );
    why = el('div', undefined, p.reason ?? '', details);
  }
  return [providerLabel(p.provider), result, nowrap(msText(p.ms)), why, p.ok ? '' : (p.fix ?? '')];
}

function providers(r: GpuReport): HTMLElement {
  const ort = r.onnxruntime;
  const offers = ort.backends
    ? `onnxruntime-node ${ort.version ?? '?'} offers ${ort.backends.map((b) => `${b.name}${b.bundled ? '' : ' (separate download)'}`).join(', ')}.`
    : `onnxruntime-node ${ort.version ?? 'is not installed'}; the providers it offers are unknown (${ort.backendsError ?? 'not reported'}).`;
  if (r.providers.length === 0)
    return section('Execution providers', el('p', undefined, offers), el('p', 'muted', 'Not tried in a quick check.'));
  return section(
    'Execution providers',
    el('p', undefined, offers),
    table(['Provider', 'Result', 'Time', 'Why', 'Fix'], r.providers.map(providerRow), 'providers'),
    el(
      'p',
      undefined,
      'Models load on ',
      el('strong', undefined, r.selectedProvider ? providerLabel(r.selectedProvider) : 'nothing'),
      ` (sensevoice.provider: ${r.settings.provider}).`,
    ),
  );
}

function timing(r: GpuReport): HTMLElement | null {
  const b = r.benchmark;
  if (!b) return null;
  return section(
    `Timing on a ${b.clipSec} s clip`,
    el('p', 'muted', b.description),
    table(
      ['Provider', 'Model', 'Session', 'First run', 'Warm run', 'RTF'],
      b.runs.map((x) =>
        x.ok
          ? [
              providerLabel(x.provider),
              `${x.modelFile === 'synthetic' ? 'synthetic' : x.modelFile} (${x.quantization})`,
              nowrap(msText(x.sessionMs)),
              nowrap(msText(x.coldMs)),
              nowrap(msText(x.warmMs)),
              x.rtf !== undefined ? `${x.rtf.toFixed(4)} (${(1 / x.rtf).toFixed(0)}x real time)` : '',
            ]
          : [
              providerLabel(x.provider),
              x.modelFile,
              el('span', 'badge fail', 'Failed'),
              x.reason ?? '',
              x.error ?? '',
              '',
            ],
      ),
    ),
    el('p', 'muted', `Front end (fbank, LFR, CMVN) on the CPU: ${msText(b.featuresMs)} for ${b.frames} frames.`),
  );
}

function hardware(r: GpuReport): HTMLElement {
  const n = r.nvidia;
  const rows: Child[][] = [];
  if (n.status === 'ok') {
    for (const g of n.gpus)
      rows.push([
        'NVIDIA GPU',
        `${g.name}: driver ${g.driverVersion}, ${g.memoryFreeMiB ?? '?'} of ${g.memoryTotalMiB ?? '?'} MiB free, ${g.utilizationPct ?? '?'}% busy`,
      ]);
  } else {
    rows.push(['NVIDIA GPU', `nvidia-smi: ${n.status}${n.error ? ` (${n.error})` : ''}`]);
  }
  for (const q of r.cudaLibraries.requirements)
    rows.push([q.soname, `${q.status}${q.found.length ? `: ${q.found.join('; ')}` : ''}`]);
  const ff = r.ffmpeg;
  rows.push([
    'ffmpeg',
    ff.path
      ? `${ff.version} at ${ff.path}; mp3: ${ff.decoders.mp3.join(', ') || 'none'}; aac: ${ff.decoders.aac.join(', ') || 'none'}; opus: ${ff.decoders.opus.join(', ') || 'none'}`
      : `not found${ff.error ? `: ${ff.error.split('\n')[0]}` : ''}`,
  ]);
  const h = r.host;
  rows.push(
    ['CPU', `${h.cpuModel}, ${h.cpuCores} cores`],
    ['Memory', `${bytesText(h.totalMemoryBytes)} total, ${bytesText(h.freeMemoryBytes)} free`],
    ['Platform', `${h.platform} ${h.release} ${h.arch}, Node.js ${h.node}`],
  );
  const m = r.model;
  rows.push([
    'Model',
    m.error
      ? `${m.dir}: ${m.error.code}: ${m.error.message}`
      : m.dir
        ? `${m.dir} (${m.layout}); CPU: ${m.cpuFile?.quantization} ${m.cpuFile ? bytesText(m.cpuFile.sizeBytes) : ''}; GPU: ${m.gpuFile?.quantization} ${m.gpuFile ? bytesText(m.gpuFile.sizeBytes) : ''}`
        : 'none set (sensevoice.modelPath)',
  ]);
  return section('Machine', table(['', ''], rows, 'facts'), ...m.warnings.map((w) => el('p', 'warning', w)));
}

/** With an endpoint set, the model runs there: its health, round trip and batching, as the Markdown says them. */
function inferenceServer(r: GpuReport): HTMLElement | null {
  if (!r.inferenceServer?.endpoint) return null;
  return section('Inference server', ...inferenceServerLines(r.inferenceServer).map((l) => el('p', undefined, l)));
}

function render(state: GpuViewState): void {
  const status = $('status');
  status.replaceChildren();
  status.className = `status ${state.status}`;
  if (state.status === 'running') {
    const bar = el('progress', 'progress');
    bar.max = 1;
    if (state.fraction !== null) bar.value = state.fraction; // no value: an indeterminate bar
    status.append(el('span', undefined, state.message ?? 'Checking…'), bar);
  } else if (state.error) {
    status.append(el('span', 'error', `${state.error.code}: ${state.error.message}`));
  }
  // Nothing to say: no empty band under the title.
  // (style, not the hidden attribute: the stylesheet's display: flex outranks it)
  status.style.display = status.childElementCount === 0 ? 'none' : '';
  ($('rerun') as HTMLButtonElement).disabled = state.status === 'running';
  ($('copy') as HTMLButtonElement).disabled = !state.report;
  ($('setUpGpu') as HTMLButtonElement).hidden = !state.report || !offersGpuSetup(state.report);
  ($('downloadFp32') as HTMLButtonElement).hidden = !state.report || !offersFp32Model(state.report);

  const main = $('report');
  const r = state.report;
  if (!r) {
    main.replaceChildren(
      el(
        'p',
        'muted',
        state.status === 'running' ? 'Trying each execution provider and timing the ones that work…' : 'No report yet.',
      ),
    );
    return;
  }
  const summary = el(
    'div',
    `summary ${r.summary.status}`,
    badge(r.summary.status),
    el('p', 'headline', r.summary.headline),
  );
  const meta = el(
    'p',
    'muted',
    `${new Date(r.createdAt).toLocaleString()} · ${r.quick ? 'quick check' : 'full check'} in ${msText(r.durationMs)}`,
  );
  main.replaceChildren(
    summary,
    meta,
    checklist(r.checklist),
    providers(r),
    ...[timing(r), inferenceServer(r)].filter((x): x is HTMLElement => x !== null),
    hardware(r),
  );
}

$('rerun').addEventListener('click', () => vscode.postMessage({ type: 'rerun' }));
$('copy').addEventListener('click', () => vscode.postMessage({ type: 'copyMarkdown' }));
$('setUpGpu').addEventListener('click', () => vscode.postMessage({ type: 'setUpGpu' }));
$('downloadFp32').addEventListener('click', () => vscode.postMessage({ type: 'downloadFp32' }));
window.addEventListener('message', (e: MessageEvent<GpuHostMessage>) => {
  const m = e.data;
  if (m?.type === 'snapshot') render(m.state);
  else if (m?.type === 'notice') notice(m.text);
});
vscode.postMessage({ type: 'ready' });
