// The VS Code side of the GPU check that runs without VS Code: the status bar's text for a GPU name
// and for an unused GPU, the supervisor keeping both, the page's messages and the page's CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonConnection } from '../../../client/daemonConnection';
import { CrashBudget } from '../../../extension/crashBudget';
import { DaemonSupervisor, type DaemonState } from '../../../extension/daemonSupervisor';
import { describeState } from '../../../extension/statusText';
import { offersFp32Model, offersGpuSetup, parseGpuPageMessage } from '../../../common/pages/gpuReportMessages';
import type { GpuReport, ProviderProbe } from '../../../common/protocol';
import { gpuReportCsp, gpuReportHtml } from '../../../extension/gpuCheck/gpuReportHtml';

/** Just enough of a connection for the supervisor's state machine. */
function fakeConnection(pid: number): DaemonConnection {
  return {
    initializeResult: { pid, protocolVersion: 1, daemonVersion: 'test' },
    child: { pid },
    exited: null,
    onExit: () => undefined,
    onEngineChanged: () => undefined,
    dispose: async () => undefined,
  } as unknown as DaemonConnection;
}

test("status bar: CPU, or the GPU's name; a lightbulb and a tooltip line when a GPU is unused", () => {
  const ready = { kind: 'ready', pid: 1, busy: 0 } as const;
  assert.equal(describeState({ ...ready, provider: 'cpu' }).text, '$(unmute) SenseVoice: CPU');
  assert.equal(
    describeState({ ...ready, provider: 'cuda', device: 'NVIDIA GeForce RTX 4090' }).text,
    '$(unmute) SenseVoice: NVIDIA GeForce RTX 4090',
  );
  const remote = describeState({ ...ready, provider: 'remote' });
  assert.equal(remote.text, '$(unmute) SenseVoice: server');
  assert.match(remote.tooltip, /Inference on the inference server set in sensevoice\.inference\.endpoint/);
  const hinted = describeState({
    ...ready,
    provider: 'cpu',
    gpuHint: 'An NVIDIA GPU (Tesla T4) is present but inference runs on the CPU.',
  });
  assert.equal(hinted.text, '$(unmute) SenseVoice: CPU $(lightbulb)');
  assert.match(
    hinted.tooltip,
    /Tesla T4\) is present but inference runs on the CPU\. Run "SenseVoice: Check GPU" to see why\./,
  );
  assert.doesNotMatch(describeState({ ...ready, provider: 'cpu' }).tooltip, /Check GPU/);
});

test('supervisor: a device name given once is kept for its provider; the hint survives a restart', async () => {
  let pid = 100;
  const states: DaemonState[] = [];
  const sup = new DaemonSupervisor({
    start: async () => fakeConnection(++pid),
    budget: new CrashBudget({ maxRestarts: 3, windowMs: 60_000 }),
    log: () => undefined,
    onState: () => undefined,
    onGiveUp: () => undefined,
  });
  const sub = sup.onStateChange((s) => states.push(s));
  await sup.connection();
  sup.setDevice('cuda', 'NVIDIA A100');
  sup.setDevice('cpu');
  sup.setDevice('cuda'); // as the transcription code reports it: provider only
  assert.deepEqual(sup.state, { kind: 'ready', pid: 101, busy: 0, provider: 'cuda', device: 'NVIDIA A100' });
  sup.setGpuHint('GPU unused.');
  assert.equal((sup.state as { gpuHint?: string }).gpuHint, 'GPU unused.');
  await sup.restart();
  assert.deepEqual(sup.state, { kind: 'ready', pid: 102, busy: 0, gpuHint: 'GPU unused.' });
  sup.setGpuHint(undefined);
  assert.equal((sup.state as { gpuHint?: string }).gpuHint, undefined);
  assert.ok(states.length >= 6, 'listeners see every change');
  sub.dispose();
  const seen = states.length;
  sup.setDevice('cpu');
  assert.equal(states.length, seen, 'a disposed listener hears nothing');
  await sup.stop();
});

test('page messages: only the four known ones pass', () => {
  assert.deepEqual(parseGpuPageMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseGpuPageMessage({ type: 'setUpGpu' }), { type: 'setUpGpu' });
  assert.deepEqual(parseGpuPageMessage({ type: 'rerun', extra: 1 }), { type: 'rerun' });
  assert.deepEqual(parseGpuPageMessage({ type: 'copyMarkdown' }), { type: 'copyMarkdown' });
  assert.equal(parseGpuPageMessage({ type: 'eval', code: 'x' }), null);
  assert.equal(parseGpuPageMessage('ready'), null);
  assert.equal(parseGpuPageMessage(null), null);
});

test('the page: strict CSP with a nonce, no inline script or style, assets from the extension only', () => {
  const html = gpuReportHtml({
    cspSource: 'https://ext.example',
    nonce: 'N0nce+/=',
    scriptUri: 'https://ext.example/dist/media/gpuReportView.js',
    styleUri: 'https://ext.example/media/gpuReport.css',
  });
  const csp = gpuReportCsp('https://ext.example', 'N0nce+/=');
  assert.ok(html.includes(`content="${csp}"`));
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /script-src 'nonce-N0nce\+\/='/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, /nonce="N0nce\+\/=" src="https:\/\/ext\.example\/dist\/media\/gpuReportView\.js"/);
  assert.equal(scripts[0]![2], '', 'no inline script');
  assert.doesNotMatch(html, /<style|style="| on[a-z]+="/, 'no inline style or handlers');
});

test('the report page offers Set Up GPU only for a CUDA provider without its libraries on Linux x64', () => {
  const report = (platform: string, arch: string, providers: Partial<ProviderProbe>[]) =>
    ({
      host: { platform, arch },
      providers: providers.map((p) => ({ provider: 'cuda', ok: false, ms: 0, ...p })),
    }) as unknown as GpuReport;
  assert.equal(offersGpuSetup(report('linux', 'x64', [{ cause: 'provider-not-installed' }])), true);
  assert.equal(offersGpuSetup(report('linux', 'x64', [{ cause: 'provider-damaged' }])), true);
  assert.equal(offersGpuSetup(report('linux', 'x64', [{ cause: 'cudnn-missing' }])), false, 'setup would not help');
  assert.equal(offersGpuSetup(report('linux', 'x64', [{ ok: true }])), false);
  assert.equal(offersGpuSetup(report('linux', 'arm64', [{ cause: 'provider-not-installed' }])), false);
  assert.equal(offersGpuSetup(report('win32', 'x64', [{ cause: 'provider-not-installed' }])), false);
  assert.equal(offersGpuSetup(report('linux', 'x64', [{ provider: 'webgpu', cause: 'no-adapter' }])), false);
});

test('the report page offers the fp32 model only when CUDA would run the int8 model', () => {
  const report = (selectedProvider: string | null, quantization: 'int8' | 'fp32' | null) =>
    ({
      selectedProvider,
      model: { gpuFile: quantization ? { path: `/m/model.${quantization}.onnx`, quantization, sizeBytes: 1 } : null },
    }) as unknown as GpuReport;
  assert.equal(offersFp32Model(report('cuda', 'int8')), true);
  assert.equal(offersFp32Model(report('tensorrt', 'int8')), true);
  assert.equal(offersFp32Model(report('cuda', 'fp32')), false, 'fp32 is there');
  assert.equal(offersFp32Model(report('cpu', 'int8')), false, 'int8 is right on the CPU');
  assert.equal(offersFp32Model(report(null, 'int8')), false, 'a quick check selects nothing');
  assert.equal(offersFp32Model(report('cuda', null)), false, 'no model');
  assert.deepEqual(parseGpuPageMessage({ type: 'downloadFp32' }), { type: 'downloadFp32' });
  assert.equal(parseGpuPageMessage({ type: 'downloadFp64' }), null);
});
