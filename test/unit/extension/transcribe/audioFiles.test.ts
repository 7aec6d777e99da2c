import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO_EXTENSIONS, AUDIO_WHEN_CLAUSE, isAudioPath } from '../../../../extension/transcribe/audioFiles';
import { ROOT } from '../../../helpers/paths';

test('isAudioPath takes the audio and video extensions in any case, nothing else', () => {
  for (const ext of AUDIO_EXTENSIONS) assert.ok(isAudioPath(`/a/b/clip.${ext.toUpperCase()}`), ext);
  assert.ok(isAudioPath('C:\\rec\\meeting.final.m4a'));
  for (const p of ['/a/notes.txt', '/a/wav', '/a.wav/x', '/a/clip.wav.txt', '/a/.wav2'])
    assert.equal(isAudioPath(p), false, p);
});

test("package.json's explorer menu shows Transcribe for exactly the audio extensions", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const entry = pkg.contributes.menus['explorer/context'].find(
    (m: { command: string }) => m.command === 'sensevoice.transcribe',
  );
  assert.equal(entry.when, AUDIO_WHEN_CLAUSE);
  const regex = /resourceExtname =~ \/(.+)\/i$/.exec(entry.when)![1];
  const re = new RegExp(regex, 'i');
  for (const ext of AUDIO_EXTENSIONS) assert.ok(re.test(`.${ext}`) && re.test(`.${ext.toUpperCase()}`), ext);
  for (const ext of ['.txt', '.json', '.wavx', 'x.wav', '.md']) assert.equal(re.test(ext), false, ext);
});

test('every command the extension registers is contributed, with a title', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const contributed = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const source = fs.readFileSync(path.join(ROOT, 'extension/transcribe/registerTranscription.ts'), 'utf8');
  const registered = [...source.matchAll(/register\('([\w.]+)'/g)].map((m) => m[1]);
  assert.ok(registered.length >= 4);
  for (const id of registered) assert.ok(contributed.has(id), `${id} is in contributes.commands`);
});

test('the new settings are in the Settings UI with their documented ranges', () => {
  const props = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.configuration
    .properties;
  assert.deepEqual(
    [
      props['sensevoice.maxSegmentSec'].default,
      props['sensevoice.maxSegmentSec'].minimum,
      props['sensevoice.maxSegmentSec'].maximum,
    ],
    [30, 1, 60],
  );
  assert.deepEqual([props['sensevoice.vad'].default, props['sensevoice.vad'].enum], ['on', ['on', 'off']]);
  assert.deepEqual(
    [
      props['sensevoice.batchSize'].default,
      props['sensevoice.batchSize'].minimum,
      props['sensevoice.batchSize'].maximum,
    ],
    [4, 1, 64],
  );
  assert.deepEqual(
    [
      props['sensevoice.concurrency'].default,
      props['sensevoice.concurrency'].minimum,
      props['sensevoice.concurrency'].maximum,
    ],
    [2, 1, 16],
  );
  assert.equal(props['sensevoice.exportEmoji'].default, true);
});
