// `sensevoice devices` and `sensevoice record` as a user runs them, against a private PulseAudio
// server: segments on stderr while recording, the transcript on stdout when --duration is reached
// or on Ctrl-C (SIGINT), the recording finished and kept. Skips only when pulseaudio is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { waitFor } from '../helpers/waitFor';
import { MONITOR, pulseAudioMissing, startPulseServer, type PulseServer } from '../helpers/pulseAudio';

const CLIP = path.join(AUDIO, 'sense_voice/en.wav');

/** Runs the cli with the test server's environment; stdout and stderr are collected as they come. */
function cli(pa: PulseServer, args: string[]) {
  const child = spawn(process.execPath, [requireBuilt('cli.js'), '--stdio', '--provider', 'cpu', ...args], {
    env: pa.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = { child, stdout: '', stderr: '', code: null as number | null };
  child.stdout.setEncoding('utf8').on('data', (s: string) => (r.stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (r.stderr += s));
  const done = new Promise<typeof r>((resolve) =>
    child.on('close', (code) => {
      r.code = code;
      resolve(r);
    }),
  );
  return { r, done };
}

describe('sensevoice devices and record', { skip: pulseAudioMissing() ?? false }, () => {
  let pa: PulseServer;
  let dir: string;
  before(async () => {
    pa = await startPulseServer();
    dir = tempDir('cli-record');
  });
  after(async () => {
    await pa?.stop();
  });

  test('devices --json lists the monitor; devices marks the default', async () => {
    const json = await cli(pa, ['devices', '--json']).done;
    assert.equal(json.code, 0, json.stderr);
    const r = JSON.parse(json.stdout);
    assert.equal(r.inputFormat, 'pulse');
    assert.ok(r.devices.some((d: { name: string }) => d.name === MONITOR));
    const text = await cli(pa, ['devices']).done;
    assert.match(text.stdout, new RegExp(`^\\* ${MONITOR.replace('.', '\\.')}\\s+Monitor of Null Output$`, 'm'));
  });

  test('record --duration: stops by itself after that much audio; the JSON transcript on stdout', async () => {
    const out = path.join(dir, 'timed.wav');
    const run = cli(pa, [
      'record',
      '--device',
      MONITOR,
      '--duration',
      '4',
      '--out',
      out,
      '--format',
      'json',
      '--model',
      testModel('sherpa').dir,
    ]);
    await waitFor(() => /Recording pulse/.test(run.r.stderr), 'recording to start', 60_000);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    assert.equal(t.file, out);
    // Stopping takes a moment after the 4 s mark (ffmpeg finishes the file): within a second and a half.
    assert.ok(t.durationSec >= 4 && t.durationSec < 5.5, `${t.durationSec}`);
    // The clip may start late on a busy machine: its text is checked by the Ctrl-C test, here the stop.
    assert.ok(Array.isArray(t.segments));
    assert.match(r.stderr, new RegExp(`Recorded [45]\\.\\d s to ${out}`));
    assert.ok(fs.statSync(out).size > 4 * 32_000, 'four seconds of 16-bit 16 kHz audio in the file');
  });

  test('record, Ctrl-C after the first live segment: the file is finished and transcribed; exit 0', async () => {
    const out = path.join(dir, 'interrupted.ogg');
    const run = cli(pa, ['record', '--device', MONITOR, '--out', out, '--model', testModel('sherpa').dir]);
    await waitFor(() => /Recording pulse/.test(run.r.stderr), 'recording to start', 60_000);
    await pa.play(CLIP);
    await waitFor(() => /^\[0:\d\d\] \S/m.test(run.r.stderr), 'a live segment on stderr', 30_000);
    run.r.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Stopping: finishing the recording/);
    assert.match(r.stdout, /^\[0:\d\d\] \S/m, 'the txt transcript on stdout');
    assert.ok(fs.statSync(out).size > 0);
    const again = await cli(pa, ['record', '--device', MONITOR, '--out', out, '--duration', '1']).done;
    assert.equal(again.code, 1);
    assert.match(again.stderr, /error: RecordingExists: /);
  });
});
