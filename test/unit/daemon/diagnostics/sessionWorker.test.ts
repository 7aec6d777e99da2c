// The child process that creates onnxruntime sessions for the GPU check: the CPU works (with its node
// placement); CUDA runs where the machine has it, else fails with onnxruntime's own words and the log
// line that says which library is missing; a child that crashes, hangs or is cancelled costs only that job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SessionWorker, resolveOnnxRuntime, type SessionJob } from '../../../../daemon/diagnostics/sessionWorker';
import { buildProbeModel } from '../../../../daemon/diagnostics/probeModel';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';
import { machineCuda } from '../../../helpers/machineGpu';
import { waitFor } from '../../../helpers/waitFor';

const model = buildProbeModel();
const job = (provider: string, timeoutMs = 60_000): SessionJob => ({
  provider,
  model: { bytes: model.bytes },
  options: { executionProviders: [provider], logSeverityLevel: 0 },
  feeds: [{ name: 'x', type: 'float32', dims: [1, 4], data: model.input.data }],
  runs: 2,
  timeoutMs,
});

function fakeNode(body: string): string {
  const file = path.join(tempDir('fakenode'), 'node');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
  return file;
}

test("real onnxruntime: the CPU answers correctly; CUDA answers too where the machine has it, else fails with its error and the loader's detail", async (t) => {
  const machine = machineCuda();
  t.diagnostic(`this machine: ${JSON.stringify(machine)}`);
  const ortPath = resolveOnnxRuntime();
  assert.ok(ortPath, 'onnxruntime-node is installed');
  const w = new SessionWorker({ ortPath });
  try {
    const cpu = await w.run(job('cpu'));
    assert.equal(cpu.ok, true, cpu.error);
    assert.equal(cpu.runMs.length, 2);
    assert.deepEqual(cpu.outputs?.y?.dims, [1, 4]);
    assert.deepEqual(cpu.outputs?.y?.values, Array.from(model.expected));
    assert.deepEqual(Object.keys(cpu.placement ?? {}), ['CPUExecutionProvider'], 'verbose placement lines are parsed');
    assert.ok(!cpu.log.some((l) => /\[V:onnxruntime/.test(l)), 'verbose lines are not kept as log');

    const cuda = await w.run(job('cuda'));
    if (cuda.ok) {
      assert.ok(
        machine.mayWork,
        `CUDA ran, yet this machine lacks a card, libcuda or the provider library: ${JSON.stringify(machine)}`,
      );
      assert.equal(cuda.runMs.length, 2, 'both runs are timed');
      assert.ok(
        cuda.runMs.every((ms) => ms > 0),
        `${cuda.runMs}`,
      );
      assert.deepEqual(cuda.outputs?.y?.values, Array.from(model.expected), 'and CUDA computes what the CPU does');
      assert.ok(
        (cuda.placement?.CUDAExecutionProvider ?? 0) > 0,
        `nodes placed on CUDA: ${JSON.stringify(cuda.placement)}`,
      );
    } else {
      assert.ok(cuda.error, "onnxruntime's own words are kept");
      assert.notEqual(cuda.timedOut, true, "it failed by itself, not by the job's timeout");
      assert.ok(cuda.failedAfterMs !== undefined, 'the failure is timed');
      if (!machine.providerLibrary) {
        // CI and machines without a GPU: the CUDA provider download was skipped at install.
        assert.equal(cuda.error, 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
        assert.ok(
          cuda.log.some((l) => /Failed to load library .*libonnxruntime_providers_(shared|cuda)\.so/.test(l)),
          cuda.log.join('\n'),
        );
      }
    }
    const again = await w.run(job('cpu'));
    assert.equal(again.ok, true, 'the same child runs the next job');
    assert.deepEqual(again.log, [], 'no log from the earlier job leaks into this one');
  } finally {
    w.close();
  }
});

test('a child that crashes costs that job only; the next job gets a fresh child', async () => {
  const marker = path.join(tempDir('crash'), 'started');
  // First start: crash on the first job. Later starts: behave like a child that answers nothing but
  // a failure, so the second job shows a new process was used.
  const fake = fakeNode(
    `if [ ! -e ${marker} ]; then touch ${marker}; read line; echo "Segmentation fault in libcuda" >&2; kill -SEGV $$; fi\n` +
      `read line; id=$(echo "$line" | sed 's/.*"id":\\([0-9]*\\).*/\\1/'); echo "@@sensevoice-gpu-check-job end $id" >&2; echo "{\\"id\\":$id,\\"ok\\":false,\\"runMs\\":[],\\"error\\":\\"second child\\"}"`,
  );
  const w = new SessionWorker({ ortPath: 'unused', execPath: fake });
  try {
    const first = await w.run(job('cuda'));
    assert.equal(first.ok, false);
    assert.deepEqual(first.crashed, { code: null, signal: 'SIGSEGV' });
    assert.match(first.error ?? '', /was killed by SIGSEGV/);
    const second = await w.run(job('cpu'));
    assert.equal(second.error, 'second child');
  } finally {
    w.close();
  }
});

test("a hung child is killed at the job's timeout", async () => {
  const pidFile = path.join(tempDir('hung'), 'pid');
  const w = new SessionWorker({ ortPath: 'unused', execPath: fakeNode(`echo $$ > ${pidFile}; exec sleep 600`) });
  const t0 = Date.now();
  const r = await w.run(job('cuda', 300));
  assert.ok(Date.now() - t0 >= 300, 'not before the timeout');
  assert.equal(r.timedOut, true);
  assert.match(r.error ?? '', /no answer within 0\.3 s/);
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  // Killed, not left sleeping: its /proc entry goes (a zombie until reaped counts as gone).
  await waitFor(
    () => !fs.existsSync(`/proc/${pid}`) || /^State:\s+Z/m.test(readOr(`/proc/${pid}/status`)),
    `the hung child ${pid} to be killed`,
  );
  w.close();
});

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return 'State: Z (gone)';
  }
}

test('cancelling kills the child and rejects with Cancelled', async () => {
  const w = new SessionWorker({ ortPath: 'unused', execPath: fakeNode('exec sleep 30') });
  const abort = new AbortController();
  const pending = w.run(job('cuda'), abort.signal);
  abort.abort();
  await assert.rejects(pending, (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled);
  w.close();
});
