// Runs every *.test.ts under the given folders with node's test runner and tsx as the loader.
// Node 20's runner has no globs, so the file list is built here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Tests never touch the user's transcript cache or model store.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sensevoice-test-run-'));
process.env.SENSEVOICE_CACHE_DIR ??= path.join(scratch, 'cache');
process.env.SENSEVOICE_MODEL_STORE ??= path.join(scratch, 'models');
// Nor the user's GPU library cache: a daemon started by a test never places libraries from it.
process.env.SENSEVOICE_GPU_CACHE ??= path.join(scratch, 'gpu');
// Nor the user's shared daemon: cli tests start one of their own here, stopped when the run ends.
process.env.SENSEVOICE_RUNTIME_DIR ??= path.join(scratch, 'run');

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
function find(dir) {
  if (!fs.existsSync(dir)) return [];
  const st = fs.statSync(dir);
  if (st.isFile()) return [dir];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}
const files = (roots.length ? roots : ['test/unit', 'test/integration', 'test/robustness']).flatMap(find).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...passThrough, ...files], {
  stdio: 'inherit',
});
await stopSharedDaemon(path.join(process.env.SENSEVOICE_RUNTIME_DIR, 'daemon.pid'));
fs.rmSync(scratch, { recursive: true, force: true });
process.exit(r.status ?? 1);

/** Stops the shared daemon a test started in this run's runtime folder (SIGTERM, then SIGKILL), so none outlives the run. */
async function stopSharedDaemon(pidFile) {
  let pid;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive()) process.kill(pid, 'SIGKILL');
}
