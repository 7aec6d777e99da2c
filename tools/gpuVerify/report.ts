// gpu:verify's results: the JSON written (schema 1, documented field by field in README.md, "GPU
// verification"), the checks and the verdict derived from the measurements, the one line that says
// plainly why no GPU provider works, and the table printed at the end.
import type { ProviderComparison } from './compare';
import type { ClipResult, ProviderResult } from './measure';

export const SCHEMA = 1;
/** End-to-end time of a 30 s clip that a data-centre GPU should beat (the issue's target). */
export const E2E_TARGET_MS = 150;

export interface Check {
  id: 'gpuWorks' | 'tokensIdentical' | 'e2eTarget' | 'atOnceFaster' | 'batchIdsMatch' | 'noCpuNodes';
  provider: string | null;
  ok: boolean;
  value: number | null;
  limit: number | null;
  detail: string;
}

export type ProviderRecord = Omit<ProviderResult, 'clips'> & {
  clips: Omit<ClipResult, 'argmax' | 'lead'>[];
};

export interface VerifyResults {
  schema: typeof SCHEMA;
  createdAt: string;
  command: string[];
  ok: boolean;
  exitCode: number;
  message: string;
  gpuProviders: { tried: string[]; working: string[] };
  machine: {
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    node: string;
    onnxruntime: string;
    backends: { name: string; bundled: boolean }[];
    nvidia: {
      status: string;
      driverVersion: string | null;
      gpus: { name: string; memoryTotalMiB: number | null }[];
      error: string | null;
    };
    vulkanDriverFiles: string | null;
  };
  settings: {
    profile: string | null;
    quick: boolean;
    threads: number;
    seed: number;
    decoder: string;
    budgetSec: number;
    warmRuns: number;
    clipSec: number;
    concurrentFiles: number;
    e2eTargetMs: number;
  };
  model: {
    dir: string;
    synthetic: boolean;
    parameters: number | null;
    fp32Bytes: number | null;
    generatedThisRun: boolean;
    generationMs: number | null;
  };
  audio: {
    decoder: 'ffmpeg' | 'native-wav';
    ffmpeg: string | null;
    why: string;
    clips: { name: string; durationSec: number }[];
    e2eInput: { durationSec: number; clips: string[] };
  };
  gpuMemoryUnavailable: string | null;
  providers: ProviderRecord[];
  comparison: ProviderComparison[];
  checks: Check[];
  wallMs: number;
}

/** A GPU provider works when it loaded, ran, and did not run on a software adapter. */
export function gpuWorks(p: ProviderResult | ProviderRecord): boolean {
  return p.gpu && p.ok && !p.softwareAdapter;
}

/** Why one GPU provider does not work, in a few words for the verdict line. */
export function whyNot(p: ProviderResult, ortVersion: string): string {
  if (p.ok && p.softwareAdapter)
    return `ran on a software Vulkan adapter, i.e. on the CPU (${p.softwareAdapter.slice(0, 80)})`;
  if (p.bundled === false && p.cause === 'provider-not-installed')
    return `not bundled in onnxruntime-node ${ortVersion} (its provider library is a separate download, not installed here: ${p.provider === 'cuda' || p.provider === 'tensorrt' ? 'sensevoice gpu setup, or "SenseVoice: Set Up GPU" in VS Code; in a checkout: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node' : `ONNXRUNTIME_NODE_INSTALL=${p.provider} npm rebuild onnxruntime-node`})`;
  if (p.bundled === null && p.cause === 'not-in-build')
    return `not in onnxruntime-node ${ortVersion} on ${process.platform}-${process.arch}`;
  const reason = (p.reason ?? p.error ?? 'failed').replace(/\.$/, '');
  // The line of the driver's or onnxruntime's log that names the problem (Dawn's adapter rejection,
  // a library that did not load), when there is one; else onnxruntime's error when the cause is unknown.
  const hint =
    p.log.find((l) => /adapter|vulkan|driver|cannot open shared object/i.test(l) && !/XDG_RUNTIME_DIR/.test(l)) ??
    (p.error && p.cause === 'unknown' ? firstLine(p.error) : null);
  return hint ? `${reason} (${hint.slice(0, 160)})` : reason;
}

function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? s
  );
}

export function buildChecks(providers: readonly ProviderResult[], comparison: readonly ProviderComparison[]): Check[] {
  const working = providers.filter(gpuWorks);
  const checks: Check[] = [
    {
      id: 'gpuWorks',
      provider: null,
      ok: working.length > 0,
      value: working.length,
      limit: 1,
      detail: working.length ? `working: ${working.map((p) => p.provider).join(', ')}` : 'no GPU provider works',
    },
  ];
  for (const p of providers) {
    if (!p.ok) continue;
    const cmp = comparison.find((c) => c.provider === p.provider);
    if (cmp)
      checks.push({
        id: 'tokensIdentical',
        provider: p.provider,
        ok: cmp.identical === cmp.clips,
        value: cmp.identical,
        limit: cmp.clips,
        detail: `${cmp.identical} of ${cmp.clips} clips have the CPU's token ids`,
      });
    if (p.gpu && p.e2e?.warmMs != null)
      checks.push({
        id: 'e2eTarget',
        provider: p.provider,
        ok: p.e2e.warmMs < E2E_TARGET_MS,
        value: round(p.e2e.warmMs),
        limit: E2E_TARGET_MS,
        detail: `30 s clip end to end (warm): ${round(p.e2e.warmMs)} ms; the target on a data-centre GPU is < ${E2E_TARGET_MS} ms`,
      });
    if (p.concurrent) {
      checks.push({
        id: 'atOnceFaster',
        provider: p.provider,
        ok: p.concurrent.ratio < 1,
        value: round(p.concurrent.ratio, 3),
        limit: 1,
        detail: `${p.concurrent.files} files at once ${round(p.concurrent.atOnceMs)} ms vs one after another ${round(p.concurrent.sequentialMs)} ms`,
      });
      checks.push({
        id: 'batchIdsMatch',
        provider: p.provider,
        ok: p.concurrent.idsMatch,
        value: null,
        limit: null,
        detail: p.concurrent.idsMatch ? 'a file gives the same ids in a batch as alone' : 'batching changed some ids',
      });
    }
    if (p.gpu && p.cpuNodes !== null)
      checks.push({
        id: 'noCpuNodes',
        provider: p.provider,
        ok: p.cpuNodes === 0,
        value: p.cpuNodes,
        limit: 0,
        detail: `onnxruntime placed ${p.cpuNodes} of ${Object.values(p.placement ?? {}).reduce((a, b) => a + b, 0)} nodes on the CPU`,
      });
  }
  return checks;
}

export function toRecord(p: ProviderResult): ProviderRecord {
  return { ...p, clips: p.clips.map(({ argmax: _a, lead: _l, ...rest }) => rest) };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const MIB = 1024 * 1024;

function memText(p: ProviderRecord): string {
  const m = p.gpuMemory;
  if (!m) return '—';
  const used = (s: typeof m.beforeLoad) => (s ? String(s.usedMiB.reduce((a, b) => a + b, 0)) : '?');
  const own = m.afterLoad?.processMiB ?? m.afterRuns?.processMiB;
  return `${used(m.beforeLoad)}/${used(m.afterLoad)}/${used(m.afterRuns)}${own != null ? ` (own ${own})` : ''}`;
}

/** The table printed at the end; also what `--table FILE` would print again. */
export function formatTable(r: VerifyResults): string {
  const cols = r.providers.map((p) => p.provider);
  const cell = (p: ProviderRecord, f: (p: ProviderRecord) => string) => (p.ok ? f(p) : '—');
  const ms = (x: number | null | undefined) => (x == null ? '—' : `${Math.round(x)} ms`);
  const rows: [string, (p: ProviderRecord) => string][] = [
    ['works', (p) => (gpuWorks(p) || (!p.gpu && p.ok) ? 'yes' : `NO: ${p.failedAt ?? 'software adapter'}`)],
    ['load (+ warm-up)', (p) => cell(p, (q) => `${q.loadMs} (+${q.warmupMs}) ms`)],
    [
      'token ids vs CPU',
      (p) => {
        if (!p.ok) return '—';
        if (!p.gpu) return 'reference';
        const c = r.comparison.find((x) => x.provider === p.provider);
        return c
          ? c.identical === c.clips
            ? `identical ${c.clips}/${c.clips}`
            : `DIFFER ${c.clips - c.identical}/${c.clips}`
          : '—';
      },
    ],
    ['30 s e2e: first', (p) => cell(p, (q) => ms(q.e2e?.firstMs))],
    ['30 s e2e: warm', (p) => cell(p, (q) => ms(q.e2e?.warmMs))],
    [
      '  decode/feat/run/ctc',
      (p) =>
        cell(p, (q) =>
          q.e2e?.warm
            ? [q.e2e.warm.decodeMs, q.e2e.warm.featuresMs, q.e2e.warm.runMs, q.e2e.warm.ctcMs]
                .map((x) => Math.round(x))
                .join('/')
            : '—',
        ),
    ],
    ['warm-up saves', (p) => cell(p, (q) => (q.warmup ? `${Math.round(q.warmup.savingMs)} ms` : '—'))],
    [
      '4 files: in turn / at once',
      (p) =>
        cell(p, (q) =>
          q.concurrent ? `${Math.round(q.concurrent.sequentialMs)} / ${Math.round(q.concurrent.atOnceMs)} ms` : '—',
        ),
    ],
    ['GPU MiB before/load/runs', (p) => (p.gpu ? memText(p) : '—')],
    ['nodes on CPU', (p) => (p.gpu && p.cpuNodes !== null ? String(p.cpuNodes) : '—')],
    ['peak RSS', (p) => (p.peakRssBytes ? `${Math.round(p.peakRssBytes / MIB)} MiB` : '—')],
  ];
  const width = [Math.max(...rows.map(([k]) => k.length)), ...cols.map(() => 0)];
  const grid = [['', ...cols], ...rows.map(([k, f]) => [k, ...r.providers.map(f)])];
  for (const line of grid) line.forEach((c, i) => (width[i] = Math.max(width[i] ?? 0, c.length)));
  const lines = grid.map((line) =>
    line.map((c, i) => (i === 0 ? c.padEnd(width[0]!) : c.padStart(width[i]!))).join('  '),
  );
  const notes: string[] = [];
  notes.push(
    `model: ${r.model.synthetic ? `synthetic ${r.settings.profile}` : r.model.dir} fp32; audio decoded by ${r.audio.decoder} (${r.audio.why}); ${r.audio.clips.length} clips; e2e on ${r.settings.clipSec} s`,
  );
  if (r.gpuMemoryUnavailable) notes.push(`GPU memory: not measured (${r.gpuMemoryUnavailable})`);
  for (const p of r.providers) {
    if (!p.ok) notes.push(`${p.provider}: ${p.reason ?? p.error}${p.fix ? ` Fix: ${p.fix}` : ''}`);
    for (const s of p.skipped) notes.push(`${p.provider}: skipped ${s}`);
  }
  for (const c of r.comparison)
    for (const d of c.differences)
      notes.push(
        `${c.provider} vs cpu, ${d.clip}: ${d.tokens} vs ${d.cpuTokens} tokens, first difference at #${d.firstIndex} (${d.id} vs ${d.cpuId}), edit distance ${d.editDistance}, ${d.framesDiffering}/${d.frames} frames, CPU lead there >= ${d.minCpuLead?.toExponential(2) ?? '?'}`,
      );
  for (const c of r.checks.filter((x) => x.id !== 'gpuWorks'))
    notes.push(`check ${c.id}${c.provider ? ` (${c.provider})` : ''}: ${c.ok ? 'ok' : 'NOT MET'}: ${c.detail}`);
  return [...lines, '', ...notes.map((n) => `- ${n}`), ''].join('\n');
}
