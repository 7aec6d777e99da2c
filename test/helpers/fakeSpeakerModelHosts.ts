// A fake of the speaker models' published homes on a LocalServer: GitHub's release API
// (`/api/repos/k2-fsa/sherpa-onnx/releases/tags/<tag>`, each asset with name, size and a
// `digest: "sha256:..."` unless told not to), the release downloads (`/gh/...`), a mirror of them
// (`/mirror/<tag>/<asset>`) and Hugging Face (`/hf/api/models/<repo>/tree/main`, `/hf/<repo>/resolve/main/...`).
// The models are the synthetic ones (tools/makeDiarizationModels), the segmentation model packed
// into a .tar.bz2 laid out like sherpa-onnx's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  DIARIZATION_CATALOG,
  SHERPA_REPO,
  type DiarizationEndpoints,
} from '../../daemon/modelStore/diarizationCatalog';
import { makeDiarizationModels, type DiarizationModels } from '../../tools/makeDiarizationModels/makeDiarizationModels';
import { sha256, type LocalServer } from '../unit/daemon/modelStore/localServer';
import { tempDir } from './paths';

export interface SpeakerModelHosts {
  models: DiarizationModels;
  /** The segmentation archive as served. */
  archive: Buffer;
  /** Bytes of each served asset, by asset name. */
  assets: Map<string, Buffer>;
  endpoints: DiarizationEndpoints;
  /** The paths a download of the default (3D-Speaker) pair asks for. */
  paths: { segmentation: string; embedding: string };
}

export interface HostOptions {
  /** Assets the release API lists without a digest. */
  noDigest?: string[];
  /** Assets whose served bytes differ from what the API publishes (same size, one byte flipped). */
  tampered?: string[];
}

const SEG = DIARIZATION_CATALOG.segmentation;

/** Puts the synthetic speaker models on the server under every source's paths. */
export function serveSpeakerModels(server: LocalServer, o: HostOptions = {}): SpeakerModelHosts {
  const models = makeDiarizationModels();
  const archive = packSegmentation(models.segmentation);
  const embeddings = DIARIZATION_CATALOG.embeddings;
  const assets = new Map<string, Buffer>([
    [SEG.github.asset, archive],
    [embeddings['3dspeaker'].github.asset, fs.readFileSync(models.embedding)],
    [embeddings.wespeaker.github.asset, fs.readFileSync(models.wespeaker)],
    [embeddings.nemo.github.asset, fs.readFileSync(models.embedding)],
  ]);
  const served = (asset: string): Buffer => {
    const b = assets.get(asset)!;
    if (!o.tampered?.includes(asset)) return b;
    const t = Buffer.from(b);
    t[t.length >> 1] ^= 0xff;
    return t;
  };
  const releases = new Map<string, object[]>();
  for (const entry of [SEG, ...Object.values(embeddings)]) {
    const { tag, asset } = entry.github;
    const bytes = assets.get(asset)!;
    const list = releases.get(tag) ?? [];
    list.push({
      name: asset,
      size: bytes.length,
      ...(o.noDigest?.includes(asset) ? {} : { digest: `sha256:${sha256(bytes)}` }),
      browser_download_url: `https://github.com/${SHERPA_REPO}/releases/download/${tag}/${asset}`,
    });
    releases.set(tag, list);
    server.files.set(`/gh/${SHERPA_REPO}/releases/download/${tag}/${asset}`, served(asset));
    server.files.set(`/mirror/${tag}/${asset}`, served(asset));
  }
  for (const [tag, list] of releases) {
    server.files.set(
      `/api/repos/${SHERPA_REPO}/releases/tags/${tag}`,
      Buffer.from(JSON.stringify({ tag_name: tag, assets: [{ name: 'unrelated.txt', size: 3 }, ...list] })),
    );
  }
  // Hugging Face: model.onnx itself (not the archive), and the embedding files, each with its LFS oid.
  const hf = new Map<string, Array<[string, Buffer]>>();
  hf.set(SEG.huggingface.repo, [[SEG.huggingface.path, fs.readFileSync(models.segmentation)]]);
  for (const e of Object.values(embeddings)) {
    const list = hf.get(e.huggingface.repo) ?? [];
    list.push([e.huggingface.path, assets.get(e.github.asset)!]);
    hf.set(e.huggingface.repo, list);
  }
  for (const [repo, files] of hf) {
    const tree = [
      { type: 'file', path: 'README.md', size: 12, oid: 'not-lfs' },
      ...files.map(([p, b]) => ({
        type: 'file',
        path: p,
        size: b.length,
        oid: 'gitoid',
        lfs: { oid: sha256(b), size: b.length },
      })),
    ];
    server.files.set(`/hf/api/models/${repo}/tree/main`, Buffer.from(JSON.stringify(tree)));
    for (const [p, b] of files) server.files.set(`/hf/${repo}/resolve/main/${p}`, b);
  }
  const o3d = embeddings['3dspeaker'].github;
  return {
    models,
    archive,
    assets,
    endpoints: {
      githubApi: `${server.origin}/api`,
      githubDownloads: `${server.origin}/gh`,
      huggingface: `${server.origin}/hf`,
    },
    paths: {
      segmentation: `/gh/${SHERPA_REPO}/releases/download/${SEG.github.tag}/${SEG.github.asset}`,
      embedding: `/gh/${SHERPA_REPO}/releases/download/${o3d.tag}/${o3d.asset}`,
    },
  };
}

/** sherpa-onnx's layout: one folder with model.onnx, model.int8.onnx, LICENSE and README.md. */
function packSegmentation(model: string): Buffer {
  const work = tempDir('segmentation-archive');
  const folder = SEG.github.asset.replace(/\.tar\.bz2$/, '');
  const inner = path.join(work, folder);
  fs.mkdirSync(inner, { recursive: true });
  fs.copyFileSync(model, path.join(inner, 'model.onnx'));
  fs.copyFileSync(model, path.join(inner, 'model.int8.onnx'));
  fs.writeFileSync(path.join(inner, 'LICENSE'), 'MIT License (test copy)\n');
  fs.writeFileSync(path.join(inner, 'README.md'), '# test archive\n');
  const r = spawnSync('tar', ['-cjf', SEG.github.asset, folder], { cwd: work });
  if (r.status !== 0) throw new Error(`tar failed: ${String(r.stderr)}`);
  return fs.readFileSync(path.join(work, SEG.github.asset));
}
