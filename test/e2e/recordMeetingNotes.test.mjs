// Record Meeting Notes in the real workbench: a Markdown file, the command, the test's PulseAudio
// null sink monitor picked as the device, a clip played into the sink, the live notes growing in the
// editor and the status bar showing the recording (after the notice that code-server's daemon runs
// on the server, not where the user's microphone is), Stop Recording, and the document holding the
// final notes (the transcript of the recording file, as the cli makes it) where the live block was.
// run.sh starts the PulseAudio server (PULSE_SERVER reaches the window's daemon); without pulseaudio
// installed the test says it skipped.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as wb from './workbench.mjs';
import { WS, until } from './workbench.mjs';

const NOTES = path.join(WS, 'live-notes.md');
const CLIP = path.join(WS, 'en.wav');
const skip = process.env.PULSE_SERVER ? false : 'no PulseAudio server (pulseaudio is not installed)';

let browser;
let page;

function play(file) {
  return new Promise((resolve, reject) => {
    const p = spawn('paplay', ['-d', 'sv_e2e', file], { stdio: 'ignore' });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}`))));
  });
}

/** The editor's rendered lines as text (what the user sees; the editor renders spaces as U+00A0). */
const editorText = async () =>
  (await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');

describe('Record Meeting Notes', { timeout: 300_000, skip }, () => {
  before(async () => {
    fs.writeFileSync(NOTES, '# Standup\n\n');
    ({ browser, page } = await wb.openWorkbench({ firstRow: 'live-notes.md' }));
  });

  afterEach(wb.afterEachShot(() => page));

  after(async () => {
    await browser?.close();
  });

  it('records from the PulseAudio sink into the notes, live, then puts the final notes in their place', async () => {
    await wb.explorerRow(page, 'live-notes.md').click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await wb.runCommand(page, 'SenseVoice: Record Meeting Notes');
    // code-server's extension host is remote to the browser: the user's microphone is not where the
    // daemon runs, and the command says so first. Here the server has the input the test wants.
    const anyway = page.getByRole('button', { name: 'Record on the Remote Machine' });
    await anyway.waitFor({ timeout: 60_000 });
    assert.match(
      await page.locator('.monaco-dialog-box').innerText(),
      /can only record that machine's audio devices, not your microphone/,
    );
    await wb.shot(page, 'record-remote-notice');
    await anyway.click();
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Default device' })
      .waitFor({ timeout: 60_000 });
    await wb.shot(page, 'record-device-pick');
    await wb.pickQuickPick(page, 'sv_e2e.monitor', 'sv_e2e.monitor');
    await until('the live block', async () => (await editorText()).includes('Live notes'), 60_000);
    const recording = await until('the recording beside the notes', () =>
      fs.readdirSync(WS).find((f) => /^recording-\d{4}-\d\d-\d\d-\d{6}(-\d+)?\.ogg$/.test(f)),
    );
    const bar = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /\d:\d\d [█░]{6}/ }).first();
    await bar.waitFor({ timeout: 30_000 });

    await play(CLIP);
    // A segment line streamed into the live block while recording goes on.
    await until('a live segment in the notes', async () => /\*\*\[0:\d\d\]\*\*/.test(await editorText()), 60_000);
    await wb.shot(page, 'record-live-notes');

    await bar.click();
    await wb.pickQuickPick(page, 'Stop Recording');
    await until('the final notes', async () => (await editorText()).includes('Summary'), 120_000);
    await page.keyboard.press('Control+S');
    const notes = await until('live-notes.md saved', () => {
      const s = fs.readFileSync(NOTES, 'utf8');
      return s.includes('### Summary') && s;
    });
    await wb.shot(page, 'record-final-notes');
    assert.match(
      notes,
      new RegExp(`^# Standup\\n\\n## Meeting notes: ${recording.replace('.ogg', '')}\\n\\n- \\*\\*Date:\\*\\* `),
    );
    assert.ok(!notes.includes('sensevoice-live') && !notes.includes('Live notes'), 'the live block is gone');
    assert.match(notes, new RegExp(`\\n- \\*\\*Audio:\\*\\* ${recording.replace(/[.-]/g, '\\$&')}\\n`));
    // The final transcript is the file transcription of the recording: as the cli makes it.
    const cli = execFileSync(
      'node',
      ['dist/cli.js', 'transcribe', path.join(WS, recording), '--model', process.env.E2E_MODEL, '--format', 'md'],
      { encoding: 'utf8' },
    );
    const transcript = (md) => md.slice(md.indexOf('Transcript\n')).trim();
    assert.equal(transcript(notes), transcript(cli));
    assert.match(transcript(notes), /\*\*\[0:\d\d\]\*\* \S/);
    assert.ok(!(await bar.isVisible()), 'the recording item is gone from the status bar');
  });
});
