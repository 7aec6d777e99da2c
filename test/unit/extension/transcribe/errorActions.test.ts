import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { adviceFor, codeNameOf, codeOf, failureText } from '../../../../extension/transcribe/errorActions';

test('missing ffmpeg or model: open the right setting, retry, logs', () => {
  assert.deepEqual(adviceFor(ErrorCode.FfmpegNotFound), {
    actions: ['Open Settings', 'Retry', 'Show Logs'],
    setting: 'sensevoice.ffmpegPath',
    retryable: true,
    silent: false,
  });
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

test('the daemon stopped mid-job: Retry while it is restarted, Restart Daemon once the supervisor gave up', () => {
  assert.deepEqual(adviceFor(ErrorCode.DaemonUnavailable), {
    actions: ['Retry', 'Show Logs'],
    retryable: true,
    silent: false,
  });
  assert.deepEqual(adviceFor(ErrorCode.DaemonUnavailable, true).actions, ['Restart Daemon', 'Show Logs']);
  assert.deepEqual(
    adviceFor(ErrorCode.DecodeFailed, true).actions,
    ['Show Logs'],
    'the daemon state matters for DaemonUnavailable only',
  );
});

test('the failure line says which finished segments are kept, for DaemonUnavailable only', () => {
  const retry = adviceFor(ErrorCode.DaemonUnavailable);
  assert.equal(
    failureText(ErrorCode.DaemonUnavailable, 'The SenseVoice daemon was killed by SIGKILL.', 12, retry),
    'The SenseVoice daemon was killed by SIGKILL. The 12 segments finished before it stopped are kept; Retry transcribes the file again.',
  );
  assert.equal(
    failureText(
      ErrorCode.DaemonUnavailable,
      'The SenseVoice daemon exited with code 1.',
      1,
      adviceFor(ErrorCode.DaemonUnavailable, true),
    ),
    'The SenseVoice daemon exited with code 1. The segment finished before it stopped is kept.',
  );
  assert.equal(
    failureText(ErrorCode.DaemonUnavailable, 'The SenseVoice daemon was killed by SIGKILL.', 0, retry),
    'The SenseVoice daemon was killed by SIGKILL.',
  );
  assert.equal(
    failureText(ErrorCode.DecodeFailed, 'ffmpeg could not read x.mp3\nstderr: …', 3, adviceFor(ErrorCode.DecodeFailed)),
    'ffmpeg could not read x.mp3',
  );
});
