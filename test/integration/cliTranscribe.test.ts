// `sensevoice transcribe` as scripts use it: the documented JSON shape, text output, progress,
// and the errors a user meets first (no model, a bad folder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import type { ProgressParams } from '../../common/protocol';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [requireBuilt('cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, SENSEVOICE_MODEL_STORE: tempDir('empty-store'), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('transcribe --format json prints {file, durationSec, model, segments} with tags, text and token times', () => {
  const dir = testModel('sherpa').dir;
  const zh = path.join(AUDIO, 'sense_voice/zh.wav');
  const r = cli(['transcribe', zh, '--model', dir, '--vad', 'off', '--format', 'json', '--provider', 'cpu']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['file', 'durationSec', 'model', 'segments']);
  assert.equal(j.file, zh);
  assert.equal(j.durationSec, 5.592);
  assert.deepEqual(j.model, { layout: 'sherpa', quantization: 'fp32', provider: 'cpu' });
  assert.equal(j.segments.length, 1);
  const s = j.segments[0];
  assert.deepEqual(Object.keys(s), ['start', 'end', 'language', 'emotion', 'event', 'text', 'tokens']);
  assert.equal(s.start, 0);
  assert.equal(s.end, 5.592);
  for (const k of ['language', 'emotion', 'event']) assert.match(s[k], /^[A-Za-z_]+$/, k);
  assert.ok(s.tokens.length > 0);
  for (const t of s.tokens) {
    assert.deepEqual(Object.keys(t), ['id', 'text', 'start']);
    assert.ok(Number.isInteger(t.id) && t.id > 0 && t.id < 25055);
    assert.ok(t.start >= 0 && t.start <= 5.592);
    assert.equal(Math.round(t.start * 100) % 6, 0, 'times fall on the 60 ms frame grid');
  }
  assert.ok(
    s.tokens.every((t: { start: number }, i: number, a: { start: number }[]) => i === 0 || a[i - 1].start < t.start),
    'token times increase',
  );
});

test('--language and --no-itn reach the model; txt output has one line per segment', () => {
  const dir = testModel('sherpa').dir;
  const en = path.join(AUDIO, 'sense_voice/en.wav');
  const forced = JSON.parse(
    cli(['transcribe', en, '--model', dir, '--language', 'ja', '--no-itn', '--format', 'json']).stdout,
  );
  assert.equal(forced.segments[0].language, 'ja');
  const whole = cli(['transcribe', en, '--model', dir, '--language', 'ko', '--vad', 'off']);
  assert.equal(whole.code, 0, whole.stderr);
  assert.equal(whole.stdout.trim().split('\n').length, 1, 'VAD off: one line');
  assert.match(whole.stdout, /^\[0:00\] \S/);
  const segmented = cli(['transcribe', en, '--model', dir, '--language', 'ko', '--format', 'json']);
  const segs = JSON.parse(segmented.stdout).segments as { start: number; end: number }[];
  assert.ok(segs.length >= 1);
  assert.ok(segs[0].start >= 0.8 && segs.at(-1)!.end <= 7.152, 'VAD on by default: speech only');
  const txt = cli(['transcribe', en, '--model', dir, '--language', 'ko']);
  assert.equal(txt.stdout.trim().split('\n').length, segs.length, 'txt: one line per segment');
});

test('--out writes one file per input and never overwrites without --force; srt and vtt', () => {
  const dir = testModel('sherpa').dir;
  const out = tempDir('cli-out');
  const files = [path.join(AUDIO, 'sense_voice/en.wav'), path.join(AUDIO, 'sense_voice/zh.wav')];
  assert.equal(cli(['transcribe', ...files, '--model', dir, '--format', 'srt']).code, 2, 'several SRTs need --out');
  const r = cli(['transcribe', ...files, '--model', dir, '--format', 'srt', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const srt = fs.readFileSync(path.join(out, 'en.srt'), 'utf8');
  assert.match(srt, /^1\r?\n\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d\r?\n/);
  assert.ok(fs.existsSync(path.join(out, 'zh.srt')));
  fs.writeFileSync(path.join(out, 'en.srt'), 'mine');
  const again = cli(['transcribe', files[0], '--model', dir, '--format', 'srt', '--out', out]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists; not overwritten/);
  assert.equal(fs.readFileSync(path.join(out, 'en.srt'), 'utf8'), 'mine', 'the user file is untouched');
  assert.equal(cli(['transcribe', files[0], '--model', dir, '--format', 'srt', '--out', out, '--force']).code, 0);
  assert.notEqual(fs.readFileSync(path.join(out, 'en.srt'), 'utf8'), 'mine');
  const vtt = cli(['transcribe', files[0], '--model', dir, '--format', 'vtt']);
  assert.match(vtt.stdout, /^WEBVTT/);
});

test('the FunASR layout works from the cli too', () => {
  const r = cli([
    'transcribe',
    path.join(AUDIO, 'sense_voice/ko.wav'),
    '--model',
    testModel('funasr').dir,
    '--format',
    'json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).model.layout, 'funasr');
});

test('no model: ModelNotFound says how to get one; a bad folder: ModelNotFound naming it; usage errors', () => {
  const en = path.join(AUDIO, 'sense_voice/en.wav');
  const none = cli(['transcribe', en]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^error: ModelNotFound: /m);
  const empty = tempDir('no-model');
  const bad = cli(['transcribe', en, '--model', empty]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: ModelNotFound: .*no-model/m);
  const broken = tempDir('broken-model');
  fs.writeFileSync(path.join(broken, 'model.onnx'), 'this is not an onnx file');
  fs.copyFileSync(testModel('sherpa').tokens!, path.join(broken, 'tokens.txt'));
  const invalid = cli(['transcribe', en, '--model', broken]);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /^error: ModelInvalid: .*model\.onnx/m);
  assert.equal(cli(['transcribe', en, '--model', empty, '--format', 'yaml']).code, 2);
  assert.equal(cli(['transcribe', en, '--itn', '--no-itn']).code, 2);
});

test('model/load reports layout, quantisation, provider, load and warm-up times; progress arrives', async () => {
  const daemon = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'test',
    settings: { provider: 'cpu' },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: tempDir('fresh-cache') },
  });
  try {
    const dir = testModel('sherpa', { int8: true }).dir;
    const t0 = performance.now();
    const info = await daemon.request('model/load', { path: dir });
    const wallMs = performance.now() - t0;
    assert.equal(info.layout, 'sherpa');
    assert.equal(info.quantization, 'int8');
    assert.equal(info.provider, 'cpu');
    assert.equal(info.requestedProvider, 'cpu');
    // Creating a session and running it take real time, and both happen inside the request.
    assert.ok(
      info.loadMs >= 1 && info.warmupMs >= 1 && info.loadMs + info.warmupMs <= Math.ceil(wallMs),
      `${JSON.stringify(info)}; the request took ${wallMs} ms`,
    );
    assert.deepEqual(
      info.attempts.map((a) => a.provider),
      ['cpu'],
    );
    const progress: ProgressParams[] = [];
    const t = await daemon.request(
      'transcribe/file',
      { path: path.join(AUDIO, 'sense_voice/yue.wav'), modelPath: info.dir, vad: 'off' },
      { onProgress: (p) => progress.push(p) },
    );
    assert.equal(t.segments.length, 1);
    assert.ok(progress.length >= 2, `progress notifications: ${progress.length}`);
    assert.equal(progress.at(-1)?.fraction, 1);
  } finally {
    await daemon.dispose();
  }
});

const PICTOGRAPH = /\p{Extended_Pictographic}/u;

test('--no-emoji: no emoji in txt, the event as a bracketed word instead', () => {
  const dir = testModel('sherpa').dir;
  const en = path.join(AUDIO, 'sense_voice/en.wav');
  const withEmoji = cli(['transcribe', en, '--model', dir]);
  assert.equal(withEmoji.code, 0, withEmoji.stderr);
  assert.match(withEmoji.stdout, PICTOGRAPH, 'by default events and moods are emoji');
  const plain = cli(['transcribe', en, '--model', dir, '--no-emoji']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, PICTOGRAPH);
  // The synthetic model hears applause in en.wav (its event tag, per the JSON).
  const json = JSON.parse(cli(['transcribe', en, '--model', dir, '--format', 'json']).stdout) as {
    segments: { event: string }[];
  };
  assert.equal(json.segments[0]!.event, 'Applause');
  assert.match(plain.stdout.split('\n')[0]!, /^\[0:01\] \[Applause\] \S/);
});

test('--format md: meeting notes in Markdown, one bold time stamp per segment', () => {
  const dir = testModel('sherpa').dir;
  const en = path.join(AUDIO, 'sense_voice/en.wav');
  const r = cli(['transcribe', en, '--model', dir, '--format', 'md']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], '# Meeting notes: en');
  assert.ok(lines.includes('- **Audio:** en.wav'), r.stdout);
  assert.ok(lines.includes('## Summary') && lines.includes('## Transcript'), r.stdout);
  const segments = JSON.parse(cli(['transcribe', en, '--model', dir, '--format', 'json']).stdout).segments as {
    start: number;
  }[];
  const stamps = lines.filter((l) => /^\*\*\[\d+:\d\d\]\*\* /.test(l));
  assert.deepEqual(
    stamps.map((l) => l.slice(0, 10)),
    ['**[0:01]**', '**[0:03]**'],
  );
  assert.equal(stamps.length, segments.length);
});

test('--ban-emotion-unknown: no EMO_UNKNOWN where the model would say it', () => {
  const dir = testModel('sherpa').dir;
  const files = ['en', 'ja', 'zh'].map((n) => path.join(AUDIO, `sense_voice/${n}.wav`));
  const emotions = (extra: string[]) =>
    cli(['transcribe', ...files, '--model', dir, '--format', 'json', ...extra])
      .stdout.trim()
      .split('\n')
      .flatMap((l) => (JSON.parse(l) as { segments: { emotion: string }[] }).segments.map((s) => s.emotion));
  const free = emotions([]);
  assert.ok(free.includes('EMO_UNKNOWN'), `the synthetic model says EMO_UNKNOWN somewhere here: ${free}`);
  const banned = emotions(['--ban-emotion-unknown']);
  assert.equal(banned.length, free.length);
  assert.ok(!banned.includes('EMO_UNKNOWN'), `${banned}`);
  assert.deepEqual(
    banned.filter((_, i) => free[i] !== 'EMO_UNKNOWN'),
    free.filter((e) => e !== 'EMO_UNKNOWN'),
    'the other segments keep their emotion',
  );
});

test('--verbose shows the daemon log with --threads, --batch, --concurrency and --max-segment as the daemon took them; without it, no log', () => {
  const dir = testModel('sherpa').dir;
  const en = path.join(AUDIO, 'sense_voice/en.wav');
  const v = cli([
    'transcribe',
    en,
    '--model',
    dir,
    '--provider',
    'cpu',
    '--verbose',
    '--threads',
    '1',
    '--batch',
    '3',
    '--concurrency',
    '5',
    '--max-segment',
    '7',
  ]);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stderr, /^\[daemon [^\]]+\] initialized by cli /m);
  assert.match(
    v.stderr,
    /^\[daemon [^\]]+\] settings: provider cpu, threads 1, batch 3, concurrency 5, vad on, max segment 7 s,/m,
  );
  assert.match(v.stderr, /^model: sherpa fp32 on cpu \(load \d+ ms, warm-up \d+ ms\)$/m);
  assert.match(v.stderr, /en\.wav: 7\.15 s, \d+ segment\(s\) in \d+ ms/);
  const quiet = cli(['transcribe', en, '--model', dir, '--threads', '1', '--batch', '3']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /\[daemon |^model: /m);
});

test('--max-segment cuts long speech at the cap', () => {
  const dir = testModel('sherpa').dir;
  const long = path.join(AUDIO, 'librispeech/1221-135766-0001.wav'); // 16.7 s, little silence
  const segs = (extra: string[]) =>
    JSON.parse(cli(['transcribe', long, '--model', dir, '--format', 'json', ...extra]).stdout).segments as {
      start: number;
      end: number;
    }[];
  const byDefault = segs([]);
  assert.ok(
    byDefault.some((s) => s.end - s.start > 5),
    `some segment is longer than 5 s by default: ${JSON.stringify(byDefault.map((s) => s.end - s.start))}`,
  );
  const capped = segs(['--max-segment', '5']);
  for (const s of capped) assert.ok(s.end - s.start <= 5.001, `segment ${s.start}-${s.end}`);
  assert.ok(capped.length > byDefault.length);
});

test('several files print in the order given (a long one first, a short one after it); a failed file in --json is {file, error}', () => {
  const dir = testModel('sherpa').dir;
  const long = path.join(AUDIO, 'librispeech/1221-135766-0001.wav');
  const short = path.join(AUDIO, 'sense_voice/ko.wav');
  const missing = path.join(tempDir('missing'), 'gone.wav');
  const files = [long, missing, short, path.join(AUDIO, 'sense_voice/en.wav')];
  const r = cli(['transcribe', ...files, '--model', dir, '--json', '--concurrency', '2', '--vad', 'off']);
  assert.equal(r.code, 1, 'a failed file makes the exit status non-zero');
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((l) => l.file),
    files,
  );
  assert.deepEqual(Object.keys(lines[1]!), ['file', 'error']);
  assert.deepEqual(Object.keys(lines[1]!.error as object), ['code', 'message']);
  assert.equal((lines[1]!.error as { code: string }).code, 'FileNotFound');
  assert.match((lines[1]!.error as { message: string }).message, /gone\.wav/);
  assert.match(r.stderr, /^error: FileNotFound: /m);
  for (const i of [0, 2, 3]) assert.ok(Array.isArray(lines[i]!.segments), `file ${i} transcribed`);
});
