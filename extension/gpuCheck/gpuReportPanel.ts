// "SenseVoice: Check GPU": runs `gpu/diagnose` (cancellable, with progress) and shows the report in
// one webview panel. The page asks for a snapshot when it is ready and gets the whole state at every
// change; Copy as Markdown and Re-run come back as messages. After each report the status bar learns
// where inference runs and whether a GPU sits unused.
import * as vscode from 'vscode';
import { GPU_SETUP_COMMANDS } from '../gpuSetup/gpuSetupFlow';
import { MODEL_COMMANDS } from '../modelSetup/registerModelSetup';
import { ErrorCode, errorCodeName, SenseVoiceError, type GpuReport } from '../../common/protocol';
import { renderGpuReportMarkdown } from '../../common/gpuCheck/reportMarkdown';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { deviceStatus } from './deviceStatus';
import { gpuReportHtml, makeNonce } from './gpuReportHtml';
import { parseGpuPageMessage, type GpuHostMessage, type GpuViewState } from '../../common/pages/gpuReportMessages';

export const GPU_REPORT_VIEW_TYPE = 'sensevoice.gpuReport';

export class GpuReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private state: GpuViewState = { status: 'idle', fraction: null, message: null, report: null, error: null };
  private running: Promise<void> | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sup: DaemonSupervisor,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Shows the panel and runs the check (joining one already running). */
  show(): Promise<void> {
    this.reveal();
    return this.run();
  }

  /** Runs the check (again); a run already in progress is joined, not repeated. */
  run(): Promise<void> {
    this.running ??= this.check().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private reveal(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      GPU_REPORT_VIEW_TYPE,
      'SenseVoice: GPU Check',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        enableFindWidget: true,
        retainContextWhenHidden: false,
        localResourceRoots: [
          vscode.Uri.joinPath(this.extensionUri, 'dist', 'media'),
          vscode.Uri.joinPath(this.extensionUri, 'media'),
        ],
      },
    );
    this.panel = panel;
    this.ready = false;
    const webview = panel.webview;
    webview.html = gpuReportHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview
        .asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'media', 'gpuReportView.js'))
        .toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'gpuReport.css')).toString(),
    });
    webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    });
  }

  private post(m: GpuHostMessage): void {
    // Until the page says it is ready, nothing is sent: the snapshot it then gets carries it all.
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }

  private update(patch: Partial<GpuViewState>): void {
    this.state = { ...this.state, ...patch };
    this.post({ type: 'snapshot', state: this.state });
  }

  private onMessage(raw: unknown): void {
    const m = parseGpuPageMessage(raw);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        // A page (re)loaded, e.g. after the panel was hidden: it gets the whole state.
        this.ready = true;
        this.post({ type: 'snapshot', state: this.state });
        return;
      case 'rerun':
        void this.run();
        return;
      case 'setUpGpu':
        void vscode.commands.executeCommand(GPU_SETUP_COMMANDS.setUp);
        return;
      case 'downloadFp32':
        void vscode.commands.executeCommand(MODEL_COMMANDS.download, { variant: 'fp32' });
        return;
      case 'copyMarkdown': {
        const report = this.state.report;
        if (!report) return;
        void vscode.env.clipboard
          .writeText(renderGpuReportMarkdown(report))
          .then(() => this.post({ type: 'notice', text: 'Copied as Markdown' }));
        return;
      }
    }
  }

  private async check(): Promise<void> {
    this.update({ status: 'running', fraction: 0, message: 'Starting…', error: null });
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'SenseVoice: checking the GPU', cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let last = 0;
          return this.sup.request(
            'gpu/diagnose',
            {},
            {
              signal: abort.signal,
              onProgress: (p) => {
                const fraction = typeof p.fraction === 'number' ? Math.min(1, Math.max(0, p.fraction)) : null;
                if (fraction !== null) {
                  progress.report({ increment: Math.max(0, fraction - last) * 100, message: p.message });
                  last = Math.max(last, fraction);
                } else if (p.message) progress.report({ message: p.message });
                this.update({ fraction, message: p.message ?? null });
              },
            },
          );
        },
      );
      this.applyToStatusBar(report);
      this.log.info(`GPU check: ${report.summary.headline}`);
      this.update({ status: 'done', fraction: 1, message: null, report });
    } catch (err) {
      const cancelled = err instanceof SenseVoiceError && err.code === ErrorCode.Cancelled;
      const code = err instanceof SenseVoiceError ? errorCodeName(err.code) : 'InternalError';
      const message = err instanceof Error ? err.message : String(err);
      if (!cancelled) this.log.error(`GPU check failed: ${code}: ${message}`);
      this.update({
        status: this.state.report && cancelled ? 'done' : 'failed',
        fraction: null,
        message: null,
        error: cancelled ? { code, message: 'The check was cancelled.' } : { code, message },
      });
    }
  }

  private applyToStatusBar(report: GpuReport): void {
    const s = deviceStatus(report);
    if (s.provider) this.sup.setDevice(s.provider, s.device);
    this.sup.setGpuHint(s.hint);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
