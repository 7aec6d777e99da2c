// The transcript view's static skeleton; the shared shell (extension/webviewPage.ts) adds the strict
// Content-Security-Policy (with media from the audio's folder). Nothing from a transcript or a file
// name is written here; the page's script fills it in as text.
import type { ExportFormat } from '../../common/formats';
import { EXPORT_FORMAT_IDS } from '../../common/values';
import { contentSecurityPolicy as pagePolicy, makeNonce, webviewPage } from '../webviewPage';

export { makeNonce };

export interface TranscriptHtmlOptions {
  /** webview.cspSource: the origin of the extension's and the audio's files. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const BUTTON_LABELS: Record<ExportFormat, string> = {
  md: 'Markdown',
  srt: 'SRT',
  vtt: 'VTT',
  json: 'JSON',
  txt: 'Text',
};

/** The policy: scripts only with the nonce, styles and media only from the webview's own roots. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return pagePolicy(cspSource, nonce, { media: true });
}

export function transcriptHtml(o: TranscriptHtmlOptions): string {
  const formats = EXPORT_FORMAT_IDS.map((f) => [f, BUTTON_LABELS[f]] as const);
  return webviewPage({
    ...o,
    title: 'SenseVoice transcript',
    media: true,
    body: `
<header class="header">
  <div class="title-row">
    <h1 id="file-name" class="file-name"></h1>
    <div class="actions">
      <button type="button" id="copy-text" class="button secondary" title="Copy the transcript as plain text">Copy text</button>
      <button type="button" id="copy-md" class="button secondary" title="Copy the transcript as Markdown meeting notes">Copy Markdown</button>
      <div class="export" role="group" aria-label="Export">
        <span class="export-label">Export</span>
        ${formats.map(([f, label]) => `<button type="button" class="button secondary export-button" data-format="${f}" title="Save as ${label}">${label}</button>`).join('')}
      </div>
    </div>
  </div>
  <dl id="facts" class="facts"></dl>
  <div id="speakers" class="speakers" role="group" aria-label="Participants" hidden></div>
  <div id="status" class="status" role="status" aria-live="polite">
    <div class="status-line">
      <span id="status-text"></span>
      <button type="button" id="cancel" class="button secondary small">Cancel</button>
      <button type="button" id="retry" class="button small">Transcribe again</button>
    </div>
    <div class="progress" aria-hidden="true"><div id="progress-bar" class="progress-bar"></div></div>
  </div>
  <div id="source-warnings" class="source-warnings" role="alert" hidden></div>
</header>
<section id="player" class="player" aria-label="Audio">
  <audio id="audio" controls preload="metadata"></audio>
  <p id="audio-note" class="audio-note" hidden></p>
  <div id="timeline" class="timeline" role="slider" tabindex="0" aria-label="Timeline: click to play from there" aria-valuemin="0" aria-valuemax="0" aria-valuenow="0">
    <div class="lane" data-lane="events"><span class="lane-label">Sounds</span><div class="lane-track" id="lane-events"></div></div>
    <div class="lane" data-lane="moods"><span class="lane-label">Moods</span><div class="lane-track" id="lane-moods"></div></div>
    <div class="lane" data-lane="speech"><span class="lane-label">Speech</span><div class="lane-track" id="lane-speech"></div></div>
    <div id="speaker-lanes" class="speaker-lanes"></div>
    <div id="playhead" class="playhead"></div>
  </div>
</section>
<section id="filters" class="filters" aria-label="Filters"></section>
<main id="segments" class="segments" aria-label="Segments"></main>
<div id="notice" class="notice" role="status" aria-live="polite"></div>
`,
  });
}
