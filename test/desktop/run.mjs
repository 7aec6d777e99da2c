// npm run test:desktop: the extension in desktop VS Code (Electron) with @vscode/test-electron.
// VS Code comes from VSCODE_EXECUTABLE (an installed one: e.g. /usr/share/code/code, or
// "/Applications/Visual Studio Code.app/Contents/MacOS/Electron"), else it is downloaded into
// .cache/vscode-test (VSCODE_VERSION, default stable; a copy there is reused). Where it cannot be
// downloaded (offline, no proxy) the suite says so and exits 0 as skipped, within seconds; with
// SENSEVOICE_DESKTOP_REQUIRED=1 that is a failure instead. On Linux without a display it runs under
// xvfb-run when there is one.
//
// Before VS Code starts: the dev bundles are built, a synthetic model is made, and a workspace with
// en.wav and that model in its settings is laid out; the cli's transcript of en.wav is what the
// extension's must equal. The extension-host tests are test/desktop/suite/index.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORK = path.join(ROOT, '.cache', 'desktop');
const DOWNLOADS = path.join(ROOT, '.cache', 'vscode-test');
const required = process.env.SENSEVOICE_DESKTOP_REQUIRED === '1';
const t0 = Date.now();
const log = (m) => console.log(`[desktop +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** Exits 0 as skipped (or 1 when the suite is required), saying why. */
function skip(reason) {
  console.log(`desktop suite SKIPPED: ${reason}`);
  if (required) {
    console.error('SENSEVOICE_DESKTOP_REQUIRED=1: a skipped desktop suite is a failure here.');
    process.exit(1);
  }
  process.exit(0);
}

/** Errors that mean "no network to the VS Code download servers", as opposed to a broken download. */
function unreachable(err) {
  const text = `${err?.code ?? ''} ${err?.name ?? ''} ${err?.message ?? err}`;
  return /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|TimeoutError|timed? ?out|socket hang up|proxy|\b(403|407|502|503|504)\b/i.test(
    text,
  );
}

async function vscodeExecutable() {
  const given = process.env.VSCODE_EXECUTABLE;
  if (given) {
    if (!fs.existsSync(given)) {
      console.error(`VSCODE_EXECUTABLE=${given}: no such file.`);
      process.exit(1);
    }
    log(`VS Code: ${given} (VSCODE_EXECUTABLE)`);
    return given;
  }
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  const version = process.env.VSCODE_VERSION || 'stable';
  log(`VS Code ${version}: downloading into ${path.relative(ROOT, DOWNLOADS)} (or reusing a copy there)`);
  try {
    // `timeout` is an idle timeout per request: an unreachable server fails in seconds, not minutes.
    return await downloadAndUnzipVSCode({ version, cachePath: DOWNLOADS, timeout: 10_000 });
  } catch (err) {
    if (unreachable(err)) {
      skip(
        `VS Code could not be downloaded (${err?.message ?? err}). Set VSCODE_EXECUTABLE to an installed VS Code to run it offline.`,
      );
    }
    throw err;
  }
}

/** Re-runs this script under xvfb-run on a Linux machine without a display; false when it cannot. */
function underDisplay() {
  if (
    process.platform !== 'linux' ||
    process.env.DISPLAY ||
    process.env.WAYLAND_DISPLAY ||
    process.env.SENSEVOICE_UNDER_XVFB
  )
    return false;
  const xvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).stdout.trim();
  if (!xvfb) skip('no display (DISPLAY is not set) and no xvfb-run to make one (Debian/Ubuntu: apt-get install xvfb).');
  log('no display: running under xvfb-run');
  const r = spawnSync(xvfb, ['-a', process.execPath, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, SENSEVOICE_UNDER_XVFB: '1' },
  });
  process.exit(r.status ?? 1);
}

async function prepare() {
  log('building the extension (dev bundles)');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.rmSync(WORK, { recursive: true, force: true });
  const ws = path.join(WORK, 'workspace');
  const model = path.join(WORK, 'model');
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  log('making a synthetic model');
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      'tools/makeTestModel/main.ts',
      '--out',
      model,
      '--layout',
      'sherpa',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'audio', 'sense_voice', 'en.wav'), path.join(ws, 'en.wav'));
  fs.writeFileSync(
    path.join(ws, '.vscode', 'settings.json'),
    // The suite checks the window's own daemon process (a child of the extension host): a private one.
    `${JSON.stringify({ 'sensevoice.modelPath': model, 'sensevoice.provider': 'cpu', 'sensevoice.sharedDaemon': false }, null, 2)}\n`,
  );
  const env = {
    ...process.env,
    SENSEVOICE_CACHE_DIR: path.join(WORK, 'cli-cache'),
    SENSEVOICE_MODEL_STORE: path.join(WORK, 'model-store'),
  };
  const expected = path.join(WORK, 'expected-en.json');
  fs.writeFileSync(
    expected,
    execFileSync(
      process.execPath,
      ['dist/cli.js', '--stdio', 'transcribe', path.join(ws, 'en.wav'), '--model', model, '--format', 'json'],
      { cwd: ROOT, env, encoding: 'utf8' },
    ),
  );
  log('bundling the extension-host tests');
  const suite = path.join(WORK, 'suite', 'index.js');
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'test', 'desktop', 'suite', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    outfile: suite,
    logLevel: 'warning',
  });
  return { ws, suite, expected };
}

const executable = await vscodeExecutable();
underDisplay();
const { ws, suite, expected } = await prepare();
const { runTests } = await import('@vscode/test-electron');
log('starting VS Code');
try {
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: suite,
    // (runTests adds --no-sandbox, --disable-updates, --skip-welcome, --disable-workspace-trust)
    launchArgs: [
      ws,
      '--disable-extensions',
      '--disable-gpu',
      '--user-data-dir',
      path.join(WORK, 'user-data'),
      '--extensions-dir',
      path.join(WORK, 'extensions'),
    ],
    extensionTestsEnv: {
      SENSEVOICE_DESKTOP_EXPECTED: expected,
      // The daemon the extension starts keeps its cache and store here, not in the user's.
      SENSEVOICE_CACHE_DIR: path.join(WORK, 'cache'),
      SENSEVOICE_MODEL_STORE: path.join(WORK, 'model-store'),
    },
  });
  log('desktop suite passed');
} catch (err) {
  console.error(`desktop suite FAILED: ${err?.message ?? err}`);
  process.exit(1);
}
