// A 10-minute recording in a real VS Code (code-server): cancelled from the progress notification
// while its segments arrive (the daemon stops work and its ffmpeg); then the daemon SIGKILLed
// mid-job (issue 6): the job fails with Retry, keeps its finished segments, the supervisor brings
// the daemon back (the status bar says ready, with the new daemon's pid), and Retry finishes it.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as wb from './workbench.mjs';
import { WS, alive, cpuSeconds, daemons, extensionLog, ffmpegChildren, ffmpegFor, until } from './workbench.mjs';

const LONG = 'long-meeting.mp3';
const LONG_PATH = path.join(WS, LONG);

let browser;
let page;

/** Starts the long file from the Explorer; returns its view once `minSegments` are shown, and the daemon doing it. */
async function startLongJob(minSegments) {
  const t0 = Date.now();
  const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  await wb.chooseFromContextMenu(page, LONG, /SenseVoice: Transcribe/);
  const frame = await wb.transcriptFrame(page, LONG);
  // A view left from an earlier run shows that run until this one begins (and clears it).
  await frame.locator('body[data-status="running"]').waitFor({ timeout: 30_000 });
  console.log(`  view open and running after ${at()}`);
  await until(
    `${minSegments} live segments`,
    async () => (await frame.locator('.segment').count()) >= minSegments,
    60_000,
  );
  console.log(`  ${minSegments} segment(s) shown after ${at()}`);
  assert.equal(
    await frame.locator('body').getAttribute('data-status'),
    'running',
    'still running: the file is long enough',
  );
  // The daemon is the parent of the ffmpeg decoding the file; its command line is the installed extension's.
  const decoder = await until('the ffmpeg decoding the file', () => ffmpegFor(LONG_PATH)[0], 10_000);
  const daemon = daemons().find((d) => d.pid === decoder.ppid);
  assert.ok(daemon, `ffmpeg's parent ${decoder.ppid} is a SenseVoice daemon (${wb.daemonScript()})`);
  return { frame, daemon, decoder };
}

const statusItem = () => wb.statusItem(page);
const statusTooltip = () => wb.statusTooltip(page);

describe('long recordings', { timeout: 240_000 }, () => {
  before(async () => {
    ({ browser, page } = await wb.openWorkbench({ firstRow: LONG }));
    // A short file first: it starts the daemon and the window's first webview (several seconds on a
    // cold window), so the long file's view shows its first segments moments after it starts.
    // (zh.wav: en.wav's first run is the transcript suite's, which wants it uncached)
    await wb.chooseFromContextMenu(page, 'zh.wav', /SenseVoice: Transcribe/);
    await (await wb.transcriptFrame(page, 'zh.wav')).locator('body[data-status="done"]').waitFor({ timeout: 60_000 });
  });
  afterEach(wb.afterEachShot(() => page));
  after(async () => {
    await browser?.close();
  });

  it('cancels a running job from its progress notification: the daemon stops, ffmpeg is gone', async () => {
    const { frame, daemon, decoder } = await startLongJob(2);
    const progress = wb.toast(page, `Transcribing ${LONG}`);
    await progress.waitFor({ timeout: 10_000 });
    assert.match(await progress.innerText(), /\d+% · \d+ segments?/);
    await wb.shot(page, 'long-job-running');
    const t1 = Date.now();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    console.log(`  Cancel clicked ${((Date.now() - t1) / 1000).toFixed(1)} s after the screenshot began`);

    await frame.locator('body[data-status="cancelled"]').waitFor({ timeout: 10_000 });
    await progress.waitFor({ state: 'hidden', timeout: 10_000 });
    await until('ffmpeg to end', () => !alive(decoder.pid) && ffmpegChildren(daemon.pid).length === 0, 10_000);
    assert.ok(alive(daemon.pid), 'the daemon itself lives on');
    const shown = await frame.locator('.segment').count();
    assert.equal(
      await frame.locator('#status-text').innerText(),
      `Cancelled after ${shown} segment${shown === 1 ? '' : 's'}.`,
    );
    assert.equal(await frame.locator('#retry').innerText(), 'Transcribe again');
    assert.equal(await frame.locator('#cancel').isVisible(), false);
    // Nothing is being recognised any more: the daemon goes idle (a running job keeps a core busy for
    // minutes) and no segment is added. A batch already inside ONNX Runtime at the cancel finishes
    // (a run cannot be interrupted), so the daemon has a few seconds to settle: measured one-second
    // windows until one shows it idle.
    const windows = [];
    await until(
      'a second in which the daemon is idle',
      async () => {
        const cpu0 = cpuSeconds(daemon.pid);
        const t0 = Date.now();
        await new Promise((r) => setTimeout(r, 1000));
        windows.push((cpuSeconds(daemon.pid) - cpu0) / ((Date.now() - t0) / 1000));
        return windows.at(-1) < 0.25;
      },
      6_000,
    ).catch(() => {
      throw new assert.AssertionError({
        message: `the daemon stayed busy after the cancel: ${windows.map((b) => `${(b * 100).toFixed(0)}%`).join(', ')} of a core`,
      });
    });
    console.log(
      `  daemon's CPU in the seconds after the cancel: ${windows.map((b) => `${(b * 100).toFixed(0)}%`).join(', ')}`,
    );
    assert.equal(await frame.locator('.segment').count(), shown, 'no further segment');
    assert.match(
      extensionLog(),
      new RegExp(`cancelled ${LONG_PATH.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} after \\d+ segment`),
    );
    await wb.shot(page, 'long-job-cancelled');
  });

  it('notices the daemon killed mid-job: failed with Retry, segments kept, the daemon back; Retry finishes', async () => {
    const { frame, daemon } = await startLongJob(3);
    process.kill(daemon.pid, 'SIGKILL');
    const failure = wb.toast(page, `SenseVoice: ${LONG}: `);
    await failure.waitFor({ timeout: 15_000 });
    await frame.locator('body[data-status="failed"]').waitFor({ timeout: 5_000 });
    const kept = await frame.locator('.segment').count();
    assert.ok(kept >= 3, `the segments shown before the kill are kept (${kept})`);
    assert.match(
      await failure.innerText(),
      new RegExp(
        `The SenseVoice daemon was killed by SIGKILL\\. The ${kept} segments finished before it stopped are kept; Retry transcribes the file again\\.`,
      ),
    );
    assert.equal(await failure.getByRole('button', { name: 'Retry' }).count(), 1);
    assert.equal(await failure.getByRole('button', { name: 'Show Logs' }).count(), 1);
    assert.equal(
      await frame.locator('#status-text').innerText(),
      `Stopped after ${kept} segments: The SenseVoice daemon was killed by SIGKILL. (DaemonUnavailable)`,
    );
    assert.equal(await frame.locator('#retry').innerText(), 'Retry');
    assert.equal(await frame.locator('#retry').isVisible(), true);
    assert.equal(await frame.locator('#player').isVisible(), true, 'the kept segments can be played');
    assert.equal(await frame.locator('#copy-text').isDisabled(), false, 'and copied');
    // The killed daemon's ffmpeg does not outlive it.
    await until('no ffmpeg left on the file', () => ffmpegFor(LONG_PATH).length === 0, 10_000);
    // The supervisor restarted the daemon (within its crash budget): the status bar says ready again.
    const fresh = await until(
      'a new daemon',
      () => daemons().find((d) => d.pid !== daemon.pid && d.ppid === daemon.ppid),
      20_000,
    );
    await until(
      'the status bar ready',
      async () => {
        const text = await statusItem().innerText();
        return /SenseVoice/.test(text) && !(await statusItem().locator('.codicon-loading, .codicon-error').count());
      },
      20_000,
    );
    await wb.shot(page, 'daemon-killed');
    assert.match(await statusTooltip(), new RegExp(`SenseVoice daemon ready \\(pid ${fresh.pid}\\)`));
    assert.match(
      extensionLog(),
      /daemon killed by SIGKILL[\s\S]*restarting the daemon \(1 crash\(es\) in the budget window\)/,
    );

    await failure.getByRole('button', { name: 'Retry' }).click();
    await frame.locator('body[data-status="running"]').waitFor({ timeout: 10_000 });
    await frame.locator('body[data-status="done"]').waitFor({ timeout: 120_000 });
    const total = await frame.locator('.segment').count();
    assert.ok(total > kept, `the whole file this time (${total} segments)`);
    const line = await until('the log line of the finished run', () =>
      new RegExp(`transcribed ${LONG_PATH.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d+) segment\\(s\\)`).exec(
        extensionLog(),
      ),
    );
    assert.equal(Number(line[1]), total);
    assert.match(await frame.locator('#facts').innerText(), /Duration\s+10:0\d/);
    assert.ok(alive(fresh.pid), 'on the restarted daemon');
    await wb.shot(page, 'daemon-killed-retried');
  });
});
