// Three things the README promises, in a real VS Code (code-server), in a workspace of their own:
// with no model configured the first transcription opens the "Set up SenseVoice" walkthrough; a
// transcript view brought back after a window reload says so when its file changed, and Retry
// transcribes it again; changing sensevoice.nodePath (after its prompt) restarts the daemon on
// that node. The model store is emptied for the first (the download tests fill it) and put back.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseTranscriptJson } from '../../common/formats/json.ts';
import * as wb from './workbench.mjs';
import { RUN, alive, daemons, extensionLog, until } from './workbench.mjs';

const WS_SETUP = process.env.E2E_WS_SETUP;
const MODEL = process.env.E2E_MODEL;
const STORE = process.env.SENSEVOICE_MODEL_STORE;
if (!WS_SETUP || !MODEL || !STORE)
  throw new Error('run through test/e2e/run.sh (E2E_WS_SETUP, E2E_MODEL or SENSEVOICE_MODEL_STORE is missing)');
/** Where the store waits while the walkthrough test needs it empty. */
const STORE_ASIDE = `${STORE}.aside-for-setup-test`;
/** A second name for the node running this test: the daemon's command line shows which one started it. */
const NODE_LINK = path.join(RUN, 'node-for-daemon');

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const count = (re) => (extensionLog().match(re) ?? []).length;

let browser;
let page;

/**
 * Changes the last sample of a 16-bit wav by one step: inaudible, but the bytes differ, so no
 * transcript cached for the file (in this run or by another test) matches it any more.
 */
function touchLastSample(file) {
  const b = fs.readFileSync(file);
  b[b.length - 2] ^= 1;
  fs.writeFileSync(file, b);
}

/** What the cli makes of `file` with the run's model (its own cache: the extension's runs do not answer for it). */
function cliTranscript(file) {
  return parseTranscriptJson(
    execFileSync(process.execPath, ['dist/cli.js', 'transcribe', file, '--model', MODEL, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, SENSEVOICE_CACHE_DIR: path.join(RUN, 'cli-cache') },
    }),
  );
}

/** The command a process was started as (argv[0]: the paths here have no spaces). */
const argv0 = (p) => p.args.split(' ')[0];

/** Answers the extension's prompt after a sensevoice.nodePath change with Restart. */
async function confirmRestart() {
  const prompt = wb.toast(page, 'SenseVoice: restart the daemon to apply the new setting?');
  await prompt.waitFor({ timeout: 20_000 });
  await prompt.getByRole('button', { name: 'Restart' }).click();
  await prompt.waitFor({ state: 'hidden', timeout: 10_000 });
}

describe('model setup and settings', { timeout: 300_000 }, () => {
  before(async () => {
    ({ browser, page } = await wb.openWorkbench({ folder: WS_SETUP, firstRow: 'first.wav' }));
  });
  afterEach(wb.afterEachShot(() => page));
  after(async () => {
    await browser?.close();
    fs.rmSync(NODE_LINK, { force: true });
    // Whatever happened above, the store goes back for the tests after this one.
    if (fs.existsSync(STORE_ASIDE)) {
      fs.rmSync(STORE, { recursive: true, force: true });
      fs.renameSync(STORE_ASIDE, STORE);
    }
  });

  it('opens the Set up SenseVoice walkthrough on the first transcription without a model; later ones offer download or a folder', async () => {
    // No sensevoice.modelPath here, and an empty store (the download tests may have filled it).
    if (fs.existsSync(STORE)) fs.renameSync(STORE, STORE_ASIDE);
    try {
      assert.equal(
        JSON.parse(fs.readFileSync(path.join(WS_SETUP, '.vscode', 'settings.json'), 'utf8'))['sensevoice.modelPath'],
        undefined,
      );
      await wb.chooseFromContextMenu(page, 'first.wav', /SenseVoice: Transcribe/);
      const walkthrough = page.locator('.gettingStartedSlideDetails', { hasText: 'Set up SenseVoice' });
      await walkthrough.waitFor({ timeout: 60_000 });
      assert.deepEqual(await walkthrough.locator('.getting-started-step .step-title').allInnerTexts(), [
        'Download the model',
        '…or use a model folder you have',
        'Use the GPU',
        'Optional: say who said what',
        'See the models, then transcribe',
      ]);
      assert.equal(
        await wb.toast(page, 'SenseVoice: first.wav').count(),
        0,
        'the walkthrough instead of an error message',
      );
      await wb.shot(page, 'setup-walkthrough');
      await page.locator('.tab', { hasText: 'Transcript: first.wav' }).click();
      const frame = await wb.transcriptFrame(page, 'first.wav');
      await frame.locator('body[data-status="failed"]').waitFor({ timeout: 10_000 });
      assert.match(await frame.locator('#status-text').innerText(), /\(ModelNotFound\)$/);
      assert.match(extensionLog(), new RegExp(`ModelNotFound: ${escape(path.join(WS_SETUP, 'first.wav'))}: `));

      // Only the first time: after that the same failure offers the two ways to get a model.
      await wb.chooseFromContextMenu(page, 'first.wav', /SenseVoice: Transcribe/);
      const offer = wb.toast(page, 'SenseVoice needs its model');
      await offer.waitFor({ timeout: 60_000 });
      assert.equal(await offer.getByRole('button', { name: 'Download Model…' }).count(), 1);
      assert.equal(await offer.getByRole('button', { name: 'Use Model Folder…' }).count(), 1);
      await wb.shot(page, 'setup-offer');
      await offer
        .locator('.codicon-notifications-clear')
        .click()
        .catch(() => page.keyboard.press('Escape'));
    } finally {
      if (fs.existsSync(STORE_ASIDE)) {
        fs.rmSync(STORE, { recursive: true, force: true });
        fs.renameSync(STORE_ASIDE, STORE);
      }
    }
    await wb.runCommand(page, 'View: Close All Editors');
    await page.locator('.tab').first().waitFor({ state: 'detached', timeout: 10_000 });
  });

  it("after a reload, says that a restored transcript's file changed and offers Retry; Retry transcribes it again", async () => {
    const file = path.join(WS_SETUP, 'reload.wav');
    await wb.setWorkspaceSettings(page, WS_SETUP, { 'sensevoice.modelPath': MODEL });
    await wb.chooseFromContextMenu(page, 'reload.wav', /SenseVoice: Transcribe/);
    let frame = await wb.transcriptFrame(page, 'reload.wav');
    await frame.locator('body[data-status="done"]').waitFor({ timeout: 90_000 });
    assert.ok((await frame.locator('.segment').count()) > 0);

    touchLastSample(file);
    const expected = cliTranscript(file);
    const runs = () => count(new RegExp(`transcribing ${escape(file)}`, 'g'));
    const runsBefore = runs();
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await wb.runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await wb.explorerRow(page, 'reload.wav').waitFor({ timeout: 90_000 });
    await page.locator('.tab', { hasText: 'Transcript: reload.wav' }).click();
    frame = await wb.transcriptFrame(page, 'reload.wav');
    await frame.locator('body[data-status="failed"]').waitFor({ timeout: 60_000 });
    assert.equal(
      await frame.locator('#status-text').innerText(),
      'This transcript was open before the window reloaded, but it is not in the cache any more (the file, the model or a setting changed, or the cache was cleared). Retry transcribes the file again. (NotCached)',
    );
    assert.equal(await frame.locator('#retry').isVisible(), true);
    assert.equal(await frame.locator('#retry').innerText(), 'Retry');
    assert.equal(await frame.locator('.segment').count(), 0);
    assert.equal(runs(), runsBefore, 'the restore did not run the model');
    await wb.shot(page, 'reload-not-cached');

    await frame.locator('#retry').click();
    await frame.locator('body[data-status="done"]').waitFor({ timeout: 90_000 });
    assert.equal(runs(), runsBefore + 1, 'Retry ran the model on the file');
    assert.deepEqual(
      await frame.locator('.segment .text').allInnerTexts(),
      expected.segments.map((s) => s.text.trim()),
    );
    await wb.shot(page, 'reload-retried');
    await wb.runCommand(page, 'View: Close All Editors');
    await page.locator('.tab').first().waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('restarts the daemon on the node sensevoice.nodePath names; a transcription then runs on it', async () => {
    const file = path.join(WS_SETUP, 'restart.wav');
    fs.rmSync(NODE_LINK, { force: true });
    fs.symlinkSync(fs.realpathSync(process.execPath), NODE_LINK);
    // The daemon of this window: the one that transcribed reload.wav after the reload (still running).
    const script = wb.daemonScript();
    const startsWith = (node) => count(new RegExp(`starting daemon: ${escape(node)} ${escape(script)}`, 'g'));
    const old = daemons();
    assert.ok(old.length > 0, 'a daemon is running');
    assert.ok(old.every((d) => argv0(d) !== NODE_LINK));
    const oldPids = new Set(old.map((d) => d.pid));

    await wb.setWorkspaceSettings(page, WS_SETUP, { 'sensevoice.nodePath': NODE_LINK });
    await confirmRestart();
    const fresh = await until(
      'a daemon started by the node sensevoice.nodePath names',
      () => daemons().find((d) => !oldPids.has(d.pid) && argv0(d) === NODE_LINK),
      30_000,
    );
    assert.equal(fs.realpathSync(`/proc/${fresh.pid}/exe`), fs.realpathSync(process.execPath), 'a node runs it');
    const replaced = old.find((d) => d.ppid === fresh.ppid);
    assert.ok(replaced, `the window's daemon before (extension host ${fresh.ppid}) is known`);
    await until(`the old daemon ${replaced.pid} to end`, () => !alive(replaced.pid), 10_000);
    assert.equal(startsWith(NODE_LINK), 1, 'the log says the daemon was started with it');
    await wb.shot(page, 'node-path-restarted');

    touchLastSample(file);
    const done = () => count(new RegExp(`transcribed ${escape(file)}: \\d+ segment`, 'g'));
    await wb.chooseFromContextMenu(page, 'restart.wav', /SenseVoice: Transcribe/);
    const frame = await wb.transcriptFrame(page, 'restart.wav');
    await frame.locator('body[data-status="done"]').waitFor({ timeout: 90_000 });
    assert.ok((await frame.locator('.segment').count()) > 0);
    await until('the finished run in the log', () => done() === 1, 10_000);
    assert.ok(alive(fresh.pid), 'on the daemon the setting started');
    assert.deepEqual(
      daemons()
        .filter((d) => d.ppid === fresh.ppid)
        .map((d) => d.pid),
      [fresh.pid],
      'the only daemon of the window',
    );

    // Back to the default (the editor's own runtime), restarted the same way.
    await wb.setWorkspaceSettings(page, WS_SETUP, { 'sensevoice.nodePath': undefined });
    await confirmRestart();
    const back = await until(
      'a daemon on the default runtime',
      () => daemons().find((d) => d.ppid === fresh.ppid && d.pid !== fresh.pid),
      30_000,
    );
    assert.notEqual(argv0(back), NODE_LINK);
    await until(`the daemon ${fresh.pid} to end`, () => !alive(fresh.pid), 10_000);
  });
});
