// A model store wired to a LocalServer: the synthetic models served under the paths the tests'
// sources name, with pins computed from those files (the injectable counterpart of pins.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ModelStoreService, type ModelStoreOptions } from '../../../../daemon/modelStore/modelStoreService';
import {
  FUNASR_ID,
  SHERPA_ID,
  type DownloadPlan,
  type PlannedFile,
  type SourceTable,
} from '../../../../daemon/modelStore/plans';
import type { FilePin } from '../../../../daemon/modelStore/pins';
import type { ModelDownloadResult, ProgressParams } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';
import { testModel } from '../../../helpers/testModels';
import { fakeDns, sha256, type LocalServer } from './localServer';

export const ARCHIVE = 'sherpa-int8-test.tar.bz2';

export interface Served {
  sherpa: string;
  funasr: string;
  archive: Buffer;
  pin: (file: string) => FilePin;
}

/** Puts the synthetic models (and an archive of the int8 one) on the server. */
export function serveModels(server: LocalServer): Served {
  const sherpa = testModel('sherpa', { int8: true }).dir;
  const funasr = testModel('funasr', { int8: true }).dir;
  const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name));
  for (const n of ['model.int8.onnx', 'model.onnx', 'tokens.txt']) {
    server.files.set(`/hf/${n}`, read(sherpa, n));
    server.files.set(`/url/sherpa/${n}`, read(sherpa, n));
  }
  for (const n of ['model_quant.onnx', 'am.mvn', 'chn_jpn_yue_eng_ko_spectok.bpe.model']) {
    server.files.set(`/ms/${n}`, read(funasr, n));
    server.files.set(`/url/funasr/${n}`, read(funasr, n));
  }
  const archive = makeArchive(sherpa);
  server.files.set(`/gh/${ARCHIVE}`, archive);
  const pin = (file: string): FilePin => {
    const data = fs.readFileSync(file);
    return { name: path.basename(file), size: data.length, sha256: sha256(data) };
  };
  return { sherpa, funasr, archive, pin };
}

/** A .tar.bz2 laid out like sherpa-onnx's: one folder with the model, tokens and test_wavs. */
function makeArchive(sherpaDir: string): Buffer {
  const work = tempDir('archive');
  const inner = path.join(work, 'sherpa-onnx-sense-voice-test-int8');
  fs.mkdirSync(path.join(inner, 'test_wavs'), { recursive: true });
  fs.copyFileSync(path.join(sherpaDir, 'model.int8.onnx'), path.join(inner, 'model.int8.onnx'));
  fs.copyFileSync(path.join(sherpaDir, 'tokens.txt'), path.join(inner, 'tokens.txt'));
  fs.writeFileSync(path.join(inner, 'test_wavs', 'en.wav'), 'not really audio');
  const r = spawnSync('tar', ['-cjf', ARCHIVE, 'sherpa-onnx-sense-voice-test-int8'], { cwd: work });
  if (r.status !== 0) throw new Error(`tar failed: ${String(r.stderr)}`);
  return fs.readFileSync(path.join(work, ARCHIVE));
}

/** Sources shaped like the public ones, on the local server, with pins of the served files. */
export function testSources(server: LocalServer, served: Served, origin = server.origin): SourceTable {
  const at = (dir: string, prefix: string, name: string): PlannedFile => ({
    name,
    url: `${origin}/${prefix}/${name}`,
    pin: served.pin(path.join(dir, name)),
  });
  const plan = (p: Omit<DownloadPlan, 'strict'>): DownloadPlan => ({ ...p, strict: true });
  const archivePin: FilePin = { name: ARCHIVE, size: served.archive.length, sha256: sha256(served.archive) };
  return {
    huggingface: {
      name: 'huggingface',
      description: 'test huggingface',
      plans: {
        int8: plan({
          id: SHERPA_ID,
          source: 'huggingface',
          variant: 'int8',
          sets: [
            {
              layout: 'sherpa',
              modelFile: 'model.int8.onnx',
              files: [at(served.sherpa, 'hf', 'model.int8.onnx'), at(served.sherpa, 'hf', 'tokens.txt')],
            },
          ],
        }),
        fp32: plan({
          id: SHERPA_ID,
          source: 'huggingface',
          variant: 'fp32',
          sets: [
            {
              layout: 'sherpa',
              modelFile: 'model.onnx',
              files: [at(served.sherpa, 'hf', 'model.onnx'), at(served.sherpa, 'hf', 'tokens.txt')],
            },
          ],
        }),
      },
    },
    github: {
      name: 'github',
      description: 'test github',
      plans: {
        int8: plan({
          id: SHERPA_ID,
          source: 'github',
          variant: 'int8',
          sets: [
            {
              layout: 'sherpa',
              modelFile: 'model.int8.onnx',
              files: ['model.int8.onnx', 'tokens.txt'].map((n) => ({
                name: n,
                pin: served.pin(path.join(served.sherpa, n)),
              })),
            },
          ],
          archive: { url: `${origin}/gh/${ARCHIVE}`, name: ARCHIVE, kind: 'tar.bz2', pin: archivePin },
        }),
      },
    },
    modelscope: {
      name: 'modelscope',
      description: 'test modelscope',
      plans: {
        int8: plan({
          id: FUNASR_ID,
          source: 'modelscope',
          variant: 'int8',
          sets: [
            {
              layout: 'funasr',
              modelFile: 'model_quant.onnx',
              files: ['model_quant.onnx', 'am.mvn', 'chn_jpn_yue_eng_ko_spectok.bpe.model'].map((n) =>
                at(served.funasr, 'ms', n),
              ),
            },
          ],
        }),
      },
    },
  };
}

export interface Harness {
  store: string;
  service: ModelStoreService;
  logs: string[];
  download: (
    params: Record<string, unknown>,
    opts?: { signal?: AbortSignal; onProgress?: (p: ProgressParams) => void },
  ) => Promise<ModelDownloadResult>;
}

export function harness(server: LocalServer, served: Served, extra: Partial<ModelStoreOptions> = {}): Harness {
  const store = tempDir('store');
  const logs: string[] = [];
  const service = new ModelStoreService(
    {
      storeDir: store,
      env: {},
      sources: () => testSources(server, served),
      http: { idleTimeoutMs: 2000, lookup: fakeDns(['hf.test', 'cdn.test']) },
      retry: { attemptsWithoutProgress: 3, delayMs: () => 5 },
      progressIntervalMs: 0,
      ...extra,
    },
    (m) => logs.push(m),
  );
  const download: Harness['download'] = (params, opts = {}) =>
    service.download(
      { ...params, token: 't1' },
      {
        run: (_token, work) => work(opts.signal ?? new AbortController().signal),
        progress: (p) => opts.onProgress?.(p),
      },
    );
  return { store, service, logs, download };
}
