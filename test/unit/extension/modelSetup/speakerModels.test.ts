// "Download Speaker Models" with a fake daemon connection and a fake window: the licences and sizes
// are shown (and asked) before the download, declining fetches nothing, progress reaches the
// notification, cancel offers a resume, ModelExists asks before replacing, a failure offers the other
// source; after a transcript without speakers the download is offered once, and only when the store
// lacks the models. Plus the Show Models entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestOptions } from '../../../../client/daemonConnection';
import {
  ErrorCode,
  SenseVoiceError,
  type DiarizationDownloadResult,
  type DiarizationModelFile,
  type ModelListResult,
  type StoredDiarizationModel,
} from '../../../../common/protocol';
import { modelPicks } from '../../../../extension/modelSetup/modelPicks';
import type { ProgressStep } from '../../../../extension/modelSetup/downloadProgress';
import {
  DOWNLOAD_SPEAKER_MODELS,
  downloadSpeakerModels,
  licenceSummary,
  offerSpeakerModels,
  speakerModelsMissing,
  type Requester,
  type SpeakerModelsUi,
} from '../../../../extension/modelSetup/speakerModelsDownload';

const file = (role: 'segmentation' | 'embedding', over: Partial<DiarizationModelFile> = {}): DiarizationModelFile => ({
  role,
  model: role === 'segmentation' ? 'sherpa-onnx-pyannote-segmentation-3-0' : '3dspeaker_eres2net',
  asset: role === 'segmentation' ? 'seg.tar.bz2' : 'emb.onnx',
  url: 'https://example.test/x',
  path: `/store/diarization/${role}.onnx`,
  size: role === 'segmentation' ? 6_958_444 : 38_000_000,
  checksum: 'verified',
  checksumNote: "size and SHA-256 checked against GitHub's release digest",
  licence: role === 'segmentation' ? 'MIT' : 'Apache-2.0',
  licenceSource: role === 'segmentation' ? 'pyannote' : '3D-Speaker',
  ...over,
});

const result = (over: Partial<DiarizationDownloadResult> = {}): DiarizationDownloadResult => ({
  planOnly: false,
  dir: '/store/diarization',
  source: 'github',
  files: [file('segmentation'), file('embedding')],
  alreadyPresent: false,
  downloadedBytes: 44_958_444,
  resumedBytes: 0,
  notes: [],
  ...over,
});

interface Call {
  method: string;
  params: unknown;
}

/** A connection that answers from a script, one handler per method. */
function fakeConnection(handlers: Record<string, (params: never, o?: RequestOptions) => unknown>) {
  const calls: Call[] = [];
  const sup: Requester = {
    request: (async (method: string, params: unknown, o?: RequestOptions) => {
      calls.push({ method, params });
      const h = handlers[method];
      if (!h) throw new Error(`unexpected ${method}`);
      return h(params as never, o);
    }) as Requester['request'],
  };
  return { sup, calls };
}

function fakeUi(answers: { confirm?: boolean[]; info?: string[]; warn?: string[]; error?: string[] } = {}) {
  const seen: Array<[string, string, ...string[]]> = [];
  const steps: ProgressStep[] = [];
  const take = (list: string[] | undefined) => Promise.resolve(list?.shift());
  const ui: SpeakerModelsUi = {
    confirm: async (m, d, b) => (seen.push(['confirm', m, d, b]), answers.confirm?.shift() ?? false),
    withProgress: (title, work) => {
      seen.push(['progress', title]);
      return work((s) => steps.push(s), new AbortController().signal);
    },
    info: (m, ...a) => (seen.push(['info', m, ...a]), take(answers.info)),
    warn: (m, ...a) => (seen.push(['warn', m, ...a]), take(answers.warn)),
    error: (m, ...a) => (seen.push(['error', m, ...a]), take(answers.error)),
    log: () => undefined,
  };
  return { ui, seen, steps };
}

test('the licences, sizes and checks are shown and asked before anything is downloaded', async () => {
  const { sup, calls } = fakeConnection({
    'model/downloadDiarization': (p: { planOnly?: boolean }, o) => {
      if (p.planOnly) return result({ planOnly: true, downloadedBytes: 0 });
      o?.onProgress?.({ token: 't', bytes: 22_000_000, total: 44_958_444, message: 'Downloading emb.onnx (2 of 2)' });
      return result();
    },
  });
  const { ui, seen, steps } = fakeUi({ confirm: [true] });
  const r = await downloadSpeakerModels(sup, ui, { embedding: '3dspeaker' });
  assert.equal(r?.dir, '/store/diarization');
  assert.deepEqual(
    calls.map((c) => c.params),
    [{ embedding: '3dspeaker', planOnly: true }, { embedding: '3dspeaker' }],
  );
  const [kind, message, detail, button] = seen[0]!;
  assert.equal(kind, 'confirm');
  assert.match(message, /Download the speaker models \(42\.9 MiB\) from github\?/);
  assert.match(detail, /Licence MIT \(pyannote\)/);
  assert.match(detail, /Licence Apache-2\.0 \(3D-Speaker\)/);
  assert.match(detail, /Size and SHA-256 checked against GitHub's release digest/);
  assert.equal(button, 'Download');
  assert.equal(seen[1]![0], 'progress');
  assert.match(steps[0]!.message, /Downloading emb\.onnx \(2 of 2\)/);
  assert.ok((steps[0]!.increment ?? 0) > 40);
  assert.match(seen.at(-1)![1], /ready and verified/);
});

test('declining the licences downloads nothing', async () => {
  const { sup, calls } = fakeConnection({ 'model/downloadDiarization': () => result({ planOnly: true }) });
  const { ui } = fakeUi({ confirm: [false] });
  assert.equal(await downloadSpeakerModels(sup, ui), undefined);
  assert.equal(calls.length, 1);
});

test('a size-only or unverified file is reported as such, not as verified', async () => {
  const partly = [
    file('segmentation'),
    file('embedding', { checksum: 'size-only', checksumNote: 'size checked, SHA-256 not verified (none published)' }),
  ];
  const { sup } = fakeConnection({
    'model/downloadDiarization': (p: { planOnly?: boolean }) => result({ planOnly: !!p.planOnly, files: partly }),
  });
  const { ui, seen } = fakeUi({ confirm: [true] });
  await downloadSpeakerModels(sup, ui);
  assert.match(seen[0]![2], /Size checked, SHA-256 not verified \(none published\)/);
  const last = seen.at(-1)!;
  assert.equal(last[0], 'warn');
  assert.match(last[1], /embedding: size checked, SHA-256 not verified/);
});

test('cancel offers a resume; ModelExists asks before replacing; a checksum failure offers the other source', async () => {
  let downloads = 0;
  const { sup, calls } = fakeConnection({
    'model/downloadDiarization': (p: { planOnly?: boolean; overwrite?: boolean; source?: string }) => {
      if (p.planOnly) return result({ planOnly: true });
      downloads++;
      if (downloads === 1) throw new SenseVoiceError(ErrorCode.Cancelled, 'Download cancelled.');
      if (downloads === 2)
        throw new SenseVoiceError(ErrorCode.ModelExists, 'embedding.onnx was not downloaded by SenseVoice.');
      if (downloads === 3) throw new SenseVoiceError(ErrorCode.ChecksumMismatch, 'emb.onnx has other bytes.');
      return result();
    },
  });
  const { ui, seen } = fakeUi({
    confirm: [true, true, true, true, true],
    info: ['Resume'],
    error: ['Try Hugging Face'],
  });
  await downloadSpeakerModels(sup, ui, { source: 'github' });
  const downloadsParams = calls.map((c) => c.params as Record<string, unknown>).filter((p) => !p.planOnly);
  assert.deepEqual(downloadsParams, [
    { source: 'github' },
    { source: 'github' },
    { source: 'github', overwrite: true },
    { source: 'huggingface', overwrite: true },
  ]);
  assert.ok(seen.some(([k, m, ...a]) => k === 'info' && /paused/.test(m) && a.includes('Resume')));
  assert.ok(seen.some(([k, m, , b]) => k === 'confirm' && /not downloaded by SenseVoice/.test(m) && b === 'Replace'));
});

const stored = (role: 'segmentation' | 'embedding'): StoredDiarizationModel => ({
  role,
  path: `/store/diarization/${role}.onnx`,
  size: 10,
  source: 'github',
  model: role,
  licence: 'MIT',
});

function list(diarization: StoredDiarizationModel[]): ModelListResult {
  return { store: '/store', models: [], configured: null, fallback: null, partial: [], sources: [], diarization };
}

test('after a transcript without speakers: offered once, and only when the store lacks the models', async () => {
  let listed = list([stored('segmentation')]);
  const { sup, calls } = fakeConnection({
    'model/list': () => listed,
    'model/downloadDiarization': () => result({ planOnly: true }),
  });
  const { ui, seen } = fakeUi({ warn: [DOWNLOAD_SPEAKER_MODELS] });
  const shown = { offered: false };
  await offerSpeakerModels('No speaker models in the store.', sup, ui, shown);
  assert.deepEqual(seen[0]!.slice(0, 3), [
    'warn',
    'SenseVoice: the transcript has no speakers. No speaker models in the store.',
    DOWNLOAD_SPEAKER_MODELS,
  ]);
  assert.ok(
    calls.some((c) => c.method === 'model/downloadDiarization'),
    'the choice starts the download flow',
  );
  const before = seen.length;
  await offerSpeakerModels('again', sup, ui, shown);
  assert.equal(seen.length, before, 'once per session');

  listed = list([stored('segmentation'), stored('embedding')]);
  const fresh = fakeUi();
  await offerSpeakerModels('Diarization failed for another reason.', sup, fresh.ui, { offered: false });
  assert.deepEqual(fresh.seen, [], 'models present: nothing to offer');
  assert.equal(speakerModelsMissing(listed), false);
  assert.equal(speakerModelsMissing(list([{ ...stored('segmentation'), problem: 'size' }, stored('embedding')])), true);
});

test('licenceSummary leaves out the size when one is unknown and marks files already there', () => {
  const s = licenceSummary(
    result({ files: [file('segmentation', { reused: true }), file('embedding', { size: undefined })] }),
  );
  assert.equal(s.message, 'Download the speaker models from github?');
  assert.match(s.detail, /pyannote-segmentation-3-0, 6\.6 MiB \(already in the store\)/);
});

test('Show Models offers the speaker models, saying whether they are in the store (not from a daemon without them)', () => {
  assert.equal(
    modelPicks({ ...list([]), diarization: undefined }).some((p) => p.kind === 'speakers'),
    false,
  );
  const none = modelPicks(list([])).find((p) => p.kind === 'speakers')!;
  assert.equal(none.description, 'not downloaded');
  const some = modelPicks(list([stored('segmentation')])).find((p) => p.kind === 'speakers')!;
  assert.equal(some.description, 'incomplete');
  const both = modelPicks(list([stored('segmentation'), stored('embedding')])).find((p) => p.kind === 'speakers')!;
  assert.equal(both.description, 'in the store');
});
