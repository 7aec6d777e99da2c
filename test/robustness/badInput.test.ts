// Bad input: each gets a coded error that says what to do (or, where a user would expect it, a
// transcript), and the same daemon answers the next request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError, errorCodeName, type Transcript } from '../../common/protocol';
import { requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { badAudio, EN } from '../helpers/badAudio';
import { makeLongAudio } from '../helpers/longAudio';
import { oneHotSherpaModel, writeModel } from '../fixtures/onnxModels';

let d: DaemonConnection;
let bad: ReturnType<typeof badAudio>;
let model: string;
let inputsTried = 0;
before(async () => {
  bad = badAudio();
  model = testModel('sherpa').dir;
  d = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'bad-input',
    settings: { provider: 'cpu', threads: 1, modelPath: model },
    env: { ...process.env, SENSEVOICE_CACHE_DIR: tempDir('cache') },
  });
});
after(async () => {
  await d.dispose();
});

async function stillServing(): Promise<void> {
  const t = await d.request('transcribe/file', { path: EN, vad: 'off' });
  assert.equal(t.segments.length, 1, 'the daemon still transcribes');
}

async function expectCode(params: Record<string, unknown>, code: number, message: RegExp): Promise<void> {
  inputsTried++;
  await assert.rejects(d.request('transcribe/file', params as never), (e: unknown) => {
    assert.ok(e instanceof SenseVoiceError, String(e));
    assert.equal(errorCodeName(e.code), errorCodeName(code), e.message);
    assert.match(e.message, message);
    return true;
  });
  await stillServing();
}

async function expectTranscript(file: string, params: Record<string, unknown> = {}): Promise<Transcript> {
  inputsTried++;
  const t = await d.request('transcribe/file', { path: file, ...params });
  await stillServing();
  return t;
}

test('missing file, directory, zero-byte file, text named .mp3, video without audio', async () => {
  const dir = tempDir('bad');
  await expectCode(
    { path: path.join(dir, 'missing.wav') },
    ErrorCode.FileNotFound,
    /File not found: .*missing\.wav.*Check the path/,
  );
  await expectCode({ path: dir }, ErrorCode.NotAFile, /is a directory.*Choose an audio/);
  const empty = path.join(dir, 'empty.wav');
  fs.writeFileSync(empty, '');
  await expectCode({ path: empty }, ErrorCode.EmptyFile, /empty \(0 bytes\)/);
  const text = path.join(dir, 'notes.mp3');
  fs.writeFileSync(text, 'Meeting notes, not audio.\n'.repeat(40));
  await expectCode({ path: text }, ErrorCode.DecodeFailed, /cannot read .*notes\.mp3 as audio/);
  await expectCode({ path: bad.videoNoAudio }, ErrorCode.NoAudioStream, /No audio stream/);
});

test('truncated WAV and MP3 give what is there, with a warning that they end early', async () => {
  for (const f of [bad.truncatedWav, bad.truncatedMp3]) {
    const t = await expectTranscript(f, { vad: 'off' });
    assert.ok(t.durationSec > 2 && t.durationSec < 5, `${path.basename(f)}: ${t.durationSec} s`);
    assert.equal(t.segments.length, 1);
    // ...and say it is partial: the header promises the whole 7.152 s.
    assert.deepEqual(
      t.warnings?.map((w) => [w.code, w.atSec, w.expectedSec! > 7]),
      [['truncated', t.durationSec, true]],
      path.basename(f),
    );
  }
});

test('8 kHz telephone audio, 48 kHz stereo and 5.1 are resampled and transcribed', async () => {
  for (const f of [bad.phone8k, bad.stereo48k, bad.surround51]) {
    const t = await expectTranscript(f, { vad: 'off' });
    assert.ok(Math.abs(t.durationSec - 7.152) < 0.05, `${path.basename(f)}: ${t.durationSec}`);
    assert.ok(t.segments[0].tokens.length > 0);
  }
});

test('pure silence is an empty transcript, not an error', async () => {
  const t = await expectTranscript(bad.silence);
  assert.equal(t.durationSec, 10);
  assert.deepEqual(t.segments, []);
});

test('paths with spaces, unicode and a leading dash reach ffmpeg as files, never as options', async () => {
  const dir = path.join(tempDir('names'), 'a folder with spaces');
  fs.mkdirSync(dir);
  for (const name of ['ünïcødé 音频 녹음.wav', '-rf.wav', '-i.wav', 'pipe:1.wav', 'http:x.wav']) {
    const f = path.join(dir, name);
    fs.copyFileSync(EN, f);
    const t = await expectTranscript(f, { vad: 'off' });
    assert.equal(t.durationSec, 7.152, name);
  }
  // The cli takes such names after `--`.
  const r = spawnSync(process.execPath, [requireBuilt('cli.js'), 'probe', '--json', '--', path.join(dir, '-rf.wav')], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).durationSec, 7.152);
});

test(
  'a file deleted once decoding has started: Linux keeps the open file readable, so the whole transcript comes back',
  { skip: process.platform === 'win32' && 'Windows refuses to delete a file that ffmpeg has open' },
  async () => {
    const long = makeLongAudio(10);
    const f = path.join(tempDir('deleted'), 'long.wav');
    fs.copyFileSync(long.file, f);
    inputsTried++;
    let segmentsBeforeDelete = -1;
    let segmentsAfterDelete = 0;
    let deleted!: () => void;
    const deletedNow = new Promise<void>((r) => (deleted = r));
    const job = d.request(
      'transcribe/file',
      { path: f },
      {
        // The first segment proves ffmpeg has the file open and is streaming it (the audio waiting for
        // the worker is bounded, so most of the 10 minutes are still unread at this point).
        onSegment: () => {
          if (segmentsBeforeDelete < 0) {
            fs.rmSync(f);
            segmentsBeforeDelete = 1;
            deleted();
          } else segmentsAfterDelete++;
        },
      },
    );
    await deletedNow;
    assert.equal(fs.existsSync(f), false);
    const t = await job;
    assert.ok(segmentsAfterDelete > 0, 'segments kept arriving after the file was deleted');
    assert.ok(
      Math.abs(t.durationSec - long.durationSec) < 0.1,
      `the whole file was read: ${t.durationSec} s of ${long.durationSec} s`,
    );
    const last = long.clips[long.clips.length - 1];
    assert.ok(
      t.segments.some((s) => s.start < last.end && s.end > last.start),
      'the last clip, read after the deletion, is transcribed',
    );
    await stillServing();
  },
);

test('bad model folders: missing tokens, wrong vocabulary, truncated ONNX, a non-ONNX model.onnx', async () => {
  const good = testModel('sherpa');
  const make = (name: string, f: (dir: string) => void) => {
    const dir = path.join(tempDir('models'), name);
    fs.mkdirSync(dir);
    f(dir);
    return dir;
  };
  const noTokens = make('no-tokens', (dir) => fs.copyFileSync(good.model, path.join(dir, 'model.onnx')));
  await expectCode({ path: EN, modelPath: noTokens }, ErrorCode.ModelInvalid, /tokens\.txt is missing/);
  const wrongVocab = make('wrong-vocab', (dir) => {
    fs.copyFileSync(good.model, path.join(dir, 'model.onnx'));
    const lines = fs.readFileSync(good.tokens!, 'utf8').trim().split('\n');
    fs.writeFileSync(path.join(dir, 'tokens.txt'), lines.slice(0, 25000).join('\n') + '\n');
  });
  await expectCode({ path: EN, modelPath: wrongVocab }, ErrorCode.ModelInvalid, /25000.*25055|25055.*25000/);
  const truncatedOnnx = make('truncated', (dir) => {
    const b = fs.readFileSync(good.model);
    fs.writeFileSync(path.join(dir, 'model.onnx'), b.subarray(0, b.length >> 1));
    fs.copyFileSync(good.tokens!, path.join(dir, 'tokens.txt'));
  });
  await expectCode({ path: EN, modelPath: truncatedOnnx }, ErrorCode.ModelInvalid, /model\.onnx/);
  const notOnnx = make('not-onnx', (dir) => {
    fs.writeFileSync(path.join(dir, 'model.onnx'), '<html>404 Not Found</html>');
    fs.copyFileSync(good.tokens!, path.join(dir, 'tokens.txt'));
  });
  await expectCode({ path: EN, modelPath: notOnnx }, ErrorCode.ModelInvalid, /model\.onnx/);
});

test('a model that fails inside the worker fails the job; the daemon and the next job live', async () => {
  const dir = tempDir('failing-model');
  // Loads and warms up (1 s = 17 frames), but returns too few frames for anything over 30 frames
  // (the worker fetches the token ids of its TopK output: they are short too).
  await writeModel(
    path.join(dir, 'model.onnx'),
    oneHotSherpaModel([24885, 25004, 24993, 25017, 100, 0, 200], { maxFrames: 30 }),
  );
  fs.copyFileSync(testModel('sherpa').tokens!, path.join(dir, 'tokens.txt'));
  await expectCode(
    { path: EN, modelPath: dir, vad: 'off' },
    ErrorCode.ModelInvalid,
    /returned (logits|token ids) of shape/,
  );
});

after(() => {
  console.log(`# bad inputs tried: ${inputsTried}`);
});
