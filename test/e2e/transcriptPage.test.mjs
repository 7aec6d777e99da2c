// The transcript view's page on its own, in Chromium: the built page script under the real HTML and
// Content-Security-Policy, fed the host's messages directly. Covers what code-server cannot show
// on demand: live segments arriving out of order, then the final result replacing them.
// Needs /usr/bin/chromium and a build (dist/media); run by test/e2e/run.sh, or alone with
//   node --import tsx --test test/e2e/transcriptPage.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { transcriptHtml } from '../../extension/transcript/html.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ORIGIN = 'https://webview.test';
const CHROMIUM = '/usr/bin/chromium';
const skip = !fs.existsSync(CHROMIUM) ? `${CHROMIUM} is missing (apt-get install chromium)` : false;

const state = (over = {}) => ({
  fileName: 'meeting.wav',
  filePath: '/rec/meeting.wav',
  audioUri: null,
  status: 'running',
  origin: 'live',
  fraction: null,
  segmentsDone: 0,
  durationSec: null,
  model: null,
  rtf: null,
  segments: [],
  error: null,
  emoji: true,
  speakers: [],
  turns: [],
  speakersUnavailable: null,
  ...over,
});
const seg = (index, start, text, over = {}) => ({
  index,
  start,
  end: start + 4,
  language: 'en',
  emotion: 'NEUTRAL',
  event: 'Speech',
  text,
  ...over,
});

describe('transcript page', { skip, timeout: 60_000 }, () => {
  let browser;
  let page;
  const problems = [];

  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (/Refused to|Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    // VS Code's webview API, as the page sees it; injected by the browser, outside the page's CSP.
    await page.addInitScript(() => {
      window.__posted = [];
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => window.__state,
        setState: (s) => (window.__state = s),
      });
    });
    const html = transcriptHtml({
      cspSource: ORIGIN,
      nonce: 'n0nce',
      scriptUri: `${ORIGIN}/dist/media/transcriptView.js`,
      styleUri: `${ORIGIN}/media/transcript.css`,
    });
    await page.route(`${ORIGIN}/**`, (route) => {
      const p = new URL(route.request().url()).pathname;
      if (p === '/') return route.fulfill({ contentType: 'text/html', body: html });
      const file = path.join(ROOT, p);
      if (!file.startsWith(ROOT) || !fs.existsSync(file)) return route.fulfill({ status: 404 });
      return route.fulfill({
        contentType: p.endsWith('.css') ? 'text/css' : 'text/javascript',
        body: fs.readFileSync(file),
      });
    });
    await page.goto(`${ORIGIN}/`);
  });

  after(async () => {
    await browser?.close();
  });

  // Resolves once the page's own message handler (registered first) has run.
  const send = (m) =>
    page.evaluate(
      (msg) =>
        new Promise((resolve) => {
          window.addEventListener('message', () => setTimeout(resolve, 0), { once: true });
          window.postMessage(msg, '*');
        }),
      m,
    );
  const posted = () => page.evaluate(() => window.__posted);
  const texts = () => page.locator('.segment .text').allInnerTexts();

  it('asks for a snapshot when it is ready', async () => {
    await page.waitForFunction(() => window.__posted.length > 0);
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
  });

  it('shows live segments in file order as they arrive, text as text', async () => {
    await send({ type: 'snapshot', state: state() });
    assert.match(await page.locator('.empty').innerText(), /Listening/);
    await send({ type: 'progress', fraction: 0.4, segmentsDone: 1 });
    assert.equal(await page.locator('#status-text').innerText(), 'Transcribing… · 40% · 1 segment');
    await send({ type: 'segment', segment: seg(2, 8, 'third') });
    await send({
      type: 'segment',
      segment: seg(0, 0, '<img src=x onerror=alert(1)>', { emotion: 'HAPPY', event: 'BGM' }),
    });
    await send({ type: 'segment', segment: seg(1, 4, 'second', { language: 'zh', emotion: 'SAD' }) });
    await page.waitForFunction(() => document.querySelectorAll('.segment').length === 3);
    assert.deepEqual(await texts(), ['<img src=x onerror=alert(1)>', 'second', 'third']);
    assert.equal(await page.locator('#segments img').count(), 0);
    assert.equal(await page.locator('.empty').count(), 0);
    // Filters and timeline follow the live segments.
    await page.waitForFunction(() => document.querySelectorAll('.filter-chip[data-category="emotion"]').length === 3);
    assert.deepEqual(await page.locator('#lane-events .block').evaluateAll((b) => b.map((x) => x.dataset.tag)), [
      'BGM',
    ]);
    // Nothing to export before the end, but what arrived can be copied.
    assert.equal(await page.locator('.export-button[data-format="srt"]').isDisabled(), true);
    assert.equal(await page.locator('#copy-text').isDisabled(), false);
    assert.equal(await page.locator('#cancel').isVisible(), true);
  });

  it('replaces the live segments with the final result', async () => {
    const final = [seg(0, 0, 'first, final'), seg(1, 4, 'second, final', { emotion: 'ANGRY' })];
    await send({
      type: 'snapshot',
      state: state({
        status: 'done',
        fraction: 1,
        segmentsDone: 2,
        durationSec: 8,
        segments: final,
        rtf: 0.05,
        model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
      }),
    });
    assert.deepEqual(await texts(), ['first, final', 'second, final']);
    assert.equal(await page.locator('#status').isVisible(), false, 'no status line once done');
    assert.match(await page.locator('#facts').innerText(), /Real-time factor\s+0\.050/);
    assert.equal(await page.locator('.export-button[data-format="srt"]').isDisabled(), false);
  });

  it('sends exports, copies, cancel and retry to the host', async () => {
    await page.evaluate(() => (window.__posted.length = 0));
    await page.locator('.export-button[data-format="vtt"]').click();
    await page.locator('#copy-md').click();
    await page.locator('.segment').nth(1).hover();
    await page.locator('.segment').nth(1).locator('.copy-segment').click();
    assert.deepEqual(await posted(), [
      { type: 'export', format: 'vtt' },
      { type: 'copy', what: 'markdown' },
      { type: 'copy', what: 'segment', index: 1 },
    ]);
    await send({
      type: 'snapshot',
      state: state({
        status: 'failed',
        error: { code: 'DecodeFailed', message: 'ffmpeg could not read the file.', canRetry: false },
      }),
    });
    assert.equal(await page.locator('#status-text').innerText(), 'ffmpeg could not read the file. (DecodeFailed)');
    assert.equal(await page.locator('#retry').isVisible(), false, 'no retry for a damaged file');
    assert.equal(await page.locator('#player').isVisible(), false, 'no player or timeline without a segment');
    await send({ type: 'snapshot', state: state({ status: 'cancelled', segmentsDone: 0 }) });
    await page.evaluate(() => (window.__posted.length = 0));
    await page.locator('#retry').click();
    assert.deepEqual(await posted(), [{ type: 'retry' }]);
  });

  it('keeps the segments of a run the daemon dropped, says so, and offers Retry', async () => {
    await send({
      type: 'snapshot',
      state: state({
        status: 'failed',
        segmentsDone: 2,
        segments: [seg(0, 0, 'kept one'), seg(1, 4, 'kept two')],
        error: { code: 'DaemonUnavailable', message: 'The SenseVoice daemon was killed by SIGKILL.', canRetry: true },
      }),
    });
    assert.deepEqual(await texts(), ['kept one', 'kept two']);
    assert.equal(
      await page.locator('#status-text').innerText(),
      'Stopped after 2 segments: The SenseVoice daemon was killed by SIGKILL. (DaemonUnavailable)',
    );
    assert.equal(await page.locator('#retry').innerText(), 'Retry');
    assert.equal(await page.locator('#cancel').isVisible(), false);
    assert.equal(await page.locator('#player').isVisible(), true, 'what was kept can be played and placed');
    assert.equal(await page.locator('#copy-text').isDisabled(), false, 'what was kept can be copied');
    assert.equal(
      await page.locator('.export-button[data-format="srt"]').isDisabled(),
      true,
      'no export of a partial transcript',
    );
    await page.evaluate(() => (window.__posted.length = 0));
    await page.locator('#retry').click();
    assert.deepEqual(await posted(), [{ type: 'retry' }]);
    await send({
      type: 'snapshot',
      state: state({ status: 'cancelled', segmentsDone: 1, segments: [seg(0, 0, 'only')] }),
    });
    assert.equal(await page.locator('#retry').innerText(), 'Transcribe again');
    assert.equal(await page.locator('#status-text').innerText(), 'Cancelled after 1 segment.');
  });

  it('keeps filters in the webview state and says when nothing matches', async () => {
    await send({
      type: 'snapshot',
      state: state({
        status: 'done',
        segments: [seg(0, 0, 'a', { emotion: 'HAPPY' }), seg(1, 4, 'b', { emotion: 'SAD' })],
        durationSec: 8,
      }),
    });
    await page.locator('.filter-chip[data-tag="SAD"]').click();
    assert.deepEqual(await page.locator('.segment:visible .text').allInnerTexts(), ['b']);
    assert.deepEqual(await page.evaluate(() => window.__state.filters.emotion), ['SAD']);
    await page.locator('.filter-chip[data-tag="HAPPY"]').click();
    assert.equal(await page.locator('.segment:visible').count(), 2, 'two emotions: either one');
    await page.locator('.filter-chip[data-category="language"]').click();
    assert.equal(await page.locator('.segment:visible').count(), 2);
    await page.locator('.filter-summary .link-button').click();
    assert.deepEqual(await page.evaluate(() => window.__state.filters), {
      speaker: [],
      emotion: [],
      event: [],
      language: [],
    });
    assert.equal(await page.locator('.chip-speaker').count(), 0, 'no speakers: nothing of them shows');
    assert.equal(await page.locator('#speakers').isVisible(), false);
    assert.equal(await page.locator('#speaker-lanes .lane').count(), 0);
  });

  it('shows who said what: chips, overlap, participants, lanes, a speaker filter; asks the host to rename and merge', async () => {
    const speakers = [
      { id: 'S1', name: 'Alice', talkSec: 8 },
      { id: 'S2', name: 'Speaker 2', talkSec: 4 },
    ];
    await send({
      type: 'snapshot',
      state: state({
        status: 'done',
        durationSec: 12,
        speakers,
        turns: [
          { start: 0, end: 4, speaker: 'S1' },
          { start: 3, end: 8, speaker: 'S2' },
          { start: 8, end: 12, speaker: 'S1' },
        ],
        segments: [
          seg(0, 0, 'hello', { speaker: 'S1', overlap: ['S2'] }),
          seg(1, 4, 'hi', { speaker: 'S2' }),
          seg(2, 8, 'bye', { speaker: 'S1' }),
        ],
      }),
    });
    assert.deepEqual(await page.locator('.segment .speaker-name').allInnerTexts(), ['Alice', 'Speaker 2', 'Alice']);
    assert.deepEqual(await page.locator('.segment .chip-speaker').evaluateAll((b) => b.map((x) => x.dataset.colour)), [
      '0',
      '1',
      '0',
    ]);
    assert.equal(await page.locator('.segment').first().locator('.chip-overlap').innerText(), '+ Speaker 2');
    assert.match(
      await page.locator('#speakers').innerText(),
      /Participants[\s\S]*Alice[\s\S]*8 s[\s\S]*Speaker 2[\s\S]*4 s/,
    );
    assert.deepEqual(await page.locator('#speaker-lanes .lane-label').allInnerTexts(), ['Alice', 'Speaker 2']);
    assert.equal(await page.locator('#speaker-lanes .lane[data-speaker="S1"] .block').count(), 2);
    const colour = await page
      .locator('.segment .chip-speaker')
      .first()
      .evaluate((b) => getComputedStyle(b.querySelector('.speaker-dot')).backgroundColor);
    assert.notEqual(colour, 'rgba(0, 0, 0, 0)', 'the palette colours the dot');
    await page.locator('.filter-chip[data-category="speaker"][data-tag="S2"]').click();
    assert.deepEqual(await page.locator('.segment:visible .text').allInnerTexts(), ['hi']);
    assert.deepEqual(await page.evaluate(() => window.__state.filters.speaker), ['S2']);
    await page.locator('.filter-summary .link-button').click();
    await page.evaluate(() => (window.__posted.length = 0));
    await page.locator('.segment').nth(1).locator('.chip-speaker').click();
    await page.locator('#speakers .chip-speaker[data-speaker="S1"]').click();
    await page.locator('#speakers .merge-speakers').click();
    assert.equal(await page.locator('#speakers .speaker-count').innerText(), 'Speakers: 2 ▾');
    await page.locator('#speakers .speaker-count').click();
    assert.deepEqual(await posted(), [
      { type: 'renameSpeaker', id: 'S2' },
      { type: 'renameSpeaker', id: 'S1' },
      { type: 'mergeSpeakers' },
      { type: 'setSpeakerCount' },
    ]);
    // The host renamed S2: every place follows.
    await send({
      type: 'snapshot',
      state: state({
        status: 'done',
        durationSec: 12,
        speakers: [speakers[0], { ...speakers[1], name: 'Bob' }],
        turns: [{ start: 3, end: 8, speaker: 'S2' }],
        segments: [seg(0, 0, 'hello', { speaker: 'S1', overlap: ['S2'] }), seg(1, 4, 'hi', { speaker: 'S2' })],
      }),
    });
    assert.equal(await page.locator('.segment').first().locator('.chip-overlap').innerText(), '+ Bob');
    assert.deepEqual(await page.locator('#speaker-lanes .lane-label').allInnerTexts(), ['Alice', 'Bob']);
    assert.equal(await page.locator('#speakers .speaker-count').count(), 1);
    assert.match(await page.locator('.filter-chip[data-category="speaker"][data-tag="S2"]').innerText(), /Bob/);
    // A notes link asked for a moment: its segment is brought into view (no audio here to play).
    await send({ type: 'seek', sec: 5 });
    assert.equal(await page.locator('.segment[data-index="1"]').isVisible(), true);
    // Read from a JSON file: no cached recognition to find the speakers again on, so no count button.
    await send({
      type: 'snapshot',
      state: state({
        status: 'done',
        origin: 'file',
        transcriptFile: '/rec/meeting.transcript.json',
        durationSec: 12,
        speakers,
        turns: [{ start: 0, end: 4, speaker: 'S1' }],
        segments: [seg(0, 0, 'hello', { speaker: 'S1' })],
      }),
    });
    assert.equal(await page.locator('#speakers .merge-speakers').count(), 1);
    assert.equal(await page.locator('#speakers .speaker-count').count(), 0);
  });

  it('says why a transcript that asked for speakers has none', async () => {
    await send({
      type: 'snapshot',
      state: state({
        status: 'done',
        segments: [seg(0, 0, 'a')],
        durationSec: 4,
        speakersUnavailable: 'transcript without speakers: the diarization models are not installed',
      }),
    });
    assert.equal(
      await page.locator('#speakers').innerText(),
      'transcript without speakers: the diarization models are not installed',
    );
    assert.equal(await page.locator('.chip-speaker').count(), 0);
    assert.equal(await page.locator('.filter-chip[data-category="speaker"]').count(), 0);
  });

  it('broke no rule of the Content-Security-Policy and ran no injected script', () => {
    assert.deepEqual(problems, []);
  });
});
