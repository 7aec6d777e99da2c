// WAV files already at 16 kHz mono 16-bit are read without ffmpeg (daemon/ffmpeg/pcmWav.ts): the
// samples are those ffmpeg gives, to the bit, with the same source facts, and cancelling stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { decodeAudio, ffmpegDecodeArgs } from '../../daemon/ffmpeg/decodeAudio';
import { pcmWavData } from '../../daemon/ffmpeg/pcmWav';
import { readContainerEnd } from '../../daemon/ffmpeg/containerEnd';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { AUDIO, fixtureClips, tempDir } from '../helpers/paths';
import { makeLongAudio } from '../helpers/longAudio';
import { uniqueCopy } from '../../bench/audio';

/** Whether decodeAudio reads `file` without ffmpeg: its choice, on the same header facts. */
async function readWithoutFfmpeg(file: string): Promise<boolean> {
  return pcmWavData(await readContainerEnd(file)) !== null;
}

function throughFfmpeg(file: string): Float32Array {
  const raw = execFileSync('ffmpeg', ffmpegDecodeArgs(file), {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

async function decoded(file: string, signal?: AbortSignal): Promise<{ samples: Float32Array; codec: string }> {
  const chunks: Float32Array[] = [];
  const r = await decodeAudio({ ffmpegPath: 'ffmpeg', file, signal, onSamples: (c) => void chunks.push(c) });
  const samples = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    samples.set(c, o);
    o += c.length;
  }
  assert.equal(r.samples, samples.length);
  assert.deepEqual(r.warnings, []);
  return { samples, codec: r.source.codec };
}

test('every fixture clip, and a long recording with a chunk after its data: the samples ffmpeg gives', async () => {
  const files = fixtureClips().map((c) => path.join(AUDIO, c));
  files.push(uniqueCopy(makeLongAudio(2).file, tempDir('pcm-wav-'), 'junk chunk after the data'));
  for (const file of files) {
    assert.ok(await readWithoutFfmpeg(file), `${file} is read without ffmpeg`);
    const ours = await decoded(file);
    assert.equal(ours.codec, 'pcm_s16le');
    assert.deepEqual(ours.samples, throughFfmpeg(file), file);
  }
});

test('a 48 kHz stereo WAV is not taken for one (ffmpeg converts it)', async () => {
  const file = path.join(tempDir('pcm-wav-'), 'stereo.wav');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    path.join(AUDIO, 'sense_voice/en.wav'),
    '-ar',
    '48000',
    '-ac',
    '2',
    file,
  ]);
  assert.equal(await readWithoutFfmpeg(file), false);
  assert.ok((await decoded(file)).samples.length > 100_000);
});

test('cancelled while reading: Cancelled, and no more samples after it', async () => {
  const controller = new AbortController();
  let after = 0;
  await assert.rejects(
    decodeAudio({
      ffmpegPath: 'ffmpeg',
      file: makeLongAudio(2).file,
      signal: controller.signal,
      onSamples: () => {
        if (controller.signal.aborted) after++;
        controller.abort();
      },
    }),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.Cancelled,
  );
  assert.equal(after, 0);
});
