// The GPU report page's HTML: a static skeleton under a strict Content-Security-Policy (scripts only
// with the nonce, styles only from the extension). The page's script fills it in as text.
import { randomBytes } from 'node:crypto';

export interface GpuReportHtmlOptions {
  /** webview.cspSource. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function gpuReportCsp(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${cspSource}`, `font-src ${cspSource}`].join('; ');
}

function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function gpuReportHtml(o: GpuReportHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(gpuReportCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>SenseVoice GPU check</title>
</head>
<body>
<header class="header">
  <div class="title-row">
    <h1>SenseVoice GPU check</h1>
    <div class="actions">
      <button type="button" id="rerun" class="button">Re-run</button>
      <button type="button" id="copy" class="button secondary" title="Copy the whole report as Markdown, for a bug report">Copy as Markdown</button>
    </div>
  </div>
  <div id="status" class="status" role="status" aria-live="polite"></div>
</header>
<main id="report" class="report"></main>
<div id="notice" class="notice" role="status" aria-live="polite"></div>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
