// `sensevoice devices` and `sensevoice record` as a user runs them, against a private PulseAudio
// server: segments on stderr while recording, the transcript on stdout when --duration is reached
// or on Ctrl-C (SIGINT), the recording finished and kept; a Ctrl-C in a terminal (SIGINT to the whole
// process group, the --stdio daemon included) as well; pause, resume and stop typed on stdin; with
// --diarize, a two-voice meeting named by --speaker-names, and a missing speaker model refused before
// anything records. Skips only when pulseaudio is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { waitFor } from '../helpers/waitFor';
import { MONITOR, pulseAudioMissing, startPulseServer, type PulseServer } from '../helpers/pulseAudio';
import { makeMultiSpeakerAudio } from '../helpers/multiSpeakerAudio';
import { makeDiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';

const CLIP = path.join(AUDIO, 'sense_voice/en.wav');

/**
 * Runs the cli with the test server's environment; stdout and stderr are collected as they come.
 * `group`: in a process group of its own, as a shell starts a command (a Ctrl-C goes to the group);
 * `stdin`: a pipe to type commands into (else /dev/null).
 */
function cli(pa: PulseServer, args: string[], o: { group?: boolean; stdin?: boolean } = {}) {
  const child = spawn(process.execPath, [requireBuilt('cli.js'), '--stdio', '--provider', 'cpu', ...args], {
    env: pa.env,
    stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: o.group ?? false,
  });
  const r = { child, stdout: '', stderr: '', code: null as number | null };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (r.stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (r.stderr += s));
  const done = new Promise<typeof r>((resolve) =>
    child.on('close', (code) => {
      r.code = code;
      resolve(r);
    }),
  );
  return { r, done };
}

/** `record` of the test sink's monitor into `out` with the synthetic model, then `more`. */
function recordArgs(out: string, ...more: string[]): string[] {
  return ['record', '--device', MONITOR, '--out', out, '--model', testModel('sherpa').dir, ...more];
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
    const run = cli(pa, recordArgs(out, '--duration', '4', '--format', 'json'));
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
    const run = cli(pa, recordArgs(out));
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

  test('Ctrl-C in a terminal (SIGINT to the process group, the --stdio daemon too): finished and transcribed', async () => {
    const out = path.join(dir, 'terminal.ogg');
    const run = cli(pa, recordArgs(out), {
      group: true,
    });
    await waitFor(() => /Recording pulse/.test(run.r.stderr), 'recording to start', 60_000);
    await pa.play(CLIP);
    await waitFor(() => /^\[0:\d\d\] \S/m.test(run.r.stderr), 'a live segment on stderr', 30_000);
    // What the terminal does on Ctrl-C: the signal to every process of the foreground group.
    process.kill(-run.r.child.pid!, 'SIGINT');
    const r = await run.done;
    assert.doesNotMatch(r.stderr, /DaemonUnavailable/);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[0:\d\d\] \S/m, 'the transcript of the recording so far on stdout');
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out], {
      encoding: 'utf8',
    });
    const recorded = Number(/Recorded (\d+\.\d) s/.exec(r.stderr)?.[1]);
    assert.ok(
      Math.abs(Number(probe.stdout) - recorded) <= 0.1,
      `file ${probe.stdout.trim()} s, recorded ${recorded} s`,
    );
  });

  test('pause, resume and stop typed on stdin: paused audio is left out; stop finishes like Ctrl-C', async () => {
    const out = path.join(dir, 'typed.wav');
    const run = cli(pa, recordArgs(out, '--format', 'json'), {
      stdin: true,
    });
    const stdin = run.r.child.stdin!;
    await waitFor(() => /Recording pulse/.test(run.r.stderr), 'recording to start', 60_000);
    assert.match(run.r.stderr, /p \+ Enter: pause, r \+ Enter: resume/);
    stdin.write('p\n');
    await waitFor(() => /^Paused at 0:\d\d of recording/m.test(run.r.stderr), 'the pause', 20_000);
    stdin.write('pause\n');
    await waitFor(() => /error: LiveWrongState: .*already paused/.test(run.r.stderr), 'pausing twice refused', 20_000);
    await pa.play(CLIP); // heard while paused: not recorded, not transcribed
    stdin.write('what\n');
    await waitFor(() => /Unknown command "what"/.test(run.r.stderr), 'an unknown command named', 20_000);
    stdin.write('r\n');
    await waitFor(() => /^Resumed at 0:\d\d of recording/m.test(run.r.stderr), 'the resume', 20_000);
    stdin.end('stop\n'); // and the end of stdin stops nothing by itself
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    const recorded = Number(/Recorded (\d+\.\d) s/.exec(r.stderr)?.[1]);
    assert.ok(Math.abs(t.durationSec - recorded) <= 0.1, `${t.durationSec} vs ${recorded}`);
    // The clip was played only while paused: nothing louder than the null sink's silence is in the
    // file, and nothing of it in the transcript.
    const pcm = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', out, '-f', 's16le', '-'], {
      maxBuffer: 1 << 26,
    });
    let peak = 0;
    for (let i = 0; i + 1 < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)));
    assert.ok(peak < 40, `peak ${peak} of 32768 in the recording: the paused clip got in`);
    assert.equal(t.segments.length, 0, r.stdout);
  });

  test('the end of stdin does not stop a recording; --duration still does', async () => {
    const out = path.join(dir, 'closed-stdin.wav');
    const run = cli(pa, recordArgs(out, '--duration', '2'), {
      stdin: true,
    });
    run.r.child.stdin!.end();
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Stopping/);
    const recorded = Number(/Recorded (\d+\.\d) s/.exec(r.stderr)?.[1]);
    assert.ok(recorded >= 2, r.stderr);
  });

  test('record --diarize --speakers 2 --speaker-names: a two-voice meeting comes out with who said what', async () => {
    const models = makeDiarizationModels();
    const meeting = makeMultiSpeakerAudio('shortMeeting');
    const out = path.join(dir, 'meeting-speakers.wav');
    const run = cli(
      pa,
      recordArgs(
        out,
        '--duration',
        String(Math.ceil(meeting.durationSec + 2)),
        '--format',
        'json',
        '--diarize',
        '--segmentation-model',
        models.segmentation,
        '--embedding-model',
        models.wespeaker,
        '--speakers',
        '2',
        '--speaker-names',
        'Alice,Bob',
      ),
    );
    await waitFor(() => /Recording pulse/.test(run.r.stderr), 'recording to start', 60_000);
    await pa.play(meeting.file);
    const r = await run.done;
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    assert.deepEqual(
      t.speakers.map((x: { name: string }) => x.name),
      ['Alice', 'Bob'],
    );
    assert.ok(t.segments.length >= 3 && t.segments.every((x: { speaker?: string }) => x.speaker), r.stdout);
    assert.ok(t.turns.length >= 3);
    assert.match(r.stderr, /2 speaker\(s\), \d+ turn\(s\)/);
  });

  test('record --diarize with a missing speaker model: refused before recording, naming it; no file', async () => {
    const models = makeDiarizationModels();
    const out = path.join(dir, 'never-recorded.wav');
    const missing = path.join(dir, 'no-such-segmentation.onnx');
    const r = await cli(
      pa,
      recordArgs(
        out,
        '--duration',
        '2',
        '--diarize',
        '--segmentation-model',
        missing,
        '--embedding-model',
        models.wespeaker,
      ),
    ).done;
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes(missing), r.stderr);
    assert.doesNotMatch(r.stderr, /Recording pulse/);
    assert.ok(!fs.existsSync(out));
  });
});
