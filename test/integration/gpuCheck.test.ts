// The GPU check as users run it: `sensevoice gpu-check` on this machine (the outcome decided by what
// the machine has: CUDA timed where it works, else unavailable and why), the same with a fake nvidia-smi that sees a card
// (the GPU is unused: a failed check, exit 1), `gpu/diagnose` over the protocol with progress and
// cancel, and the report page in Chromium under its real Content-Security-Policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError, type GpuReport, type ProgressParams } from '../../common/protocol';
import { renderGpuReportMarkdown } from '../../common/gpuCheck/reportMarkdown';
import { gpuReportHtml } from '../../extension/gpuCheck/gpuReportHtml';
import type { GpuViewState } from '../../common/pages/gpuReportMessages';
import { ROOT, requireBuilt } from '../helpers/paths';
import { machineCuda } from '../helpers/machineGpu';
import { fakeNvidiaSmi, NVIDIA_SMI } from '../unit/daemon/diagnostics/fakeMachine';

/** The page's globals as the callbacks below use them: they run in the browser, and this program compiles without the DOM library. */
interface PageGlobals {
  posted: { type: string }[];
  violations: string[];
  postMessage(message: unknown, targetOrigin: string): void;
  document: { getElementById(id: string): { textContent: string | null } | null };
  getComputedStyle(element: unknown): { position: string };
}

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [requireBuilt('cli.js'), ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let realRun: GpuReport | undefined;
let realExit: number | null = null;
function realReport(): GpuReport {
  if (!realRun) {
    const r = cli(['gpu-check', '--json']);
    assert.ok(r.code === 0 || r.code === 1, `gpu-check answers with a verdict: ${r.stderr}`);
    realExit = r.code;
    realRun = JSON.parse(r.stdout) as GpuReport;
  }
  return realRun;
}

test('gpu-check --json on this machine: the CPU works; CUDA runs and is timed, or fails with its cause, as the machine decides', (t) => {
  const machine = machineCuda();
  t.diagnostic(`this machine: ${JSON.stringify(machine)}`);
  const r = realReport();
  assert.equal(r.schema, 1);
  assert.equal(r.quick, false);
  const cpu = r.providers.find((p) => p.provider === 'cpu');
  assert.equal(cpu?.ok, true);
  const cuda = r.providers.find((p) => p.provider === 'cuda');
  assert.ok(cuda, 'CUDA was tried');
  const bench = r.benchmark;
  assert.equal(bench?.model, 'synthetic');
  assert.equal(bench?.clipSec, 10);
  if (cuda.ok) {
    assert.ok(
      machine.mayWork,
      `CUDA worked, yet this machine lacks a card, libcuda or the provider library: ${JSON.stringify(machine)}`,
    );
    const cudaRun = bench?.runs.find((x) => x.provider === 'cuda');
    assert.equal(cudaRun?.ok, true, cudaRun?.error);
    assert.ok(
      cudaRun!.rtf! > 0 && cudaRun!.warmMs! > 0 && cudaRun!.coldMs! > 0 && cudaRun!.sessionMs! > 0,
      JSON.stringify(cudaRun),
    );
    assert.notEqual(r.selectedProvider, 'cpu');
    assert.match(r.summary.headline, /^The GPU works: inference runs on /);
    assert.equal(realExit, 0, 'a GPU in use passes the check');
  } else {
    assert.ok(cuda.error, "onnxruntime's own error is kept");
    assert.ok(cuda.cause && cuda.reason && cuda.fix, 'with a cause, a plain reason and a fix');
    if (!machine.providerLibrary) {
      // The install skipped the CUDA download (CI and machines without a GPU).
      assert.equal(cuda.error, 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
      assert.equal(cuda.cause, 'provider-not-installed');
      assert.match(cuda.fix ?? '', /ONNXRUNTIME_NODE_INSTALL=cuda12/);
      assert.deepEqual(r.onnxruntime.providerLibraries, [], 'the report agrees that no provider library is installed');
    } else {
      assert.notEqual(cuda.cause, 'provider-not-installed', 'the provider library is there');
    }
    assert.equal(r.selectedProvider, 'cpu');
    assert.equal(r.summary.provider, 'cpu');
    assert.match(
      r.summary.headline,
      machine.card
        ? /^Inference runs on the CPU: the .* is not used; .*CUDA: /
        : /^Inference runs on the CPU: no NVIDIA GPU found; .*CUDA: /,
    );
    // A card that CUDA cannot use fails the check (exit 1); without one the CPU is the right answer.
    assert.equal(realExit, machine.card ? 1 : 0);
  }
  assert.deepEqual(r.onnxruntime.backends?.map((b) => b.name).sort(), ['cpu', 'cuda', 'tensorrt', 'webgpu']);
  const cpuRun = bench?.runs.find((x) => x.provider === 'cpu');
  assert.equal(cpuRun?.ok, true);
  assert.ok(cpuRun!.rtf! > 0 && cpuRun!.warmMs! > 0 && cpuRun!.coldMs! > 0 && cpuRun!.sessionMs! > 0);
  assert.deepEqual(
    r.checklist.map((c) => c.id),
    ['driver', 'provider', 'predecode', 'warmup', 'vadCap', 'concurrency'],
  );
  const failing = r.checklist.filter((c) => c.status === 'fail').map((c) => c.id);
  if (machine.card && !cuda.ok)
    assert.ok(failing.includes('provider'), `an unused card fails the provider item: ${failing}`);
  else assert.deepEqual(failing, [], JSON.stringify(r.checklist.filter((c) => c.status === 'fail')));
  assert.equal(r.checklist.find((c) => c.id === 'predecode')?.status, 'pass', 'ffmpeg decodes mp3, aac and opus here');
  assert.ok(r.host.cpuCores >= 1 && r.host.totalMemoryBytes > 0);
  // The Markdown copy of this very report carries its answer and each provider's own words.
  const md = renderGpuReportMarkdown(r);
  assert.ok(md.includes(r.summary.headline));
  if (cuda.error) assert.ok(md.includes(cuda.error));
});

test('a machine whose nvidia-smi sees a card but CUDA cannot run: the GPU is unused, the check fails (exit 1), Markdown names the card', () => {
  const pathWithFakeSmi = `${fakeNvidiaSmi(NVIDIA_SMI.workingCard)}${path.delimiter}${process.env.PATH}`;
  // CUDA_VISIBLE_DEVICES hides any real card from CUDA, so CUDA cannot run here even where it works.
  const r = cli(['gpu-check', '--format', 'md'], { ...process.env, PATH: pathWithFakeSmi, CUDA_VISIBLE_DEVICES: '' });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^# SenseVoice GPU check$/m);
  assert.match(r.stdout, /^❌ \*\*Inference runs on the CPU: the NVIDIA GeForce RTX 4090 is not used; CUDA: /m);
  assert.match(r.stdout, /^\| NVIDIA GeForce RTX 4090 \| 550\.54\.14 \| 24564 MiB \| 23012 MiB \| 3% \|$/m);
  assert.match(r.stdout, /^\| ❌ \| Execution provider \| The NVIDIA GeForce RTX 4090 is not used/m);
});

test('gpu/diagnose over the protocol: progress in order under the token, quick tries no provider and takes a fraction of the full check, cancel', async (t) => {
  const conn = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'test',
  });
  try {
    const quick = await conn.request('gpu/diagnose', { quick: true });
    assert.equal(quick.quick, true);
    assert.deepEqual(quick.providers, []);
    assert.equal(quick.benchmark ?? null, null, 'no benchmark in a quick check');
    // The baseline is the full check on this machine in this run (the cli's, above).
    const full = realReport().durationMs;
    t.diagnostic(`quick ${quick.durationMs} ms, full ${full} ms`);
    assert.ok(quick.durationMs < full / 2, `quick took ${quick.durationMs} ms, the full check ${full} ms`);

    const abort = new AbortController();
    const seen: ProgressParams[] = [];
    const cancelled = conn.request(
      'gpu/diagnose',
      {},
      {
        signal: abort.signal,
        onProgress: (p) => {
          seen.push(p);
          if (/^Trying/.test(p.message ?? '')) abort.abort();
        },
      },
    );
    await assert.rejects(cancelled, (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled);
    assert.ok(seen.length >= 2);
    const fractions = seen.map((p) => p.fraction ?? 0);
    assert.deepEqual(
      fractions,
      [...fractions].sort((a, b) => a - b),
      'progress only goes forward',
    );
    // The daemon still answers after a cancelled check.
    assert.ok((await conn.request('system/info', undefined)).node);
  } finally {
    await conn.dispose();
  }
});

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

test(
  'the report page in Chromium: ready -> snapshot, rendered as text under the CSP, buttons post their messages',
  { skip: CHROMIUM ? false : 'skipped: no Chromium at /usr/bin/chromium' },
  async () => {
    const script = fs.readFileSync(requireBuilt(path.join('media', 'gpuReportView.js')));
    const css = fs.readFileSync(path.join(ROOT, 'media', 'gpuReport.css'));
    const baseCss = fs.readFileSync(path.join(ROOT, 'media', 'base.css'));
    let html = '';
    const server = http.createServer((req, res) => {
      const body =
        req.url === '/view.js'
          ? script
          : req.url === '/style.css'
            ? css
            : req.url === '/base.css'
              ? baseCss
              : req.url === '/'
                ? html
                : null;
      res.writeHead(body === null ? 404 : 200, {
        'content-type':
          req.url === '/view.js' ? 'text/javascript' : req.url?.endsWith('.css') ? 'text/css' : 'text/html',
      });
      res.end(body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    html = gpuReportHtml({
      cspSource: origin,
      nonce: 'dGVzdG5vbmNl',
      scriptUri: `${origin}/view.js`,
      styleUri: `${origin}/style.css`,
    });

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      // A string, not a function: the test's transpiler adds helpers to functions that the page lacks.
      await page.addInitScript(`
      window.posted = [];
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m) });
    `);
      await page.goto(origin);
      const posted = () => page.evaluate(() => (globalThis as unknown as PageGlobals).posted.map((m) => m.type));
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).posted.length > 0);
      assert.deepEqual(await posted(), ['ready'], 'the page asks for its snapshot');

      const report: GpuReport = structuredClone(realReport());
      // Providers with known causes, so the badges' words can be written out here.
      report.providers = [
        {
          provider: 'cuda',
          ok: false,
          ms: 3,
          error: '<img src=x onerror="document.title=\'owned\'"> not markup',
          cause: 'provider-not-installed',
          reason: 'r',
          fix: 'f',
        },
        { provider: 'tensorrt', ok: false, ms: 2, error: 'e', cause: 'cudnn-missing', reason: 'r', fix: 'f' },
        { provider: 'webgpu', ok: false, ms: 1, error: 'e' },
        { provider: 'cpu', ok: true, ms: 5 },
      ];
      const state: GpuViewState = { status: 'done', fraction: 1, message: null, report, error: null };
      await page.evaluate(
        (s) => (globalThis as unknown as PageGlobals).postMessage({ type: 'snapshot', state: s }, '*'),
        state,
      );
      await page.waitForSelector('.summary .headline');
      assert.equal(await page.textContent('.summary .headline'), report.summary.headline);
      const checks = await page.$$eval('.checklist .check-title', (els) => els.map((e) => e.textContent));
      assert.deepEqual(
        checks,
        report.checklist.map((c) => c.title),
      );
      const rows = await page.$$eval('table.providers tbody tr', (trs) => trs.map((tr) => tr.children[1]?.textContent));
      // A failed provider's badge gives its cause in words; the code stays in its tooltip.
      assert.deepEqual(rows, ['Not installed', 'No cuDNN', 'Failed', 'Works']);
      const titles = await page.$$eval('table.providers tbody tr', (trs) =>
        trs.map((tr) => tr.children[1]?.querySelector('.badge')?.getAttribute('title') ?? null),
      );
      assert.deepEqual(titles, ['provider-not-installed', 'cudnn-missing', null, null]);
      assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0, 'error text is shown as text, never parsed');
      assert.ok((await page.textContent('table.providers'))?.includes('<img src=x'));
      assert.notEqual(await page.title(), 'owned');

      await page.click('#copy');
      await page.click('#rerun');
      assert.deepEqual(await posted(), ['ready', 'copyMarkdown', 'rerun']);
      await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).postMessage(
          {
            type: 'snapshot',
            state: { status: 'running', fraction: 0.5, message: 'Trying CUDA…', report: null, error: null },
          },
          '*',
        ),
      );
      await page.waitForFunction(() =>
        (globalThis as unknown as PageGlobals).document.getElementById('status')?.textContent?.includes('Trying CUDA'),
      );
      assert.equal(
        await page.$eval('#rerun', (b) => (b as unknown as { disabled: boolean }).disabled),
        true,
        'no second run while one is going',
      );
      assert.deepEqual(
        await page.evaluate(() => (globalThis as unknown as PageGlobals).violations),
        [],
        'nothing broke the CSP',
      );
      assert.deepEqual(pageErrors, []);
      assert.equal(
        await page.$eval('.header', (h) => (globalThis as unknown as PageGlobals).getComputedStyle(h).position),
        'sticky',
        'the stylesheet loaded under the CSP',
      );
    } finally {
      await browser.close();
      server.close();
    }
  },
);
