// "Copy as Markdown" and `gpu-check --format md` render the report's JSON; here the Markdown is read
// back (its tables parsed) and compared with the JSON it came from, field by field. The cli's text
// rendering is checked the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseGpu } from '../../../../daemon/diagnostics/diagnoseGpu';
import { cell, renderGpuReportMarkdown } from '../../../../common/gpuCheck/reportMarkdown';
import { scanCudaLibraries } from '../../../../daemon/diagnostics/cudaLibraries';
import { findOnPath } from '../../../../daemon/ffmpeg/resolveFfmpeg';
import { sanitizeSettings } from '../../../../daemon/settings';
import type { CheckStatus, GpuReport } from '../../../../common/protocol';
import { renderText } from '../../../../cli/gpuCheckCommand';
import { testModel } from '../../../helpers/testModels';
import {
  CUDA12_FILES,
  fakeLibraryFolder,
  fakeNvidiaSmi,
  fakeRunJob,
  NVIDIA_SMI,
  ORT,
  without,
} from '../../daemon/diagnostics/fakeMachine';

const ICON: Record<CheckStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

let base: Promise<GpuReport> | undefined;
async function report(): Promise<GpuReport> {
  base ??= makeReport();
  const r = structuredClone(await base);
  // Text that must not break the Markdown: a pipe in a table cell, backticks in a fenced block.
  r.checklist[0]!.detail += ' (a | b)';
  r.providers[0]!.log = [...(r.providers[0]!.log ?? []), 'a line with ``` inside'];
  return r;
}

async function makeReport(): Promise<GpuReport> {
  const libDir = fakeLibraryFolder(without(CUDA12_FILES, /cudnn/));
  const r = await diagnoseGpu({
    settings: sanitizeSettings({ vad: 'off', concurrency: 3, threads: 2 }),
    modelPath: testModel('sherpa', { int8: true }).dir,
    platform: 'linux',
    env: { PATH: fakeNvidiaSmi(NVIDIA_SMI.twoCards) },
    resolveFfmpeg: async () => ({
      path: findOnPath('ffmpeg', process.env.PATH) ?? '/usr/bin/ffmpeg',
      source: 'path',
      version: 'test',
      skipped: [],
    }),
    libraries: (bin) =>
      scanCudaLibraries({
        platform: 'linux',
        libraryPathEnv: libDir,
        ortBinDir: bin,
        toolkitDirs: [],
        ldconfigOutput: null,
      }),
    onnxRuntime: () => ({
      version: '1.30.0',
      backends: [
        { name: 'cpu', bundled: true },
        { name: 'cuda', bundled: false },
      ],
      binDir: null,
      providerLibraries: ['libonnxruntime_providers_cuda.so'],
    }),
    runJob: fakeRunJob({
      cuda: { error: ORT.cudaMissing, log: [ORT.cudnnMissingLog] },
      webgpu: { error: ORT.webgpu },
      cpu: 'works',
    }),
    benchmark: { clipSec: 2, warmRuns: 1 },
  });
  return r;
}

/** The rows of the first table after `heading`, cells unescaped. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  let i = lines.indexOf(heading);
  assert.ok(i >= 0, `no ${heading}`);
  while (!lines[i]!.startsWith('|')) i++;
  const rows: string[][] = [];
  for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(
      lines[i]!.slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((c) => c.replace(/\\\|/g, '|')),
    );
  }
  return rows;
}

test('the Markdown says what the JSON says: summary, checklist, providers, errors, timing, hardware, model', async () => {
  const r = await report();
  // Times pinned, so the expected text is written out here rather than made by the renderer's helpers.
  assert.deepEqual(
    r.providers.map((p) => p.provider),
    ['cuda', 'tensorrt', 'webgpu', 'cpu'],
  );
  r.providers.forEach((p, i) => (p.ms = [1234.4, 56.78, 0.04, 100][i]!));
  assert.deepEqual(
    r.benchmark!.runs.map((x) => x.provider),
    ['cpu'],
  );
  Object.assign(r.benchmark!.runs[0]!, { sessionMs: 250.4, coldMs: 41.44, warmMs: 14.4, rtf: 0.0072 });
  const md = renderGpuReportMarkdown(r);
  assert.ok(md.includes(`${ICON[r.summary.status]} **${r.summary.headline}**`));

  const checklist = tableAfter(md, '## Checklist');
  assert.equal(checklist.length, r.checklist.length);
  r.checklist.forEach((c, i) =>
    assert.deepEqual(checklist[i], [
      ICON[c.status],
      c.title,
      c.detail.replace(/\s+/g, ' '),
      c.fix ? c.fix.replace(/\s+/g, ' ') : '–',
    ]),
  );
  assert.ok(checklist[0]![2]!.endsWith('(a | b)'), 'a pipe survives inside its cell');

  const providers = tableAfter(md, '## Execution providers');
  assert.deepEqual(
    providers.map((p) => p.slice(0, 3)),
    [
      ['CUDA', '❌ cudnn-missing', '1234 ms'],
      ['TensorRT', '❌ not-in-build', '56.8 ms'],
      ['WebGPU', '❌ no-adapter', '0.0 ms'],
      ['CPU', '✅ works', '100 ms'],
    ],
  );
  for (const [i, p] of r.providers.entries()) {
    if (!p.ok) {
      assert.equal(providers[i]![3], p.reason);
      assert.equal(providers[i]![4], p.fix);
    }
  }
  assert.ok(md.includes('Selected: **CPU** (sensevoice.provider: auto).'));

  // Each failure's own words, verbatim, in a fence that the backticks inside cannot close.
  for (const [p, label] of r.providers
    .filter((x) => !x.ok)
    .map((p, i) => [p, ['CUDA', 'TensorRT', 'WebGPU'][i]] as const)) {
    const at = md.indexOf(`### ${label}: the library's own words`);
    assert.ok(at >= 0);
    const block = md.slice(at).split('\n');
    const fence = block[2]!;
    assert.match(fence, /^`{3,}$/);
    const end = block.indexOf(fence, 3);
    assert.deepEqual(block.slice(3, end), [p.error, ...(p.log ?? [])].filter(Boolean).join('\n').split('\n'));
  }
  assert.ok(md.includes('````\n'), 'the fence grew past the ``` in the log');

  const timing = tableAfter(md, '## Timing (2 s clip)');
  assert.deepEqual(
    timing.map((row) => row.slice(0, 6)),
    [['CPU', 'model.int8.onnx (int8)', '250 ms', '41.4 ms', '14.4 ms', '0.0072']],
  );

  const gpus = tableAfter(md, '## NVIDIA');
  assert.deepEqual(
    gpus.map((g) => g[0]),
    r.nvidia.gpus.map((g) => g.name),
  );
  assert.equal(gpus[1]![3], '–', '[N/A] free memory shows as a dash');

  const libs = tableAfter(md, '## CUDA libraries');
  assert.deepEqual(
    libs.map((l) => [l[0], l[1], l[2]]),
    r.cudaLibraries.requirements.map((q) => [q.library, q.soname, q.status]),
  );

  const model = tableAfter(md, '## Model');
  assert.deepEqual(
    model.map((m) => [m[1], m[2]]),
    [
      [r.model.cpuFile!.path, r.model.cpuFile!.quantization],
      [r.model.gpuFile!.path, r.model.gpuFile!.quantization],
    ],
  );
  assert.ok(md.includes(`provider ${r.settings.provider} · threads 2 · vad off · maxSegmentSec 30 · concurrency 3`));
});

test("the cli's text shows the answer, each provider with its fix, and each check with its verdict", async () => {
  const r = await report();
  const text = renderText(r);
  assert.ok(text.includes(`${r.summary.status.toUpperCase()}  ${r.summary.headline}`));
  for (const [label, verdict] of [
    ['CUDA', 'FAILED'],
    ['TensorRT', 'FAILED'],
    ['WebGPU', 'FAILED'],
    ['CPU', 'works'],
  ])
    assert.match(text, new RegExp(`^  ${label}\\s+${verdict}`, 'm'));
  for (const p of r.providers.filter((x) => !x.ok && x.fix)) assert.ok(text.includes(`fix: ${p.fix}`));
  for (const c of r.checklist) assert.match(text, new RegExp(`^  ${c.status.toUpperCase()}  ${c.title}`, 'm'));
  assert.match(text, /^NVIDIA\s+driver 535\.183\.01: NVIDIA A100-SXM4-80GB/m);
});

test('cells: one line, pipes escaped, empty as a dash', () => {
  assert.equal(cell('a |\n b'), 'a \\| b');
  assert.equal(cell(''), '–');
  assert.equal(cell(null), '–');
  assert.equal(cell(3), '3');
});

test('with an inference server set, the Markdown and the text say the model runs there, and how it answers', async () => {
  const r = await report();
  assert.ok(!renderGpuReportMarkdown(r).includes('## Inference server'), 'no section without a server');
  r.inferenceServer = {
    endpoint: 'http://gpu-box:8000',
    modelName: 'sensevoice',
    ready: true,
    roundTripMs: 3,
    server: 'triton 2.50.0',
    modelReady: true,
    batchStats: [
      {
        model: 'sensevoice/1',
        inferences: 30,
        executions: 30,
        averageBatch: 1,
        batchSizes: [],
        queueMs: null,
        computeMs: null,
      },
      {
        model: 'sensevoice_encoder/1',
        inferences: 30,
        executions: 12,
        averageBatch: 2.5,
        batchSizes: [
          { size: 4, runs: 6 },
          { size: 1, runs: 6 },
        ],
        queueMs: 0.3,
        computeMs: 41,
      },
    ],
  };
  const want = [
    'The model runs on the inference server http://gpu-box:8000: ready, round trip 3 ms (triton 2.50.0).',
    'Model sensevoice: ready.',
    'sensevoice/1: 30 inferences in 30 runs (1 per run).',
    'sensevoice_encoder/1: 30 inferences in 12 runs (2.5 per run; batch sizes 4×6, 1×6; queue 0.3 ms, compute 41 ms per request).',
  ];
  const md = renderGpuReportMarkdown(r);
  assert.ok(md.includes(['## Inference server', '', ...want].join('\n')), md);
  assert.ok(renderText(r).includes(want.join('\n')));
  r.inferenceServer = {
    endpoint: 'http://gpu-box:8000',
    modelName: 'sensevoice',
    ready: false,
    error: { code: 1701, message: 'Inference server http://gpu-box:8000: GET /v2/health/ready failed.' },
  };
  assert.ok(
    renderText(r).includes(
      'The model runs on the inference server http://gpu-box:8000: not ready.\nModel sensevoice: not ready.\nError: Inference server http://gpu-box:8000: GET /v2/health/ready failed.',
    ),
  );
});
