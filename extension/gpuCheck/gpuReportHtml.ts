// The GPU report page's static skeleton; the shared shell (extension/webviewPage.ts) adds the strict
// Content-Security-Policy. The page's script fills it in as text.
import { contentSecurityPolicy, makeNonce, webviewPage } from '../webviewPage';

export { makeNonce };

export interface GpuReportHtmlOptions {
  /** webview.cspSource. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function gpuReportCsp(cspSource: string, nonce: string): string {
  return contentSecurityPolicy(cspSource, nonce);
}

export function gpuReportHtml(o: GpuReportHtmlOptions): string {
  return webviewPage({
    ...o,
    title: 'SenseVoice GPU check',
    body: `
<header class="header">
  <div class="title-row">
    <h1>SenseVoice GPU check</h1>
    <div class="actions">
      <button type="button" id="setUpGpu" class="button" hidden title="Fetch the CUDA provider libraries (SenseVoice: Set Up GPU)">Set Up GPU</button>
      <button type="button" id="downloadFp32" class="button" hidden title="The int8 model falls back to the CPU on CUDA: download the fp32 model (SenseVoice: Download Model)">Download fp32 Model</button>
      <button type="button" id="rerun" class="button">Re-run</button>
      <button type="button" id="copy" class="button secondary" title="Copy the whole report as Markdown, for a bug report">Copy as Markdown</button>
    </div>
  </div>
  <div id="status" class="status" role="status" aria-live="polite"></div>
</header>
<main id="report" class="report"></main>
<div id="notice" class="notice" role="status" aria-live="polite"></div>
`,
  });
}
