// What every end-to-end test file needs: the environment run.sh sets, a Chromium page on the
// code-server workbench, polling with a deadline, the explorer's context menu, the command palette,
// webview frames, the extension's log, user settings, and the processes (daemon, ffmpeg) behind the
// window. Not a test file itself (run.sh runs *.test.mjs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const URL_BASE = process.env.E2E_URL;
export const WS = process.env.E2E_WS;
export const OUT = process.env.E2E_OUT;
export const RUN = process.env.E2E_RUN;
export const USER_DATA = process.env.E2E_USER_DATA;
/** code-server's --extensions-dir: the installed extension (and its dist/daemon.js) lives there. */
export const EXTENSIONS = process.env.E2E_EXTENSIONS;
/**
 * The quick input's text box. (Since VS Code 1.99 the widget also holds check boxes: a bare
 * `.quick-input-widget input` matches several elements there.)
 */
export const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';
if (!URL_BASE || !WS || !OUT || !RUN || !USER_DATA || !EXTENSIONS)
  throw new Error('run through test/e2e/run.sh (E2E_* variables are missing)');
const USER_SETTINGS = path.join(USER_DATA, 'User', 'settings.json');

/** Polls `check` until it returns something truthy; fails after `timeoutMs` saying what it waited for. */
export async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Chromium on the workbench with `folder` open, once the explorer shows `firstRow`. Dialogs
 * (alert, confirm) are dismissed and collected in `alerts`: a test can assert that no script ran.
 */
export async function openWorkbench({ folder = WS, firstRow }) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const context = await browser.newContext({
    viewport: { width: 1440, height: 960 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const alerts = [];
  page.on('dialog', (d) => {
    alerts.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${URL_BASE}/?folder=${encodeURIComponent(folder)}`);
  await explorerRow(page, firstRow).waitFor({ timeout: 90_000 });
  return { browser, page, alerts };
}

export function shot(page, name) {
  return page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

/** The screen after each step of a suite, for a failure's post-mortem. */
export function afterEachShot(getPage) {
  return async (t) => {
    await getPage()
      ?.screenshot({ path: path.join(OUT, `after-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}.png`) })
      .catch(() => undefined);
  };
}

export function explorerRow(page, name) {
  return page.locator('.explorer-folders-view .monaco-list-row', {
    hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`),
  });
}

/** Right-clicks an explorer row until the menu (whose contributions load late) has `item`. */
export async function contextMenu(page, rowName, item) {
  const row = explorerRow(page, rowName);
  await row.waitFor({ timeout: 60_000 });
  const entry = page.getByRole('menuitem', { name: item });
  for (let i = 0; ; i++) {
    await row.click({ button: 'right' });
    try {
      await entry.first().waitFor({ timeout: 2_000 });
      return entry.first();
    } catch (e) {
      if (i >= 20) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/** Runs a context-menu entry; a click that lands while the menu still lays out is retried by keyboard. */
export async function chooseFromContextMenu(page, rowName, item) {
  const entry = await contextMenu(page, rowName, item);
  await entry.hover();
  await entry.click();
  const menu = page.locator('.context-view .monaco-menu');
  try {
    await menu.waitFor({ state: 'hidden', timeout: 2_000 });
  } catch {
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 5_000 });
  }
}

/**
 * Runs a command from the palette by its title. Right after the workbench opens, the extension's
 * commands may not be listed yet: the palette is closed and opened again until they are.
 */
export async function runCommand(page, title) {
  const input = page.locator(QUICK_INPUT_BOX);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let i = 0; ; i++) {
    await page.keyboard.press('F1');
    try {
      // (the palette can close again at once, or sit under a dialog, while the workbench settles:
      // then Escape and open it again rather than wait on a box nobody can type in)
      await input.waitFor({ timeout: 5_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      if (i >= 8) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** Picks the quick pick's row whose label matches `label` (typed to filter, then chosen by click). */
export async function pickQuickPick(page, label, filter) {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  if (filter) await page.locator(QUICK_INPUT_BOX).fill(filter);
  await row.waitFor({ timeout: 20_000 });
  await row.click();
}

/** The webview frame in which `selector` exists and, if given, whose text matches `text`. */
export async function webviewFrame(page, what, selector, text, timeoutMs = 60_000) {
  return until(
    what,
    async () => {
      for (const f of page.frames()) {
        try {
          const el = f.locator(selector);
          if ((await el.count()) === 0) continue;
          if (text === undefined || (await el.first().innerText()) === text) return f;
        } catch {
          // frames come and go while the workbench lays out
        }
      }
      return null;
    },
    timeoutMs,
  );
}

/** The transcript view whose header shows `fileName`. */
export function transcriptFrame(page, fileName) {
  return webviewFrame(page, `the transcript view of ${fileName}`, '#file-name', fileName);
}

/** The status bar entry of the extension. */
export function statusItem(page) {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'SenseVoice' }).first();
}

/**
 * Hovers the status bar entry and returns its tooltip's text. After another file's window, 4.139.1
 * sometimes shows no hover at all for the first pointer move onto the entry (seen when
 * setupAndSettings ran before sharedDaemon: no .monaco-hover element in the page), so the pointer
 * leaves and comes back; should the workbench still show none, the tooltip is read where VS Code
 * also puts it for screen readers, the entry's aria-label, and the test says so.
 */
export async function statusTooltip(page) {
  const hover = page.locator('.monaco-hover', { hasText: 'SenseVoice' }).last();
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.mouse.move(700, 300);
    await statusItem(page).hover({ position: { x: 8 + attempt * 6, y: 8 } });
    try {
      await hover.waitFor({ timeout: 5_000 });
    } catch {
      continue;
    }
    const text = await hover.innerText();
    // (not Escape: it would hide the notifications too)
    await page.mouse.move(700, 300);
    await hover.waitFor({ state: 'hidden', timeout: 10_000 });
    return text;
  }
  await shot(page, 'status-tooltip-no-hover');
  console.log('  no hover shown for the status bar entry after 3 tries; read its aria-label');
  return (await statusItem(page).getAttribute('aria-label')) ?? '';
}

/** The notification toast whose text matches `pattern`. */
export function toast(page, pattern) {
  return page.locator('.notification-toast', { hasText: pattern });
}

/** The extension's log (its LogOutputChannel's files in the profile, every window's), '' before one exists. */
export function extensionLog() {
  const find = (dir) =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap((e) =>
            e.isDirectory()
              ? find(path.join(dir, e.name))
              : e.name.includes('SenseVoice')
                ? [path.join(dir, e.name)]
                : [],
          )
      : [];
  return find(path.join(USER_DATA, 'logs'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

/**
 * Changes user settings the way a user does: in the settings JSON editor, saved. (code-server
 * does not notice edits made to the file behind its back.)
 */
export function setUserSettings(page, changes) {
  return editSettingsJson(
    page,
    { file: USER_SETTINGS, command: 'Preferences: Open User Settings (JSON)', shows: 'workbench.startupEditor' },
    changes,
  );
}

/**
 * Changes the settings of the workspace `folder` (open in `page`), in its settings JSON editor; a
 * key set to undefined is removed. The file must exist and name a `sensevoice.` setting.
 */
export function setWorkspaceSettings(page, folder, changes) {
  return editSettingsJson(
    page,
    {
      file: path.join(folder, '.vscode', 'settings.json'),
      command: 'Preferences: Open Workspace Settings (JSON)',
      shows: 'sensevoice.',
    },
    changes,
  );
}

/** Opens a settings file by its command (the editor shows text `shows`), replaces it with itself and `changes`, saves and closes it. */
async function editSettingsJson(page, { file, command, shows }, changes) {
  const next = { ...JSON.parse(fs.readFileSync(file, 'utf8')), ...changes };
  const text = JSON.stringify(next, null, 2);
  await runCommand(page, command);
  // (1.139 opens it in a modal editor over the workbench, not in a tab)
  const lines = page.locator('.monaco-editor .view-lines', { hasText: shows }).last();
  await lines.waitFor({ timeout: 15_000 });
  await lines.click();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await page.keyboard.press('Control+S');
  await until(`${path.basename(path.dirname(file))}/${path.basename(file)} saved`, () => {
    try {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      return Object.entries(changes).every(([k, v]) => JSON.stringify(saved[k]) === JSON.stringify(v));
    } catch {
      return false;
    }
  });
  await page.keyboard.press('Control+W');
  await lines.waitFor({ state: 'hidden', timeout: 10_000 });
}

// ---- processes ------------------------------------------------------------------------------

/** Every live process: pid, parent, command name and command line. */
export function processes() {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,comm=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && !f[2].startsWith('Z'))
    .map((f) => ({ pid: Number(f[0]), ppid: Number(f[1]), comm: f[3], args: f.slice(4).join(' ') }));
}

/** The installed extension's daemon script, as the daemons' command lines name it. */
export function daemonScript() {
  const dir = fs.readdirSync(EXTENSIONS).find((d) => d.startsWith('sensevoice.sensevoice-'));
  assert.ok(dir, `the extension is installed in ${EXTENSIONS}`);
  return path.join(EXTENSIONS, dir, 'dist', 'daemon.js');
}

/** Live SenseVoice daemons started by code-server's extension hosts. */
export function daemons() {
  const script = daemonScript();
  return processes().filter((p) => p.args.split(' ').includes(script));
}

/** The ffmpeg processes decoding `file` (any parent). */
export function ffmpegFor(file) {
  return processes().filter((p) => p.comm === 'ffmpeg' && p.args.includes(file));
}

/** The ffmpeg children of `pid`. */
export function ffmpegChildren(pid) {
  return processes().filter((p) => p.ppid === pid && p.comm === 'ffmpeg');
}

/** CPU seconds (user + system, all threads) `pid` has used so far. */
export function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return (Number(f[11]) + Number(f[12])) / ticks;
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
