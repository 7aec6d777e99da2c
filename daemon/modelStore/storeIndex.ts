// What the store holds: one entry per model file (a folder may hold int8 and fp32 side by side,
// and the loader picks between them by provider), partial downloads, and the folder a request
// without a model path falls back to.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ModelVariant, PartialDownload, ProviderSetting, StoredModel } from '../../common/protocol';
import { MODEL_VARIANTS } from '../../common/values';
import { FUNASR_FILES, SHERPA_FILES, inspectModelFolder } from '../model/modelFolder';
import { readManifest, type Manifest } from './manifest';

/** The speaker models' folder (listed by diarizationStoreIndex.ts, not as an ASR model). */
const DIARIZATION_DIR = 'diarization';

/** The folder holding downloads in progress, inside the store. */
export const PARTIAL_DIR = '.partial';

/** The model file of each layout and variant, and the files it needs beside it. */
export const LAYOUT_FILES = {
  sherpa: { int8: SHERPA_FILES.int8, fp32: SHERPA_FILES.fp32, needs: [[SHERPA_FILES.tokens]] },
  funasr: {
    int8: FUNASR_FILES.int8,
    fp32: FUNASR_FILES.fp32,
    needs: [[FUNASR_FILES.cmvn], ['tokens.json', 'tokens.txt', FUNASR_FILES.bpe]],
  },
} as const;

export interface StoreContents {
  models: StoredModel[];
  partial: PartialDownload[];
}

export async function listStore(storeDir: string): Promise<StoreContents> {
  const entries = await fs.readdir(storeDir, { withFileTypes: true }).catch(() => []);
  const models: StoredModel[] = [];
  for (const e of entries
    .filter((x) => x.isDirectory() && !x.name.startsWith('.') && x.name !== DIARIZATION_DIR)
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(storeDir, e.name);
    const manifest = await readManifest(dir);
    models.push(...(manifest ? await fromManifest(dir, e.name, manifest) : await fromFolder(dir, e.name)));
  }
  return { models, partial: await listPartial(storeDir) };
}

async function sizeOf(file: string): Promise<number | null> {
  return fs.stat(file).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
}

async function fromManifest(dir: string, id: string, m: Manifest): Promise<StoredModel[]> {
  const layout = m.layout === 'funasr' ? 'funasr' : 'sherpa';
  const files = LAYOUT_FILES[layout];
  const out: StoredModel[] = [];
  for (const variant of MODEL_VARIANTS) {
    const name = files[variant];
    const size = await sizeOf(path.join(dir, name));
    if (size === null) continue;
    const problems: string[] = [];
    let verified = true;
    let total = 0;
    const check = async (n: string): Promise<boolean> => {
      const s = await sizeOf(path.join(dir, n));
      if (s === null) return false;
      total += s;
      const f = m.files[n];
      if (!f || !f.verified || f.size !== s) verified = false;
      if (f && f.size !== s)
        problems.push(`${n} has ${s} bytes but ${f.size} were downloaded: download the model again`);
      return true;
    };
    await check(name);
    for (const alternatives of files.needs) {
      let found = false;
      for (const n of alternatives) if (!found && (await check(n))) found = true;
      if (!found) problems.push(`${alternatives.join(' or ')} is missing`);
    }
    const f = m.files[name];
    out.push({
      id,
      path: dir,
      variant,
      layout,
      modelFile: path.join(dir, name),
      sizeBytes: total,
      verified: verified && problems.length === 0,
      source: f?.source ?? 'local',
      ...(f ? { url: f.url, sha256: f.sha256, downloadedAt: f.downloadedAt } : {}),
      ...(problems.length ? { problem: problems.join('; ') } : {}),
    });
  }
  return out;
}

/** A folder the user put in the store: inspected like any model folder, never "verified". */
async function fromFolder(dir: string, id: string): Promise<StoredModel[]> {
  try {
    const info = await inspectModelFolder(dir, { preferQuantized: true });
    const other = info.otherModelFiles.length
      ? await inspectModelFolder(dir, { preferQuantized: false }).catch(() => null)
      : null;
    const extras = (await sizeOf(info.tokensFile)) ?? 0;
    return [info, ...(other && other.modelFile !== info.modelFile ? [other] : [])].map((x) => ({
      id,
      path: dir,
      variant: x.quantization,
      layout: x.layout,
      modelFile: x.modelFile,
      sizeBytes: x.sizeBytes + extras,
      verified: false,
      source: 'local',
    }));
  } catch (err) {
    return [
      {
        id,
        path: dir,
        variant: 'int8',
        layout: 'sherpa',
        modelFile: '',
        sizeBytes: 0,
        verified: false,
        source: 'local',
        problem: err instanceof Error ? err.message : String(err),
      },
    ];
  }
}

async function listPartial(storeDir: string): Promise<PartialDownload[]> {
  const root = path.join(storeDir, PARTIAL_DIR);
  const out: PartialDownload[] = [];
  for (const e of await fs.readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!e.isDirectory()) continue;
    for (const f of await fs.readdir(path.join(root, e.name)).catch(() => [] as string[])) {
      if (!f.endsWith('.part')) continue;
      const size = await sizeOf(path.join(root, e.name, f));
      if (size) out.push({ id: e.name, file: f.slice(0, -'.part'.length), bytes: size });
    }
  }
  return out;
}

export interface StoreChoice {
  path: string;
  variant: ModelVariant;
  verified: boolean;
  reason: string;
}

/**
 * The folder a request without a model path uses: a verified model before an unverified one, the
 * variant that suits the provider (int8 for the CPU, fp32 for a named GPU provider; with `auto`,
 * int8, and the loader still picks fp32 from the same folder when a GPU provider works), then the
 * newest download.
 */
export function chooseStoredModel(models: StoredModel[], provider: ProviderSetting): StoreChoice | null {
  const want: ModelVariant = provider === 'cpu' || provider === 'auto' ? 'int8' : 'fp32';
  const usable = models.filter((m) => !m.problem);
  if (usable.length === 0) return null;
  const rank = (m: StoredModel) => (m.verified ? 0 : 2) + (m.variant === want ? 0 : 1);
  const best = [...usable].sort(
    (a, b) =>
      rank(a) - rank(b) || (b.downloadedAt ?? '').localeCompare(a.downloadedAt ?? '') || a.id.localeCompare(b.id),
  )[0]!;
  const how = best.verified
    ? `the verified ${best.variant} model in the store`
    : `the UNVERIFIED ${best.variant} model in the store (${best.source === 'local' ? 'put there by hand' : `downloaded from ${best.url ?? best.source}`}; no published checksum matched it)`;
  return {
    path: best.path,
    variant: best.variant,
    verified: best.verified,
    reason: `${how}, for provider ${provider}`,
  };
}
