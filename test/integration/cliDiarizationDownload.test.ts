// The speaker models as a user gets them: `sensevoice model download --diarization` (the built cli,
// its own daemon) from a fake Hugging Face on a loopback server (HF_ENDPOINT), printing licences and
// sizes before the download; `model list` showing them; then `transcribe --diarize` with no model
// flags using them. Without them, the coded error names the command. Usage errors exit 2.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DiarizationDownloadResult, Transcript } from '../../common/protocol';
import { STORED_EMBEDDING, STORED_SEGMENTATION } from '../../daemon/diarization/diarizationModelStore';
import { serveSpeakerModels, type SpeakerModelHosts } from '../helpers/fakeSpeakerModelHosts';
import { makeMultiSpeakerAudio } from '../helpers/multiSpeakerAudio';
import { requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { LocalServer } from '../unit/daemon/modelStore/localServer';

let server: LocalServer;
let hosts: SpeakerModelHosts;
before(async () => {
  server = await LocalServer.start();
  hosts = serveSpeakerModels(server);
});
after(async () => {
  await server.close();
});

function cli(args: string[], store: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SENSEVOICE_MODEL_STORE: store,
    SENSEVOICE_CACHE_DIR: tempDir('diar-dl-cache'),
    HF_ENDPOINT: `${server.origin}/hf`,
  };
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) delete env[k];
  // Spawned, not spawnSync: the fake hosts answer from this process's event loop.
  const child = spawn(process.execPath, [requireBuilt('cli.js'), '--stdio', ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const asr = () => ['--model', testModel('sherpa').dir, '--provider', 'cpu', '--threads', '1'];

test('model download --diarization, model list, then transcribe --diarize with the stored models', async () => {
  const store = tempDir('diar-dl-store');
  const wav = makeMultiSpeakerAudio('twoSpeakers').file;

  const missing = await cli(['transcribe', wav, ...asr(), '--diarize', '--speakers', '2', '--format', 'json'], store);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /DiarizationModelNotFound: .*run `sensevoice model download --diarization`/);

  const dl = await cli(['model', 'download', '--diarization', '--source', 'huggingface'], store);
  assert.equal(dl.code, 0, dl.stderr);
  // Licences, sizes and checks come before the download.
  const plan = dl.stderr.indexOf('Speaker models from huggingface');
  assert.ok(plan >= 0, dl.stderr);
  assert.match(dl.stderr, /segmentation\s+sherpa-onnx-pyannote-segmentation-3-0\s+\(model\.onnx, [\d.]+ [kKM]i?B\)/);
  assert.match(dl.stderr, /licence MIT: pyannote/);
  assert.match(dl.stderr, /licence Apache-2\.0: 3D-Speaker/);
  assert.match(dl.stderr, /will be checked: size and SHA-256 checked against Hugging Face's LFS sha256/);
  assert.match(dl.stdout, /^Speaker models ready: /m);
  assert.deepEqual(fs.readFileSync(path.join(store, STORED_SEGMENTATION)), fs.readFileSync(hosts.models.segmentation));
  assert.deepEqual(fs.readFileSync(path.join(store, STORED_EMBEDDING)), fs.readFileSync(hosts.models.embedding));

  const again = await cli(['model', 'download', '--diarization', '--source', 'huggingface', '--json'], store);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(again.stdout) as DiarizationDownloadResult).alreadyPresent, true);

  const list = await cli(['model', 'list'], store);
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    /Speaker models \(--diarize\):\n\s+segmentation .*sherpa-onnx-pyannote-segmentation-3-0 from huggingface, licence MIT, verified/,
  );
  assert.match(list.stdout, /embedding .* from huggingface, licence Apache-2\.0, verified/);

  const t = await cli(['transcribe', wav, ...asr(), '--diarize', '--speakers', '2', '--format', 'json'], store);
  assert.equal(t.code, 0, t.stderr);
  const transcript = JSON.parse(t.stdout.trim()) as Transcript;
  assert.equal(transcript.speakersUnavailable, undefined, t.stdout);
  assert.ok((transcript.turns ?? []).length >= 2, t.stdout);
  assert.equal(new Set(transcript.turns!.map((x) => x.speaker)).size, 2);
  assert.ok(transcript.segments.every((s) => typeof s.speaker === 'string'));
});

test('usage errors of model download --diarization exit 2 before a daemon starts', async () => {
  const store = tempDir('diar-dl-store');
  for (const args of [
    ['model', 'download', '--diarization', '--source', 'modelscope'],
    ['model', 'download', '--diarization', '--embedding', 'ecapa'],
    ['model', 'download', '--diarization', '--url', 'http://x/'],
    ['model', 'download', '--diarization', '--variant', 'fp32'],
    ['model', 'download', '--embedding', 'nemo'],
    ['model', 'list', '--diarization'],
  ]) {
    const r = await cli(args, store);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
});
