import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TranscriptCache, contentHash } from '../../../../daemon/jobs/transcriptCache';
import { ErrorCode, SenseVoiceError, type Transcript } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';

const t: Transcript = {
  file: 'a.wav',
  durationSec: 1,
  model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
  segments: [],
  timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 },
};

test('a file deleted before it is hashed is FileNotFound, not an internal error', async () => {
  await assert.rejects(
    contentHash(path.join(tempDir('gone'), 'x.wav')),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.FileNotFound,
  );
});

test('hash of the bytes; cancel while hashing is Cancelled', async () => {
  const f = path.join(tempDir('hash'), 'a.bin');
  fs.writeFileSync(f, 'abc');
  assert.equal(await contentHash(f), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const c = new AbortController();
  c.abort();
  await assert.rejects(
    contentHash(f, c.signal),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled,
  );
});

test('entries survive a new cache over the same folder, are written atomically, and are pruned', async () => {
  const dir = tempDir('cache');
  const a = new TranscriptCache(dir, 3);
  for (let i = 0; i < 5; i++) await a.set(TranscriptCache.key(['k', i]), { ...t, file: `${i}.wav` });
  const names = fs.readdirSync(dir);
  assert.equal(names.filter((n) => n.endsWith('.json')).length, 3, 'pruned to the newest 3');
  assert.deepEqual(
    names.filter((n) => n.endsWith('.tmp')),
    [],
    'no temp files left',
  );
  const b = new TranscriptCache(dir);
  assert.equal((await b.get(TranscriptCache.key(['k', 4])))?.file, '4.wav');
  assert.equal(await b.get(TranscriptCache.key(['nope'])), null);
});
