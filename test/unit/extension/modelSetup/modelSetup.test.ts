// The extension's model setup logic that needs no window: which variant to offer, the progress
// notification's increments, the failure notification's line, and the "Show Models" list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adviseVariant } from '../../../../extension/modelSetup/variantChoice';
import { DownloadProgress } from '../../../../extension/modelSetup/downloadProgress';
import { downloadFailureText } from '../../../../extension/modelSetup/downloadFailure';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { modelPicks } from '../../../../extension/modelSetup/modelPicks';
import type { ModelListResult, StoredModel } from '../../../../common/protocol';

test('variant: fp32 only when the GPU check found a GPU provider working', () => {
  assert.equal(adviseVariant('auto', { selectedProvider: 'cuda' }).variant, 'fp32');
  assert.equal(adviseVariant('webgpu', { selectedProvider: 'webgpu' }).variant, 'fp32');
  assert.equal(adviseVariant('auto', { selectedProvider: 'cpu' }).variant, 'int8');
  assert.equal(adviseVariant('auto', { selectedProvider: null }).variant, 'int8');
  assert.equal(adviseVariant('auto', null).variant, 'int8');
  assert.match(adviseVariant('auto', null).why, /could not run/);
  assert.equal(adviseVariant('cpu', { selectedProvider: 'cuda' }).variant, 'int8');
});

test('progress: increments add up to 100 and never go backwards; the message carries the amounts', () => {
  const p = new DownloadProgress();
  const mb = 1024 * 1024;
  const steps = [0, 10, 30, 25, 60, 100].map((n) =>
    p.next({
      token: 't',
      bytes: n * mb,
      total: 100 * mb,
      fraction: n / 100,
      message: 'Downloading model.int8.onnx (1 of 2)',
    }),
  );
  const sum = steps.reduce((s, x) => s + (x.increment ?? 0), 0);
  assert.ok(Math.abs(sum - 100) < 1e-9);
  assert.equal(steps[3]!.increment, undefined, 'a restart holds the bar still');
  assert.equal(steps[2]!.message, 'Downloading model.int8.onnx (1 of 2) — 30.0 MB of 100.0 MB');
  assert.deepEqual(p.next({ token: 't', message: 'Unpacking' }), { message: 'Unpacking' });
});

function model(over: Partial<StoredModel>): StoredModel {
  return {
    id: 'sherpa-onnx-sense-voice-2024-07-17',
    path: '/s/sherpa',
    variant: 'int8',
    layout: 'sherpa',
    modelFile: '/s/sherpa/model.int8.onnx',
    sizeBytes: 240 * 1024 * 1024,
    verified: true,
    source: 'huggingface',
    ...over,
  };
}

test('show models: automatic first, one entry per folder with its variants, the actions last', () => {
  const list: ModelListResult = {
    store: '/s',
    models: [
      model({}),
      model({ variant: 'fp32', sizeBytes: 900 * 1024 * 1024 }),
      model({ id: 'url-1', path: '/s/url-1', verified: false, source: 'url', url: 'http://m/x/' }),
    ],
    configured: null,
    fallback: {
      path: '/s/sherpa',
      variant: 'int8',
      verified: true,
      reason: 'the verified int8 model in the store, for provider auto',
    },
    partial: [],
    sources: [],
  };
  const picks = modelPicks(list);
  assert.deepEqual(
    picks.map((p) => p.kind),
    ['automatic', 'model', 'model', 'download', 'folder'],
  );
  assert.equal(picks[0]!.picked, true);
  assert.equal(picks[1]!.description, 'int8 + fp32 · sherpa · 1140 MB');
  assert.match(picks[1]!.label, /\$\(verified\)/);
  assert.match(picks[2]!.label, /\$\(warning\)/);
  assert.match(picks[2]!.detail, /NOT verified · http:\/\/m\/x\//);
});

test('show models: a configured folder outside the store is listed as the current setting', () => {
  const list: ModelListResult = {
    store: '/s',
    models: [],
    configured: { path: '/mine/sv', layout: 'funasr', variants: ['int8'] },
    fallback: null,
    partial: [],
    sources: [],
  };
  const picks = modelPicks(list);
  assert.deepEqual(
    picks.map((p) => [p.kind, p.picked]),
    [
      ['automatic', false],
      ['current', true],
      ['download', false],
      ['folder', false],
    ],
  );
  assert.match(picks[1]!.description, /current setting · funasr · int8/);
});

test('a failed download says refused or failed, with its code first, then the explanation', () => {
  assert.equal(
    downloadFailureText(
      new SenseVoiceError(
        ErrorCode.ChecksumMismatch,
        'model.int8.onnx from https://m.example/model.int8.onnx has 3 bytes with sha256 ab; the pin in /p.json has 4 bytes.',
      ),
    ),
    'SenseVoice: the download was refused (ChecksumMismatch): model.int8.onnx from https://m.example/model.int8.onnx has 3 bytes with sha256 ab; the pin in /p.json has 4 bytes.',
  );
  assert.equal(
    downloadFailureText(new SenseVoiceError(ErrorCode.DownloadFailed, 'HTTP 404 at https://x.example/a\nmore')),
    'SenseVoice: the download failed (DownloadFailed): HTTP 404 at https://x.example/a',
  );
  assert.equal(downloadFailureText(new Error('boom')), 'SenseVoice: the download failed: boom');
});
