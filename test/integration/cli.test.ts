// The cli as a user runs it: `sensevoice probe|info`, exit codes and `error: CODE: message`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [requireBuilt('cli.js'), ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('probe en.wav --json prints a duration of 7.152 s', () => {
  const r = cli(['probe', path.join(AUDIO, 'sense_voice/en.wav'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.durationSec, 7.152);
  assert.equal(j.sampleRate, 16000);
  assert.equal(j.channels, 1);
});

test('probe several files, human output', () => {
  const r = cli(['probe', path.join(AUDIO, 'sense_voice/zh.wav'), path.join(AUDIO, 'sense_voice/ko.wav')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /zh\.wav\s+0:05\.592 \(5\.592 s\)\s+pcm_s16le\s+16000 Hz\s+mono/);
  assert.match(r.stdout, /ko\.wav\s+0:04\.608/);
});

test('a missing file exits non-zero with "error: FileNotFound: …" and the other files still run', () => {
  const missing = path.join(tempDir('cli'), 'nope.wav');
  const r = cli(['probe', missing, path.join(AUDIO, 'sense_voice/en.wav'), '--json']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: FileNotFound: .*nope\.wav/m);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines[0].error.code, 'FileNotFound');
  assert.equal(lines[1].durationSec, 7.152);
});

test('a text file named .mp3 and a directory give coded errors', () => {
  const dir = tempDir('cli');
  const fake = path.join(dir, 'notes.mp3');
  fs.writeFileSync(fake, 'this is not audio at all\n'.repeat(20));
  const r = cli(['probe', fake, dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: DecodeFailed: .*notes\.mp3/m);
  assert.match(r.stderr, /^error: NotAFile: /m);
});

test('no ffmpeg anywhere: FfmpegNotFound names the setting, ffmpeg-static and PATH', () => {
  const r = cli(['probe', path.join(AUDIO, 'sense_voice/en.wav')], { ...process.env, PATH: tempDir('empty-path') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: FfmpegNotFound: /m);
  assert.match(r.stderr, /sensevoice\.ffmpegPath/);
  assert.match(r.stderr, /ffmpeg-static/);
  assert.match(r.stderr, /on PATH/);
});

test('--ffmpeg picks the binary', () => {
  const r = cli(['info', '--json', '--ffmpeg', '/usr/bin/ffmpeg']);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.ffmpeg.source, 'setting');
  assert.equal(info.ffmpeg.path, '/usr/bin/ffmpeg');
  assert.ok(info.onnxruntime);
  assert.ok(info.cpuCores >= 1);
});

test('usage errors exit 2', () => {
  assert.equal(cli(['frobnicate']).code, 2);
  assert.equal(cli(['probe']).code, 2);
  const bad = cli(['probe', '--no-such-flag']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: /m);
});

test('an unknown option or a bad value: exit 2 and one line naming it and pointing to --help', () => {
  const unknown = cli(['probe', '--no-such-flag']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'error: Usage: unknown option --no-such-flag. See sensevoice --help.\n');
  const missing = cli(['transcribe', 'x.wav', '--provider']);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'error: Usage: --provider needs a value. See sensevoice --help.\n');
  const bad = cli(['transcribe', 'x.wav', '--provider', 'tpu']);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /^error: Usage: --provider must be one of auto, cpu, .* \(got "tpu"\)\. See sensevoice --help\.\n$/,
  );
});
