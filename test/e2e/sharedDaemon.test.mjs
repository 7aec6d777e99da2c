// The shared daemon in a real window (the other e2e files pin `sensevoice.sharedDaemon: false` to
// watch a window's own process): turned on, a transcription runs on the per-user daemon in the
// run's runtime folder; `sensevoice daemon status` names the same process; a neighbour client (a
// cli-like connection) attaches to it, and the status bar shows the link and says it is shared;
// the neighbour loading another model reaches the window as a notice, and the window's next job
// loads its own model back, which the neighbour hears of. Turned off again, the window goes back to
// a private daemon.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { connectShared } from '../../client/sharedDaemon.ts';
import * as wb from './workbench.mjs';
import { RUN, WS, daemons, until } from './workbench.mjs';

const MODEL = process.env.E2E_MODEL;
const RUNTIME = process.env.SENSEVOICE_RUNTIME_DIR;
if (!MODEL || !RUNTIME) throw new Error('run through test/e2e/run.sh (E2E_MODEL or SENSEVOICE_RUNTIME_DIR is missing)');
/** The same model under another folder name: loading it is a model switch for the daemon. */
const OTHER_MODEL = path.join(RUN, 'model-for-neighbour');

let browser;
let page;
let neighbour;
/** Set once the test turned the shared daemon on (the after hook turns it off again). */
let switched = false;

/** A copy of en.wav whose last sample differs by one step, so no cached transcript answers for it. */
function freshCopy(name) {
  const target = path.join(WS, name);
  const b = fs.readFileSync(path.join(WS, 'en.wav'));
  b[b.length - 2] ^= 1;
  fs.writeFileSync(target, b);
  return target;
}

async function confirmRestart() {
  const prompt = wb.toast(page, 'SenseVoice: restart the daemon to apply the new setting?');
  await prompt.waitFor({ timeout: 20_000 });
  await prompt.getByRole('button', { name: 'Restart' }).click();
  await prompt.waitFor({ state: 'hidden', timeout: 10_000 });
}

async function transcribe(name) {
  await wb.chooseFromContextMenu(page, name, /SenseVoice: Transcribe/);
  const frame = await wb.transcriptFrame(page, name);
  await frame.locator('body[data-status="done"]').waitFor({ timeout: 90_000 });
  assert.ok((await frame.locator('.segment').count()) > 0, `${name} has segments`);
}

/** Shared daemons listening in the run's runtime folder (whichever build: the cli's or the extension's). */
const listening = () =>
  wb.processes().filter((p) => p.args.includes('--listen') && p.args.includes(path.join(RUNTIME, 'daemon.sock')));

describe('the shared daemon', { timeout: 300_000 }, () => {
  before(async () => {
    for (const name of ['private.wav', 'shared-a.wav', 'shared-b.wav']) freshCopy(name);
    fs.mkdirSync(OTHER_MODEL, { recursive: true });
    for (const f of fs.readdirSync(MODEL)) fs.copyFileSync(path.join(MODEL, f), path.join(OTHER_MODEL, f));
    ({ browser, page } = await wb.openWorkbench({ firstRow: 'shared-a.wav' }));
    // The window starts on its own daemon (the run's user settings), which activates the extension.
    await transcribe('private.wav');
  });
  afterEach(wb.afterEachShot(() => page));
  after(async () => {
    await neighbour?.dispose();
    // Back to a private daemon per window for the files after this one, and no daemon left behind.
    if (page && switched) {
      await wb.setWorkspaceSettings(page, WS, { 'sensevoice.sharedDaemon': undefined });
      await confirmRestart();
    }
    await browser?.close();
    execFileSync(process.execPath, ['dist/cli.js', 'daemon', 'stop']);
  });

  it('runs a window on the per-user daemon that the cli and a neighbour share; the window is told of a model switch', async () => {
    // Earlier files' windows may keep theirs (code-server holds an extension host for a reconnection
    // after its page closes): the window's own is a private one, listening on no socket.
    const before = new Set(daemons().map((d) => d.pid));
    assert.ok(
      daemons().some((d) => !d.args.includes('--listen')),
      `the window's private daemon: ${daemons()
        .map((d) => d.args)
        .join('; ')}`,
    );
    // The run's own cli calls (run.sh) may have left one: the window is to start its own.
    execFileSync(process.execPath, ['dist/cli.js', 'daemon', 'stop']);
    await until('no shared daemon', () => listening().length === 0);
    // (machine-overridable: a workspace may turn it on where the machine's settings pin it off)
    await wb.setWorkspaceSettings(page, WS, { 'sensevoice.sharedDaemon': true });
    switched = true;
    await confirmRestart();
    await transcribe('shared-a.wav');

    const [shared] = await until('one listening daemon', () => (listening().length === 1 ? listening() : undefined));
    assert.ok(!before.has(shared.pid), 'a daemon started for the shared mode');
    assert.ok(
      daemons().some((d) => d.pid === shared.pid),
      `the window started it from the installed extension: ${shared.args}`,
    );
    assert.ok(
      shared.args.includes(path.join(RUNTIME, 'daemon.sock')),
      `it listens in the run's runtime folder: ${shared.args}`,
    );
    assert.match(await wb.statusTooltip(page), new RegExp(`SenseVoice shared daemon ready \\(pid ${shared.pid}\\)`));
    const status = JSON.parse(
      execFileSync(process.execPath, ['dist/cli.js', 'daemon', 'status', '--json'], { encoding: 'utf8' }),
    );
    assert.equal(status.pid, shared.pid, '`sensevoice daemon status` names the same process');

    // A neighbour attaches (never starts one) and loads another model folder: the window hears of it.
    const heard = [];
    neighbour = await connectShared({
      command: process.execPath,
      script: wb.daemonScript(),
      clientName: 'cli',
      noStart: true,
      settings: { provider: 'cpu', modelPath: OTHER_MODEL },
    });
    assert.ok(neighbour, 'the neighbour found the running daemon');
    assert.equal(neighbour.initializeResult.pid, shared.pid);
    neighbour.onEngineChanged((p) => heard.push(p));
    await neighbour.request('model/load', { path: OTHER_MODEL, provider: 'cpu' });
    const notice = wb.toast(page, 'A sensevoice command loaded the model in model-for-neighbour on CPU');
    await notice.waitFor({ timeout: 20_000 });
    await wb.shot(page, 'shared-model-switch-notice');

    // The window's next job loads its own model back (the neighbour is told), and once it ends the
    // status bar counts the neighbour: the link icon, and the tooltip says so.
    await transcribe('shared-b.wav');
    const back = await until('the neighbour to hear of the switch back', () => heard.find((p) => p.change === 'model'));
    assert.match(back.by, /^vscode/);
    assert.equal(back.model.path, path.resolve(MODEL));
    await until('the link icon in the status bar', () =>
      wb
        .statusItem(page)
        .locator('.codicon-link')
        .count()
        .then((n) => n > 0),
    );
    assert.match(await wb.statusTooltip(page), /shared with 1 other window\(s\) or command\(s\)/);
    await wb.shot(page, 'shared-status-bar');
    assert.deepEqual(
      listening().map((d) => d.pid),
      [shared.pid],
      'still one shared daemon',
    );
  });
});
