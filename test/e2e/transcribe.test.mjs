// The extension in a real VS Code (code-server), driven like a user: Explorer context menu,
// transcript view, exports through the save dialog, Insert Meeting Notes in Markdown, and a saved
// transcript whose text is markup. Started by test/e2e/run.sh, which prepares the workspace.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { emotionName, eventName, isPlainSpeechEvent } from '../../common/formats/labels.ts';
import { formatSrt } from '../../common/formats/srt.ts';
import { clockTime } from '../../common/formats/time.ts';
import { parseTranscriptJson } from '../../common/formats/json.ts';
import * as wb from './workbench.mjs';
import { RUN, WS, extensionLog, until, QUICK_INPUT_BOX } from './workbench.mjs';

/** What the daemon (through the cli) says about en.wav: the view and exports must agree with it. */
const expected = parseTranscriptJson(fs.readFileSync(path.join(RUN, 'expected-en.json'), 'utf8'));

let browser;
let page;
let alerts = [];
const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

// The shared helpers, bound to this file's page.
const shot = (name) => wb.shot(page, name);
const explorerRow = (name) => wb.explorerRow(page, name);
const contextMenu = (row, item) => wb.contextMenu(page, row, item);
const chooseFromContextMenu = (row, item) => wb.chooseFromContextMenu(page, row, item);
const transcriptFrame = (fileName) => wb.transcriptFrame(page, fileName);
const runCommand = (title) => wb.runCommand(page, title);
const setUserSettings = (changes) => wb.setUserSettings(page, changes);

/** The simple save dialog (code-server has no native one): accept the proposed path. */
async function acceptSaveDialog(expectedName) {
  const input = page.locator(QUICK_INPUT_BOX);
  await until(
    'the save dialog',
    async () => (await input.isVisible()) && (await input.inputValue()).endsWith(expectedName),
  );
  await page.keyboard.press('Enter');
}

async function waitForFile(file, timeoutMs = 20_000) {
  await until(`${path.basename(file)} to be written`, () => fs.existsSync(file), timeoutMs);
  return fs.readFileSync(file, 'utf8');
}

describe('SenseVoice in VS Code', { timeout: 300_000 }, () => {
  before(async () => {
    ({ browser, page, alerts } = await wb.openWorkbench({ firstRow: 'en.wav' }));
    console.log(`workbench ready after ${since()}`);
  });

  afterEach(wb.afterEachShot(() => page));

  after(async () => {
    await browser?.close();
  });

  it('offers Transcribe on audio files only', async () => {
    await contextMenu('en.wav', /SenseVoice: Transcribe/);
    await page.keyboard.press('Escape');
    await explorerRow('readme.txt').click({ button: 'right' });
    await page
      .getByRole('menuitem', { name: /Copy Path/ })
      .first()
      .waitFor({ timeout: 10_000 });
    assert.equal(
      await page.getByRole('menuitem', { name: /SenseVoice: Transcribe/ }).count(),
      0,
      'no Transcribe on a .txt',
    );
    await shot('context-menu-txt');
    await page.keyboard.press('Escape');
  });

  it('transcribes from the Explorer into the transcript view with chips', async () => {
    await contextMenu('en.wav', /SenseVoice: Transcribe/);
    await shot('context-menu-wav');
    await page.keyboard.press('Escape');
    await chooseFromContextMenu('en.wav', /SenseVoice: Transcribe/);
    const frame = await transcriptFrame('en.wav');
    await frame.locator('body[data-status="done"]').waitFor({ timeout: 90_000 });
    console.log(`transcript shown after ${since()}`);
    const rows = frame.locator('.segment');
    assert.equal(await rows.count(), expected.segments.length);
    const first = expected.segments[0];
    const row = rows.first();
    assert.equal(await row.locator('.text').innerText(), first.text.trim());
    assert.equal(await row.locator('.chip-language').innerText(), first.language.toUpperCase());
    assert.match(await row.locator('.chip-emotion').innerText(), new RegExp(emotionName(first.emotion)));
    if (!isPlainSpeechEvent(first.event))
      assert.match(await row.locator('.chip-event').innerText(), new RegExp(eventName(first.event)));
    assert.equal(await row.locator('.time').innerText(), clockTime(first.start));
    // VAD is on (the default): the segments came live over transcribe/segment, then the result.
    const logLine = await until('the log line of the run', () =>
      /transcribed .*en\.wav: (\d+) segment\(s\) \((\d+) shown live\)/.exec(extensionLog()),
    );
    assert.equal(Number(logLine[1]), expected.segments.length);
    assert.equal(Number(logLine[2]), expected.segments.length, 'every segment was shown before the final result');
    // Header facts, filters and the timeline.
    const facts = await frame.locator('#facts').innerText();
    assert.match(facts, /Duration\s+0:07/);
    assert.match(facts, /Provider\s+cpu/);
    assert.match(facts, /Real-time factor\s+(\d+\.\d{3}|< 0\.001)/);
    assert.ok((await frame.locator('.filter-chip').count()) >= 3, 'emotion, sound and language filters');
    assert.ok((await frame.locator('#lane-speech .block').count()) >= 1, 'the timeline shows speech');
    // A filter that matches nothing hides the segment; clearing it brings it back.
    await frame.locator('.filter-chip[data-category="emotion"]').first().click();
    assert.equal(await rows.first().isVisible(), true, 'the segment has that emotion');
    await frame.locator('.filter-chip[data-category="emotion"]').first().click();
    // Click-to-seek: the timestamp plays from the segment and highlights it.
    await row.locator('.time').click();
    await until(
      'the current segment highlighted',
      async () => (await frame.locator('.segment.current').count()) === 1,
      10_000,
    );
    await frame.locator('audio').evaluate((a) => a.pause());
    await shot('transcript-dark');
  });

  it('exports Markdown and SRT through the save dialog', async () => {
    const frame = await transcriptFrame('en.wav');
    await frame.locator('.export-button[data-format="md"]').click();
    await acceptSaveDialog('en.md');
    const md = await waitForFile(path.join(WS, 'en.md'));
    assert.match(md, /^# Meeting notes: en\n/);
    assert.match(md, /\n- \*\*Duration:\*\* 0:07 \(7 s\)\n/);
    assert.match(md, /\n## Summary\n/);
    assert.match(md, new RegExp(`\\n## Transcript\\n\\n\\*\\*\\[${clockTime(expected.segments[0].start)}\\]\\*\\* `));
    assert.match(md, /SenseVoiceSmall \(sherpa, fp32\) on cpu/);
    await frame.locator('.export-button[data-format="srt"]').click();
    await acceptSaveDialog('en.srt');
    const srt = await waitForFile(path.join(WS, 'en.srt'));
    assert.equal(srt, formatSrt(expected, { emoji: true }));
    assert.match(srt, /^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n/);
    // Exporting again under the same name: the save dialog itself asks before replacing.
    fs.writeFileSync(path.join(WS, 'en.srt'), 'keep me\n');
    await frame.locator('.export-button[data-format="srt"]').click();
    await acceptSaveDialog('en.srt');
    const ask = page.locator('.quick-input-widget', { hasText: /already exists/ });
    await ask.waitFor({ timeout: 10_000 });
    await shot('save-dialog-overwrite');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    assert.equal(fs.readFileSync(path.join(WS, 'en.srt'), 'utf8'), 'keep me\n');
    // Copy as Markdown puts the notes on the clipboard and says so in the page.
    await frame.locator('#copy-md').click();
    await frame.locator('#notice.shown', { hasText: 'Copied as Markdown' }).waitFor({ timeout: 10_000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /^# Meeting notes: en\n/);
    console.log(`exports checked after ${since()}`);
  });

  it('asks before replacing an export saved beside the audio', async () => {
    await setUserSettings({ 'sensevoice.exportLocation': 'besideAudio' });
    await page.locator('.tab', { hasText: 'Transcript: en.wav' }).click();
    const frame = await transcriptFrame('en.wav');
    const txt = path.join(WS, 'en.txt');
    await frame.locator('.export-button[data-format="txt"]').click();
    await waitForFile(txt);
    fs.writeFileSync(txt, 'my own edits\n');
    await frame.locator('.export-button[data-format="txt"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.innerText(), /en\.txt already exists\. Replace it\?/);
    await shot('replace-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(fs.readFileSync(txt, 'utf8'), 'my own edits\n', 'Cancel keeps the file');
    await frame.locator('.export-button[data-format="txt"]').click();
    await dialog.getByRole('button', { name: 'Replace' }).click();
    await until('en.txt replaced', () =>
      fs.readFileSync(txt, 'utf8').startsWith(`[${clockTime(expected.segments[0].start)}] `),
    );
    assert.deepEqual(
      fs.readdirSync(WS).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary files left',
    );
    await setUserSettings({ 'sensevoice.exportLocation': 'ask' });
  });

  it('inserts meeting notes at the cursor in a Markdown file', async () => {
    await explorerRow('notes.md').click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await runCommand('SenseVoice: Insert Meeting Notes');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'en.wav' })
      .first()
      .waitFor({ timeout: 20_000 });
    await shot('meeting-notes-pick');
    await page.locator(QUICK_INPUT_BOX).fill('en.wav');
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines', { hasText: 'Meeting notes: en' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+S');
    const notes = await until('notes.md saved', () => {
      const s = fs.readFileSync(path.join(WS, 'notes.md'), 'utf8');
      return s.includes('Meeting notes') && s;
    });
    assert.match(notes, /^# Team notes\n\nAgenda: the release\.\n\n## Meeting notes: en\n\n/);
    assert.match(notes, /\n- \*\*Date:\*\* \d{4}-\d\d-\d\d \d\d:\d\d\n/);
    assert.match(notes, /\n- \*\*Duration:\*\* 0:07 /);
    assert.match(notes, /\n- \*\*Languages:\*\* \w+/);
    assert.match(notes, /\n### Summary\n/);
    // Each time is a link that opens the transcript at that moment (the extension's URI handler).
    assert.match(
      notes,
      /\n### Transcript\n\n\*\*\[\d:\d\d\]\(<[\w-]+:\/\/sensevoice\.sensevoice\/open\?file=[^>\s]+&t=[\d.]+>\)\*\* /,
    );
    await shot('meeting-notes');
    console.log(`notes inserted after ${since()}`);
  });

  it('drops an audio file into Markdown as a transcript', async () => {
    // Made the default drop edit the way a user would, so no widget has to be clicked.
    await setUserSettings({ 'editor.dropIntoEditor.preferences': ['sensevoice.transcript'] });
    await explorerRow('notes.md').click();
    const lines = page.locator('.monaco-editor .view-lines', { hasText: 'Team notes' }).first();
    await lines.waitFor();
    // What the Explorer puts on a drag of zh.wav, dropped with Shift held (VS Code opens the file
    // on a drop without Shift). Chromium's synthetic drag events carry a real DataTransfer.
    const box = await lines.boundingBox();
    await page.evaluate(
      ({ uri, x, y }) => {
        const target = document.elementFromPoint(x, y);
        const dt = new DataTransfer();
        dt.setData('text/uri-list', uri);
        dt.setData('text/plain', uri);
        for (const type of ['dragenter', 'dragover', 'drop']) {
          target.dispatchEvent(
            new DragEvent(type, {
              bubbles: true,
              cancelable: true,
              composed: true,
              dataTransfer: dt,
              shiftKey: true,
              clientX: x,
              clientY: y,
            }),
          );
        }
      },
      { uri: `file://${path.join(WS, 'zh.wav')}`, x: box.x + 100, y: box.y + 10 },
    );
    await page.locator('.monaco-editor .view-lines', { hasText: 'Meeting notes: zh' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+S');
    const notes = await until('notes.md saved with the dropped transcript', () => {
      const s = fs.readFileSync(path.join(WS, 'notes.md'), 'utf8');
      return s.includes('Meeting notes: zh') && s;
    });
    assert.doesNotMatch(notes, /Transcribing zh\.wav|sensevoice-transcript:/, 'the placeholder was replaced');
    // Dropped at the end of the title line: the notes still start a block of their own.
    assert.match(notes, /^# Team notes\n\n## Meeting notes: zh\n\n- \*\*Date:\*\*/);
    assert.match(notes, /\n\nAgenda: the release\.\n/);
    await shot('dropped-transcript');
  });

  it('transcribes from the palette with a file picker', async () => {
    await runCommand('SenseVoice: Transcribe');
    const input = page.locator(QUICK_INPUT_BOX);
    await until('the open dialog', async () => (await input.isVisible()) && (await input.inputValue()).startsWith('/'));
    // Typed as a user does, after the folder the dialog starts in (it completes as you type).
    await until('the dialog in the workspace', async () => (await input.inputValue()) === `${WS}/`);
    await input.press('End');
    await page.keyboard.type('zh.wav', { delay: 30 });
    await until('the path taken', async () => (await input.inputValue()) === path.join(WS, 'zh.wav'));
    await page.keyboard.press('Enter');
    const frame = await transcriptFrame('zh.wav');
    await frame.locator('body[data-status="done"]').waitFor({ timeout: 60_000 });
    assert.ok((await frame.locator('.segment').count()) >= 1);
  });

  it('reports a damaged file with its code and the actions that can help', async () => {
    await chooseFromContextMenu('broken.mp3', /SenseVoice: Transcribe/);
    const toast = page.locator('.notification-toast', { hasText: /SenseVoice: broken\.mp3: / });
    await toast.waitFor({ timeout: 30_000 });
    assert.match(await toast.innerText(), /cannot read .*broken\.mp3/);
    assert.equal(await toast.getByRole('button', { name: 'Show Logs' }).count(), 1);
    assert.equal(await toast.getByRole('button', { name: 'Retry' }).count(), 0, 'retrying cannot mend a damaged file');
    const frame = await transcriptFrame('broken.mp3');
    await frame.locator('body[data-status="failed"]').waitFor();
    assert.match(await frame.locator('#status-text').innerText(), /\(DecodeFailed\)$/);
    assert.equal(await frame.locator('#retry').isVisible(), false);
    assert.equal(await frame.locator('.player').isVisible(), false, 'nothing to play or place on a timeline');
    await shot('error-decode-failed');
    await toast.getByRole('button', { name: 'Show Logs' }).click();
    await page.locator('.part.panel .monaco-editor', { hasText: 'DecodeFailed' }).first().waitFor({ timeout: 10_000 });
  });

  it('opens a saved transcript, showing markup in its text as plain text', async () => {
    await chooseFromContextMenu('xss.transcript.json', /SenseVoice: Open Transcript/);
    const frame = await transcriptFrame('xss.transcript.json');
    const rows = frame.locator('.segment');
    await until('five segments', async () => (await rows.count()) === 5, 10_000);
    assert.equal(
      await rows.nth(1).locator('.text').innerText(),
      '<img src=x onerror=alert(1)> said <b>bold</b> & more',
    );
    assert.equal(await frame.locator('#segments img, #segments b').count(), 0, 'no element was made from the text');
    assert.match(await frame.locator('#audio-note').innerText(), /not at hand/);
    assert.match(await frame.locator('#facts').innerText(), /Languages\s+English, Chinese/);
    // The timeline: music, laughter and applause in the sounds lane; happy and sad in the moods lane.
    const sounds = await frame.locator('#lane-events .block').evaluateAll((bs) => bs.map((b) => b.dataset.tag));
    assert.deepEqual(sounds, ['BGM', 'Laughter', 'Applause']);
    const moods = await frame.locator('#lane-moods .block').evaluateAll((bs) => bs.map((b) => b.dataset.tag));
    assert.deepEqual(moods, ['HAPPY', 'SAD']);
    // Filters: Happy shows two segments; adding a language narrows within it; clearing restores all.
    await frame.locator('.filter-chip[data-category="emotion"][data-tag="HAPPY"]').click();
    assert.equal(await frame.locator('.segment:visible').count(), 2);
    await frame.locator('.filter-chip[data-category="language"][data-tag="zh"]').click();
    assert.equal(await frame.locator('.segment:visible').count(), 0);
    assert.match(await frame.locator('.empty').innerText(), /No segment matches/);
    await frame.locator('.filter-chip[data-category="emotion"][data-tag="HAPPY"]').click();
    assert.equal(await frame.locator('.segment:visible').count(), 1);
    await shot('transcript-filtered');
    await frame.locator('.filter-summary .link-button').click();
    assert.equal(await frame.locator('.segment:visible').count(), 5);
    await shot('transcript-saved-dark');
    assert.deepEqual(alerts, [], 'no script ran');
  });

  it('looks right in a light theme', async () => {
    await setUserSettings({ 'workbench.colorTheme': 'Light Modern' });
    await until('the light theme', async () => (await page.locator('.monaco-workbench.vs').count()) > 0, 20_000);
    for (const [tab, name, file] of [
      ['Transcript: xss.transcript.json', 'xss.transcript.json', 'transcript-saved-light'],
      ['Transcript: en.wav', 'en.wav', 'transcript-light'],
    ]) {
      await page.locator('.tab', { hasText: tab }).click();
      const frame = await transcriptFrame(name);
      await until(
        'the view in light colours',
        async () => (await frame.locator('body.vscode-light').count()) > 0,
        10_000,
      );
      // The colours as drawn: a light page and segment, dark text on them, readable contrast.
      const colours = await frame
        .locator('.segment')
        .first()
        .evaluate((seg) => {
          const css = (el, prop) => getComputedStyle(el)[prop];
          // The first ancestor-or-self with an opaque background is what the segment is drawn on.
          const bg = (el) => {
            for (let e = el; e; e = e.parentElement) {
              const c = css(e, 'backgroundColor');
              if (!/rgba\(.*, 0\)$|transparent/.test(c)) return c;
            }
            return 'rgb(255, 255, 255)';
          };
          return { body: bg(document.body), segment: bg(seg), text: css(seg.querySelector('.text') ?? seg, 'color') };
        });
      // A translucent colour (a highlighted segment) is seen over the page: blend it before measuring.
      const rgb = (c) => c.match(/[\d.]+/g).map(Number);
      const [pr, pg, pb] = rgb(colours.body);
      const luminance = (c) => {
        const [cr, cg, cb, alpha = 1] = rgb(c);
        const [r, g, b] = [
          [cr, pr],
          [cg, pg],
          [cb, pb],
        ].map(([v, under]) => {
          const x = (alpha * v + (1 - alpha) * under) / 255;
          return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      assert.ok(luminance(colours.body) > 0.7, `${name}: light page background ${colours.body}`);
      assert.ok(luminance(colours.segment) > 0.7, `${name}: light segment background ${colours.segment}`);
      const contrast = (luminance(colours.segment) + 0.05) / (luminance(colours.text) + 0.05);
      assert.ok(
        contrast >= 4.5,
        `${name}: text ${colours.text} on ${colours.segment}: contrast ${contrast.toFixed(1)} (WCAG AA is 4.5)`,
      );
      await shot(file);
    }
    console.log(`UI tests done after ${since()}`);
  });

  it('brings the transcript views back after the window reloads: from the cache, and from the saved file', async () => {
    await runCommand('File: Save All');
    const restored = () => (extensionLog().match(/restored the transcript of \S*en\.wav from the cache/g) ?? []).length;
    const runs = () => (extensionLog().match(/transcribing \S*en\.wav/g) ?? []).length;
    const before = { restored: restored(), runs: runs() };
    // As a user reloads: the command saves the workbench's state (open editors, webview state) before it
    // reloads; a bare page reload can cut that short and lose the most recent tabs.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await runCommand('Developer: Reload Window');
    await reloaded;
    await explorerRow('en.wav').waitFor({ timeout: 90_000 });
    await page.locator('.tab', { hasText: 'Transcript: en.wav' }).click();
    const frame = await transcriptFrame('en.wav');
    await frame.locator('body[data-status="done"]').waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('.segment').count(), expected.segments.length);
    assert.equal(await frame.locator('.segment .text').first().innerText(), expected.segments[0].text.trim());
    await until('the restore in the log', () => restored() > before.restored, 20_000);
    assert.equal(runs(), before.runs, 'the model did not run again');
    await shot('transcript-restored');
    await page.locator('.tab', { hasText: 'Transcript: xss.transcript.json' }).click();
    const saved = await transcriptFrame('xss.transcript.json');
    await until('the saved transcript read again', async () => (await saved.locator('.segment').count()) === 5, 20_000);
    assert.deepEqual(alerts, [], 'no script ran');
  });
});
