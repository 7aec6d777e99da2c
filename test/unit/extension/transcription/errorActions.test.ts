import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SenseVoiceError } from '../../../../daemon/protocol';
import { adviceFor, codeNameOf, codeOf } from '../../../../extension/transcribe/errorActions';

test('missing ffmpeg or model: open the right setting, retry, logs', () => {
  assert.deepEqual(adviceFor(ErrorCode.FfmpegNotFound), { actions: ['Open Settings', 'Retry', 'Show Logs'], setting: 'sensevoice.ffmpegPath', retryable: true, silent: false });
  assert.equal(adviceFor(ErrorCode.ModelNotFound).setting, 'sensevoice.modelPath');
  assert.equal(adviceFor(ErrorCode.ModelInvalid).setting, 'sensevoice.modelPath');
  assert.equal(adviceFor(ErrorCode.ProviderUnavailable).setting, 'sensevoice.provider');
});

test('a damaged file is not worth a retry; a cancel says nothing; unknown codes may retry', () => {
  for (const c of [ErrorCode.DecodeFailed, ErrorCode.FileNotFound, ErrorCode.NoAudioStream, ErrorCode.EmptyFile]) {
    assert.deepEqual(adviceFor(c).actions, ['Show Logs']);
    assert.equal(adviceFor(c).retryable, false);
  }
  assert.equal(adviceFor(ErrorCode.Cancelled).silent, true);
  assert.deepEqual(adviceFor(ErrorCode.DaemonUnavailable).actions, ['Restart Daemon', 'Show Logs']);
  assert.deepEqual(adviceFor(undefined).actions, ['Retry', 'Show Logs']);
  assert.deepEqual(adviceFor(4242).actions, ['Retry', 'Show Logs']);
});

test('the code comes from the error object, never from its text', () => {
  const e = new SenseVoiceError(ErrorCode.FfmpegNotFound, 'Model not found (sic)');
  assert.equal(codeOf(e), ErrorCode.FfmpegNotFound);
  assert.equal(codeNameOf(e), 'FfmpegNotFound');
  assert.equal(codeOf(new Error('FfmpegNotFound')), undefined);
  assert.equal(codeNameOf('boom'), 'Error');
});
