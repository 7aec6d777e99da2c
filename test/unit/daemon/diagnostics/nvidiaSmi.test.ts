// nvidia-smi as users meet it: a fake on PATH prints what the real one prints in each case, and each
// case becomes the right status (and, in the checklist tests, the right fix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareVersions,
  interpretNvidiaSmi,
  parseGpuCsv,
  queryNvidiaSmi,
} from '../../../../daemon/diagnostics/nvidiaSmi';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../../helpers/paths';
import { waitFor } from '../../../helpers/waitFor';
import { fakeNvidiaSmi, NVIDIA_SMI } from './fakeMachine';

const query = (body: string, timeoutMs = 5000) =>
  queryNvidiaSmi({ pathEnv: fakeNvidiaSmi(body), platform: 'linux', timeoutMs });

test('a working card: name, driver, memory, utilisation; the driver is new enough for CUDA 12', async () => {
  const n = await query(NVIDIA_SMI.workingCard);
  assert.equal(n.status, 'ok');
  assert.match(n.path ?? '', /nvidia-smi$/);
  assert.deepEqual(n.gpus, [
    {
      name: 'NVIDIA GeForce RTX 4090',
      driverVersion: '550.54.14',
      memoryTotalMiB: 24564,
      memoryFreeMiB: 23012,
      utilizationPct: 3,
    },
  ]);
  assert.equal(n.driverVersion, '550.54.14');
  assert.equal(n.driverOk, true);
});

test('two cards, one reporting [N/A] and [Not Supported]: those values become null', async () => {
  const n = await query(NVIDIA_SMI.twoCards);
  assert.equal(n.gpus.length, 2);
  assert.equal(n.gpus[1]?.memoryFreeMiB, null);
  assert.equal(n.gpus[1]?.utilizationPct, null);
  assert.equal(n.gpus[1]?.memoryTotalMiB, 81920);
});

test('an old driver (470) is reported as too old for CUDA 12 (525.60.13)', async () => {
  const n = await query(NVIDIA_SMI.oldDriver);
  assert.equal(n.status, 'ok');
  assert.equal(n.driverOk, false);
  assert.equal(n.minDriverVersion, '525.60.13');
});

test('"No devices were found" (exit 6) is its own status', async () => {
  const n = await query(NVIDIA_SMI.noDevices);
  assert.equal(n.status, 'no-devices');
  assert.equal(n.gpus.length, 0);
  assert.match(n.error ?? '', /No devices were found/);
});

test("a driver it cannot talk to, and an NVML version mismatch, are failures with nvidia-smi's words", async () => {
  const a = await query(NVIDIA_SMI.noDriver);
  assert.equal(a.status, 'failed');
  assert.match(a.error ?? '', /exited with code 9: NVIDIA-SMI has failed because it couldn't communicate/);
  const b = await query(NVIDIA_SMI.mismatch);
  assert.equal(b.status, 'failed');
  assert.match(b.error ?? '', /code 18: Failed to initialize NVML: Driver\/library version mismatch/);
});

test('a crash (SIGSEGV) and a hang (killed at the timeout) are handled', async () => {
  const crashed = await query(NVIDIA_SMI.crash);
  assert.equal(crashed.status, 'failed');
  assert.match(crashed.error ?? '', /SIGSEGV/);
  // A hang like NVIDIA_SMI.hang, which also says its pid, so its end can be seen.
  const pidFile = path.join(tempDir('smi-hang'), 'pid');
  const t0 = Date.now();
  const hung = await query(`echo $$ > ${pidFile}\nexec sleep 600`, 300);
  assert.equal(hung.status, 'timeout');
  assert.ok(Date.now() - t0 >= 300, 'not before the timeout');
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  // Cut at the timeout, not waited out: the process is killed (gone, or a zombie until reaped).
  await waitFor(() => {
    try {
      return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return true;
    }
  }, `the hung nvidia-smi ${pid} to be killed`);
});

test('no nvidia-smi on PATH: not-found, and nothing to judge', async () => {
  const n = await queryNvidiaSmi({ pathEnv: tempDir('empty'), platform: 'linux' });
  assert.deepEqual(
    { status: n.status, gpus: n.gpus, driverOk: n.driverOk, path: n.path },
    { status: 'not-found', gpus: [], driverOk: null, path: null },
  );
});

test('parsing: garbage lines are skipped; versions compare numerically; Windows has its own minimum', () => {
  assert.deepEqual(parseGpuCsv('garbage\n\nNVIDIA RTX A6000, 537.13, 49140, 48000, 1\n'), [
    {
      name: 'NVIDIA RTX A6000',
      driverVersion: '537.13',
      memoryTotalMiB: 49140,
      memoryFreeMiB: 48000,
      utilizationPct: 1,
    },
  ]);
  assert.equal(compareVersions('535.183.01', '525.60.13'), 1);
  assert.equal(compareVersions('525.60.13', '525.60.13'), 0);
  assert.equal(compareVersions('525.60.2', '525.60.13'), -1);
  const win = interpretNvidiaSmi(
    'C:\\nvidia-smi.exe',
    { stdout: 'NVIDIA GeForce GTX 1080, 527.37, 8192, 7000, 0', stderr: '', code: 0, signal: null, timedOut: false },
    'win32',
  );
  assert.equal(win.minDriverVersion, '527.41');
  assert.equal(win.driverOk, false);
});
