// "SenseVoice: Check GPU" in a real VS Code (code-server): the report panel shows what the daemon's
// GPU check finds on this machine (run.sh saved the cli's `gpu-check --json` beside the workspace),
// Copy as Markdown puts the whole report on the clipboard, and Re-run runs the check again.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { causeText } from '../../common/gpuCheck/causeText.ts';
import * as wb from './workbench.mjs';
import { RUN, extensionLog, until } from './workbench.mjs';

/** The same check, run by the cli on this machine before code-server started. */
const expected = JSON.parse(fs.readFileSync(path.join(RUN, 'expected-gpu.json'), 'utf8'));
const cpuExpected = expected.providers.find((p) => p.provider === 'cpu');
const cudaExpected = expected.providers.find((p) => p.provider === 'cuda');

let browser;
let page;
let frame;

/** The report panel's page, once it shows a finished report. */
async function reportFrame() {
  const f = await wb.webviewFrame(page, 'the GPU report panel', 'h1', 'SenseVoice GPU check');
  await f.locator('#report .summary').waitFor({ timeout: 60_000 });
  return f;
}

/** The providers table as [provider, result, why] rows. */
async function providerRows() {
  return frame.locator('table.providers tbody tr').evaluateAll((rows) =>
    rows.map((r) => {
      const cells = [...r.querySelectorAll(':scope > td')];
      // "Why" may hold a <details> with the library's own words: its summary line is not the reason.
      const why = cells[3].cloneNode(true);
      why.querySelector('details')?.remove();
      return [cells[0].innerText.trim(), cells[1].innerText.trim(), why.innerText.trim()];
    }),
  );
}

describe('Check GPU', { timeout: 180_000 }, () => {
  before(async () => {
    ({ browser, page } = await wb.openWorkbench({ firstRow: 'en.wav' }));
  });
  afterEach(wb.afterEachShot(() => page));
  after(async () => {
    await browser?.close();
  });

  it('shows the report: the CPU works, CUDA fails with its plain reason, the checklist', async () => {
    assert.ok(cpuExpected?.ok, 'the cli found the CPU provider working');
    assert.ok(cudaExpected && !cudaExpected.ok, 'no CUDA here (the tests do not ask for a GPU)');
    await wb.runCommand(page, 'SenseVoice: Check GPU');
    frame = await reportFrame();
    assert.equal(
      await page.locator('.tab', { hasText: 'SenseVoice: GPU Check' }).count(),
      1,
      'one panel, in a tab of its own',
    );

    assert.equal(await frame.locator('.summary .headline').innerText(), expected.summary.headline);
    assert.match(await frame.locator('#report > p.muted').first().innerText(), /full check in \d/);
    assert.equal(await frame.locator('#status').isVisible(), false, 'no empty status band under the title once done');
    await wb.shot(page, 'gpu-check');

    const rows = await providerRows();
    const cpu = rows.find((r) => r[0] === 'CPU');
    const cuda = rows.find((r) => r[0] === 'CUDA');
    assert.ok(cpu && cuda, `CPU and CUDA rows: ${JSON.stringify(rows)}`);
    assert.equal(cpu[1], 'Works');
    assert.equal(cuda[1], causeText(cudaExpected.cause), 'the cause in words');
    assert.equal(cuda[2], cudaExpected.reason, 'CUDA: the plain reason the check gives');
    assert.doesNotMatch(cuda[2], /onnxruntime_src|\.cc:\d+/, 'the reason is no raw library trace');
    // The library's own words are one click away, not in the reason.
    const raw = frame
      .locator('table.providers tbody tr', { has: frame.locator('td:first-child', { hasText: /^CUDA$/ }) })
      .locator('details.raw');
    assert.equal(await raw.locator('pre').isVisible(), false);
    await raw.locator('summary').click();
    assert.match(
      await raw.locator('pre').innerText(),
      new RegExp(cudaExpected.error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    );
    // (scrolled to the card's title, clear of the sticky header)
    await frame
      .locator('.card', { hasText: 'Execution providers' })
      .evaluate((el) =>
        window.scrollBy(
          0,
          el.getBoundingClientRect().top -
            /** @type {HTMLElement} */ (document.querySelector('.header')).offsetHeight -
            12,
        ),
      );
    await wb.shot(page, 'gpu-check-providers');
    await raw.locator('summary').click();
    assert.match(
      await frame.locator('.card', { hasText: 'Execution providers' }).innerText(),
      /Models load on CPU \(sensevoice\.provider: cpu\)\./,
    );

    const checks = await frame
      .locator('.checklist > li')
      .evaluateAll((items) =>
        items.map((li) => [li.querySelector('.check-title').textContent, li.querySelector('.badge').textContent]),
      );
    const label = { pass: 'Pass', warn: 'Warning', fail: 'Fail' };
    assert.deepEqual(
      checks,
      expected.checklist.map((c) => [c.title, label[c.status]]),
    );
    // A passing row shows no fix; a warning shows its fix.
    for (const c of expected.checklist) {
      const li = frame.locator('.checklist > li', { has: frame.locator('.check-title', { hasText: c.title }) });
      assert.equal(await li.locator('.check-fix').count(), c.fix && c.status !== 'pass' ? 1 : 0, c.title);
    }
    // The timing on a clip for the working provider.
    assert.match(await frame.locator('.card', { hasText: 'Timing on a' }).innerText(), /CPU\s.*\d+x real time/s);
    // The status bar learnt where inference runs.
    await until(
      'the status bar to say CPU',
      async () => /SenseVoice: CPU/.test(await page.locator('#workbench\\.parts\\.statusbar').innerText()),
      10_000,
    );
  });

  it('copies the whole report as Markdown', async () => {
    await page.evaluate(() => navigator.clipboard.writeText('(not yet)'));
    await frame.locator('#copy').click();
    await frame.locator('#notice.shown', { hasText: 'Copied as Markdown' }).waitFor({ timeout: 10_000 });
    const md = await until(
      'the report on the clipboard',
      async () => {
        const text = await page.evaluate(() => navigator.clipboard.readText());
        return text !== '(not yet)' && text;
      },
      10_000,
    );
    const icon = { pass: '✅', warn: '⚠️', fail: '❌' }[expected.summary.status];
    assert.ok(md.startsWith(`# SenseVoice GPU check\n\n${icon} **${expected.summary.headline}**\n`), md.slice(0, 200));
    assert.match(md, /\n## Checklist\n/);
    for (const c of expected.checklist) assert.match(md, new RegExp(`\\n\\| (✅|⚠️|❌) \\| ${c.title} \\| `), c.title);
    assert.ok(md.includes(`| CUDA | ❌ ${cudaExpected.cause} | `), 'the CUDA row');
    assert.ok(md.includes(`| ${cudaExpected.reason} |`), 'with its reason');
    assert.match(md, /\| CPU \| ✅ works \| /);
    assert.match(md, /\n### CUDA: the library's own words\n\n```\n/);
    await wb.shot(page, 'gpu-check-copied');
  });

  it('runs the check again on Re-run and shows the new report', async () => {
    const runs = () => extensionLog().match(/GPU check: /g)?.length ?? 0;
    const before = runs();
    assert.ok(before >= 1, 'the first check was logged');
    // Mark the page as drawn now, and watch the status line while the check runs again.
    await frame.evaluate(() => {
      /** @type {HTMLElement} */ (document.querySelector('.summary')).dataset.old = 'yes';
      window.__statuses = [];
      new MutationObserver(() => window.__statuses.push(document.getElementById('status').className)).observe(
        document.getElementById('status'),
        { attributes: true },
      );
    });
    await frame.locator('#rerun').click();
    await until('a second check in the log', () => runs() === before + 1, 60_000);
    await frame.locator('.summary:not([data-old])').waitFor({ timeout: 10_000 });
    // (the page draws the new report, then settles its status line: wait for that, not a fixed delay)
    await until(
      'the status line settles',
      async () => (await frame.evaluate(() => window.__statuses.at(-1))) !== 'status running',
      10_000,
    );
    const statuses = await frame.evaluate(() => window.__statuses);
    assert.ok(statuses.includes('status running'), `the page showed the check running: ${statuses.join(', ')}`);
    assert.equal(statuses.at(-1), 'status done');
    assert.equal(await frame.locator('#rerun').isDisabled(), false);
    assert.equal(await frame.locator('.summary .headline').innerText(), expected.summary.headline);
    assert.equal((await providerRows()).find((r) => r[0] === 'CUDA')[2], cudaExpected.reason);
    await frame.evaluate(() => window.scrollTo(0, 0));
    await wb.shot(page, 'gpu-check-rerun');
  });
});
