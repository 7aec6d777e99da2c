// Files cut short or damaged (test/helpers/truncatedAudio.ts) decode to what is there, with a warning
// that says the file ends early and where: from the decode itself, through the daemon (transcribe/file,
// the transcript cache, audio/probe) and through the cli's stderr, whose exit code stays 0.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DaemonConnection } from '../../client/daemonConnection';
import type { SourceWarningCode } from '../../common/protocol';
import { decodeAudio, SAMPLE_RATE } from '../../daemon/ffmpeg/decodeAudio';
import { requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { EN_SEC, truncatedAudio } from '../helpers/truncatedAudio';

const files = truncatedAudio();

async function decode(file: string) {
  const r = await decodeAudio({ ffmpegPath: 'ffmpeg', file, onSamples: () => undefined });
  return { sec: r.samples / SAMPLE_RATE, warnings: r.warnings };
}

const cases: { name: keyof typeof files; codes: SourceWarningCode[]; expectedSec?: number; message: RegExp }[] = [
  // The case: 2,000 bytes of a 3.7 s MP3 decode to 0.15 s; its Xing header says 3.78 s with padding.
  {
    name: 'mp3Cut2000',
    codes: ['truncated'],
    expectedSec: 3.78,
    message: /^The file ends early: it ends at 0\.1 s but its header promises 3\.7 s\./,
  },
  {
    name: 'mp3Half',
    codes: ['truncated'],
    expectedSec: 7.24,
    message: /ends at 3\.\d s but its header promises 7\.2 s/,
  },
  {
    name: 'wavHeaderPromisesMore',
    codes: ['truncated'],
    expectedSec: EN_SEC,
    message: /ends at 2\.8 s but its header promises 7\.1 s/,
  },
  { name: 'wavCrashed', codes: ['unfinished'], message: /may end early: .* header never got its final sizes/ },
  { name: 'oggCutMidPage', codes: ['unfinished'], message: /^The file ends early: .* in the middle of an Ogg page/ },
  { name: 'oggCrashed', codes: ['unfinished'], message: /may end early: .* without the end-of-stream mark/ },
  { name: 'flacHalf', codes: ['truncated'], expectedSec: 7.15, message: /but its header promises 7\.1 s/ },
  { name: 'm4aHalf', codes: ['truncated'], expectedSec: 7.15, message: /but its header promises 7\.1 s/ },
  // Garbage in the middle drops 0.65 s of frames; with no sign of missing bytes, that may be either.
  {
    name: 'mp3DamagedMiddle',
    codes: ['truncated'],
    expectedSec: 7.24,
    message:
      /^The file ends early or is damaged: it ends at 6\.5 s but its header promises 7\.2 s, and ffmpeg found data/,
  },
  { name: 'mp3TlenHalf', codes: ['truncated'], expectedSec: EN_SEC, message: /but its header promises 7\.1 s/ },
];

for (const c of cases) {
  test(`${c.name}: what is there, and ${c.codes.join(' + ')} at its end`, async () => {
    const d = await decode(files[c.name] as string);
    assert.deepEqual(
      d.warnings.map((w) => w.code),
      c.codes,
      JSON.stringify(d.warnings),
    );
    const w = d.warnings[0];
    assert.match(w.message, c.message);
    assert.equal(w.atSec, d.sec, 'the warning says where the audio ends');
    assert.ok(d.sec < (c.name === 'mp3DamagedMiddle' ? EN_SEC - 0.5 : EN_SEC * 0.7), `${d.sec} s decoded`);
    if (c.expectedSec !== undefined) assert.ok(Math.abs(w.expectedSec! - c.expectedSec) < 0.02, `${w.expectedSec}`);
    else assert.equal(w.expectedSec, undefined);
  });
}

test('damage where no length can be compared: said alone, placed roughly (ffmpeg runs ahead of what is received)', async () => {
  const d = await decode(files.mp3NoXingDamaged);
  assert.deepEqual(
    d.warnings.map((w) => [w.code, w.expectedSec]),
    [['damaged', undefined]],
  );
  assert.match(d.warnings[0].message, /^The file is damaged: ffmpeg found data it could not decode around \d\.\d s/);
  assert.ok(d.warnings[0].atSec >= 0 && d.warnings[0].atSec <= d.sec, `${d.warnings[0].atSec}`);
});

test('the whole files these were cut from have no warnings', async () => {
  for (const [name, file] of Object.entries(files.whole)) {
    const d = await decode(file);
    assert.deepEqual(d.warnings, [], name);
    // Without a Xing header the encoder's delay is not trimmed: 84 ms more.
    assert.ok(Math.abs(d.sec - EN_SEC) < 0.1, `${name}: ${d.sec}`);
  }
});

let daemon: DaemonConnection;
let model: string;
before(async () => {
  model = testModel('sherpa').dir;
  daemon = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'truncated-files',
    settings: { provider: 'cpu', threads: 1, modelPath: model },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: tempDir('truncated-cache') },
  });
});
after(async () => {
  await daemon.dispose();
});

test('transcribe/file: the partial transcript carries the warning, also from the cache; probe says it too', async () => {
  for (const vad of ['off', 'on'] as const) {
    const t = await daemon.request('transcribe/file', { path: files.mp3Half, vad });
    assert.deepEqual(
      t.warnings?.map((w) => w.code),
      ['truncated'],
      vad,
    );
    assert.equal(t.warnings![0].atSec, t.durationSec);
    assert.ok(t.segments.length > 0, 'what is there is transcribed');
    const again = await daemon.request('transcribe/file', { path: files.mp3Half, vad });
    assert.equal(again.cached, true);
    assert.deepEqual(again.warnings, t.warnings, 'the cache keeps the warnings');
  }
  const whole = await daemon.request('transcribe/file', { path: files.whole.mp3, vad: 'off' });
  assert.deepEqual(whole.warnings, []);
  const p = await daemon.request('audio/probe', { path: files.wavHeaderPromisesMore });
  assert.deepEqual(
    p.warnings?.map((w) => [w.code, w.atSec, w.expectedSec]),
    [['truncated', p.durationSec, EN_SEC]],
  );
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [requireBuilt('cli.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the cli prints the warning on stderr, keeps exit code 0, and its JSON carries it', () => {
  const file = files.mp3Cut2000;
  const r = cli(['transcribe', file, '--model', model, '--vad', 'off', '--format', 'json', '--provider', 'cpu']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `^warning: truncated: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: The file ends early: it ends at 0\\.1 s but its header promises 3\\.7 s\\.`,
      'm',
    ),
  );
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['file', 'durationSec', 'model', 'segments', 'warnings']);
  assert.equal(j.warnings[0].code, 'truncated');
  const txt = cli(['transcribe', files.oggCutMidPage, '--model', model, '--format', 'txt']);
  assert.equal(txt.code, 0, txt.stderr);
  assert.match(txt.stderr, /^warning: unfinished: .*en-cut-mid-page\.ogg: The file ends early/m);
  assert.doesNotMatch(txt.stdout, /warning/, 'stdout holds the transcript only');
  const probe = cli(['probe', files.wavCrashed]);
  assert.equal(probe.code, 0, probe.stderr);
  assert.match(probe.stderr, /^warning: unfinished: .*en-crashed\.wav: The file may end early/m);
  const whole = cli(['probe', files.whole.flac]);
  assert.equal(whole.code, 0, whole.stderr);
  assert.equal(whole.stderr, '', 'a whole file: nothing on stderr');
});
