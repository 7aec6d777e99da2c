// "SenseVoice: Download Model" from an organisation's mirror, in a real VS Code (code-server), in a
// workspace with no model path and an empty model store (SENSEVOICE_MODEL_STORE, set by run.sh).
// The mirror is a loopback HTTP server serving a synthetic sherpa-onnx model (model.int8.onnx and
// tokens.txt); the organisation's pins file (SENSEVOICE_MODEL_PINS, set by run.sh) is written here.
// A wrong pin: the download is refused (ChecksumMismatch) and the store stays empty. The right pin:
// the model is downloaded and verified, and a transcription then uses it from the store.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseTranscriptJson } from '../../common/formats/json.ts';
import { LocalServer } from '../unit/daemon/modelStore/localServer.ts';
import * as wb from './workbench.mjs';
import { RUN, extensionLog, until, QUICK_INPUT_BOX } from './workbench.mjs';

const WS_STORE = process.env.E2E_WS_STORE;
const MIRROR = process.env.E2E_MIRROR;
const STORE = process.env.SENSEVOICE_MODEL_STORE;
const PINS = process.env.SENSEVOICE_MODEL_PINS;
if (!WS_STORE || !MIRROR || !STORE || !PINS)
  throw new Error(
    'run through test/e2e/run.sh (E2E_WS_STORE, E2E_MIRROR, SENSEVOICE_MODEL_STORE or SENSEVOICE_MODEL_PINS is missing)',
  );

const FILES = ['model.int8.onnx', 'tokens.txt'];
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let browser;
let page;
let server;
let folderUrl;
const served = Object.fromEntries(FILES.map((n) => [n, fs.readFileSync(path.join(MIRROR, n))]));

/** Every file under the store, relative to it. */
function storeFiles(dir = STORE) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? storeFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name]));
}

/** Writes the organisation's pins: each served file by its URL on the mirror. */
function writePins(over = {}) {
  const pins = FILES.map((n) => ({
    url: `${folderUrl}${n}`,
    size: served[n].length,
    sha256: sha256(served[n]),
    ...over[n],
  }));
  fs.writeFileSync(PINS, JSON.stringify({ pins }, null, 2));
}

/** "SenseVoice: Download Model" → "Enter a URL…" → the mirror's folder → int8. */
async function downloadFromMirror(screenshotPrefix) {
  await wb.runCommand(page, 'SenseVoice: Download Model');
  const urlRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Enter a URL…' });
  await urlRow.waitFor({ timeout: 20_000 });
  if (screenshotPrefix) await wb.shot(page, `${screenshotPrefix}-sources`);
  await urlRow.click();
  const input = page.locator(QUICK_INPUT_BOX);
  await until(
    'the URL box',
    async () =>
      (await page.locator('.quick-input-widget', { hasText: 'model URL' }).isVisible()) &&
      (await input.inputValue()) === '',
  );
  await input.fill(folderUrl);
  if (screenshotPrefix) await wb.shot(page, `${screenshotPrefix}-url`);
  await page.keyboard.press('Enter');
  // provider "cpu" in this workspace: int8 is recommended without a GPU check.
  await wb.pickQuickPick(page, /int8.*\(recommended\)/);
}

/** The download's progress notification has closed (it lingers a moment after the end). */
function downloadProgressGone() {
  return wb.toast(page, 'SenseVoice: downloading the int8 model').waitFor({ state: 'hidden', timeout: 10_000 });
}

describe('model download from a mirror', { timeout: 240_000 }, () => {
  before(async () => {
    server = await LocalServer.start();
    for (const n of FILES) server.files.set(`/sensevoice/${n}`, served[n]);
    folderUrl = `${server.origin}/sensevoice/`;
    assert.deepEqual(storeFiles(), [], 'the model store starts empty');
    ({ browser, page } = await wb.openWorkbench({ folder: WS_STORE, firstRow: 'en.wav' }));
  });
  afterEach(wb.afterEachShot(() => page));
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("refuses a model file that does not match the organisation's pin, and keeps nothing", async () => {
    const wrong = sha256(Buffer.from('not the model'));
    writePins({ 'model.int8.onnx': { sha256: wrong } });
    await downloadFromMirror('download');
    const refused = wb.toast(page, /SenseVoice: the download was refused \(ChecksumMismatch\): /);
    await refused.waitFor({ timeout: 60_000 });
    await downloadProgressGone();
    const text = await refused.innerText();
    assert.match(
      text,
      new RegExp(
        `refused \\(ChecksumMismatch\\): model\\.int8\\.onnx from ${escape(folderUrl)}model\\.int8\\.onnx has ${served['model.int8.onnx'].length} bytes with sha256 ${sha256(served['model.int8.onnx'])}; the pin in ${escape(PINS)} has \\d+ bytes with sha256 ${wrong}\\. The file was deleted\\.`,
      ),
    );
    assert.match(text, /or the pin is out of date: check it with whoever maintains/);
    assert.equal(await refused.getByRole('button', { name: 'Try Another Source…' }).count(), 1);
    assert.match(extensionLog(), /model download failed \(ChecksumMismatch\): model\.int8\.onnx from /);
    assert.ok(server.requestsFor('/sensevoice/model.int8.onnx').length >= 1, 'the mirror was asked');
    assert.deepEqual(
      storeFiles().filter((f) => !f.endsWith('.lock')),
      [],
      'no model file (nor a .part) is left in the store',
    );
    await wb.shot(page, 'download-refused');
    await refused
      .locator('.codicon-notifications-clear')
      .click()
      .catch(() => page.keyboard.press('Escape'));
  });

  it('downloads and verifies the model with the right pin; a transcription then uses it without a model path', async () => {
    writePins();
    await downloadFromMirror();
    const ready = wb.toast(page, /SenseVoice: the model is ready and verified/);
    await ready.waitFor({ timeout: 60_000 });
    await downloadProgressGone();
    const folder = fs.readdirSync(STORE).find((n) => n.startsWith('url-'));
    assert.ok(folder, `a model folder in the store: ${storeFiles().join(', ')}`);
    const dir = path.join(STORE, folder);
    assert.match(await ready.innerText(), new RegExp(`ready and verified \\(sherpa, int8, in ${escape(dir)}\\)`));
    assert.equal(await ready.getByRole('button', { name: 'Transcribe a File…' }).count(), 1);
    for (const n of FILES)
      assert.equal(sha256(fs.readFileSync(path.join(dir, n))), sha256(served[n]), `${n} as served`);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'sensevoice-model.json'), 'utf8'));
    assert.deepEqual(
      Object.values(manifest.files)
        .map((f) => [f.name, f.verified])
        .sort(),
      FILES.map((n) => [n, true]),
    );
    assert.match(extensionLog(), /model download: .*"verified":true/);
    await until(
      'the notes in the log',
      () => new RegExp(`model\\.int8\\.onnx, tokens\\.txt match their pins in ${escape(PINS)}\\.`).test(extensionLog()),
      10_000,
    );
    await wb.shot(page, 'download-verified');

    // No sensevoice.modelPath anywhere: the stored, verified model is used.
    await wb.chooseFromContextMenu(page, 'en.wav', /SenseVoice: Transcribe/);
    const frame = await wb.transcriptFrame(page, 'en.wav');
    await frame.locator('body[data-status="done"]').waitFor({ timeout: 60_000 });
    // What the cli makes of the same clip with that folder named explicitly (its own cache, so it
    // does not just hand back what the extension's run cached).
    const expected = parseTranscriptJson(
      execFileSync(
        process.execPath,
        ['dist/cli.js', 'transcribe', path.join(WS_STORE, 'en.wav'), '--model', dir, '--format', 'json'],
        {
          encoding: 'utf8',
          env: { ...process.env, SENSEVOICE_CACHE_DIR: path.join(RUN, 'cli-cache') },
        },
      ),
    );
    assert.deepEqual(
      await frame.locator('.segment .text').allInnerTexts(),
      expected.segments.map((s) => s.text.trim()),
    );
    assert.match(await frame.locator('#facts').innerText(), /Model\s+SenseVoiceSmall int8/);
    await wb.shot(page, 'download-transcribed');
  });
});
