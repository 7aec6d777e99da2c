// The shell every SenseVoice webview page shares: a strict Content-Security-Policy (scripts only
// with a fresh nonce, styles, images, fonts and media only from the webview's own roots, nothing
// inline), the page's stylesheet and its one script. Pages add only their static skeleton; their
// scripts fill it in as text, so nothing from a transcript or a report is ever written as HTML.
import { randomBytes } from 'node:crypto';

export interface WebviewPageOptions {
  /** webview.cspSource: the origin of the extension's (and the audio's) files. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  /** The page's static markup. */
  body: string;
  /** Allow <audio>/<video> from the webview's roots. */
  media?: boolean;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string, options: { media?: boolean } = {}): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    ...(options.media ? [`media-src ${cspSource}`] : []),
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** Escapes a value for an HTML attribute. */
export function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function webviewPage(o: WebviewPageOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce, { media: o.media }))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>${attr(o.title)}</title>
</head>
<body>
${o.body.trim()}
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
