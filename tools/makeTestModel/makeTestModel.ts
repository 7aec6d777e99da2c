// Programmatic entry point: writes a synthetic SenseVoice-layout model folder, or returns its bytes.
// Same options -> same bytes, and files whose bytes are already there are left untouched, so tests
// can call this on every run into a cache folder.
import fs from 'node:fs';
import path from 'node:path';
import { LAYOUTS, resolveLayout, sherpaMetadata, type LayoutName } from './layouts';
import { resolveProfile } from './profiles';
import { buildTinyGraph } from './tinyGraph';
import { UsageError } from './usageError';
import { makeTinyWeights } from './weights';
import { writeFullModel, type FullModelStats } from './fullModel';
import { modelHeader } from './modelHeader';
import { concatParts } from '../../common/onnx/protoWriter';

/** The project root (this file is tools/makeTestModel/makeTestModel.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** tokens.txt, am.mvn, config.yaml and the BPE model of the real release (no weights). */
export const DEFAULT_ASSETS_DIR = path.resolve(REPO_ROOT, 'test', 'fixtures', 'sensevoice-small-assets');

export interface MakeTestModelOptions {
  /** Defaults to testModelCacheDir(options): .cache/test-models/<profile>-<layout>-seed<seed>[-int8]. */
  readonly outDir?: string;
  /** 'tiny' (default) or 'full' (SenseVoiceSmall's real shapes, ~940 MB: written to disk only). */
  readonly profile?: string;
  readonly layout: LayoutName;
  /** Unsigned 32-bit integer; default DEFAULT_SEED. */
  readonly seed?: number;
  /** Also write the int8 variant (model.int8.onnx / model_quant.onnx). */
  readonly int8?: boolean;
  /** Where tokens.txt, am.mvn, config.yaml and the BPE model are copied from. */
  readonly assetsDir?: string;
}

export interface TestModel {
  readonly dir: string;
  readonly layout: LayoutName;
  readonly profile: string;
  readonly seed: number;
  /** The fp32 model. */
  readonly model: string;
  /** The int8 model, when asked for. */
  readonly int8Model?: string;
  /** tokens.txt (sherpa layout). */
  readonly tokens?: string;
  /** Every file of the folder, models first. */
  readonly files: readonly string[];
  /** The files this call had to (re)write; empty when the folder was already up to date. */
  readonly written: readonly string[];
  /** Full profile: parameter count, file sizes and what generating them cost (kept from the run that wrote them). */
  readonly full?: FullModelStats;
}

/** On the five clips in test/fixtures/audio/sense_voice this seed gives varied tags, EMO_UNKNOWN on two. */
export const DEFAULT_SEED = 4;

interface Resolved {
  profile: ReturnType<typeof resolveProfile>;
  layout: (typeof LAYOUTS)[LayoutName];
  seed: number;
  int8: boolean;
  assetsDir: string;
}

function resolve(options: MakeTestModelOptions): Resolved {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
  return {
    profile: resolveProfile(options.profile ?? 'tiny'),
    layout: resolveLayout(options.layout),
    seed,
    int8: options.int8 ?? false,
    assetsDir: options.assetsDir ?? DEFAULT_ASSETS_DIR,
  };
}

/** The default folder for a set of options, under the git-ignored .cache/ of the project. */
export function testModelCacheDir(options: Omit<MakeTestModelOptions, 'outDir'>): string {
  const r = resolve(options);
  return path.join(
    REPO_ROOT,
    '.cache',
    'test-models',
    `${r.profile.name}-${r.layout.name}-seed${r.seed}${r.int8 ? '-int8' : ''}`,
  );
}

/** The model file(s) in memory, without touching the disk (except reading am.mvn for sherpa metadata). */
export function buildTestModelBytes(options: Omit<MakeTestModelOptions, 'outDir'>): {
  model: Uint8Array;
  int8Model?: Uint8Array;
} {
  const r = resolve(options);
  if (r.profile.name === 'full') {
    throw new UsageError(
      `profile 'full' is ~940 MB and is only streamed to disk: use makeTestModel (or the CLI), not buildTestModelBytes`,
    );
  }
  const weights = makeTinyWeights(r.profile, r.seed);
  const description = `Synthetic random-weight test model (profile ${r.profile.name}, seed ${r.seed}) in the SenseVoiceSmall contract; it transcribes nothing meaningful.`;
  const metadata = r.layout.metadata ? sherpaMetadata(r.assetsDir, description) : [];
  const encode = (int8: boolean): Uint8Array =>
    concatParts(
      buildTinyGraph(weights, r.layout.names, int8).encode(
        modelHeader(metadata, `${description}${int8 ? ' int8 dynamic quantisation.' : ''}`),
      ),
    );
  const model = encode(false);
  return r.int8 ? { model, int8Model: encode(true) } : { model };
}

function sameBytes(file: string, bytes: Uint8Array): boolean {
  try {
    const st = fs.statSync(file);
    return st.size === bytes.length && Buffer.compare(fs.readFileSync(file), bytes) === 0;
  } catch {
    return false;
  }
}

/** Writes via a temporary file and a rename so a concurrent reader never sees half a model. */
function writeIfChanged(file: string, bytes: Uint8Array, written: string[]): void {
  if (sameBytes(file, bytes)) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
  written.push(file);
}

/** Writes the model folder (see MakeTestModelOptions) and returns where everything is. */
export function makeTestModel(options: MakeTestModelOptions): TestModel {
  const r = resolve(options);
  const dir = path.resolve(options.outDir ?? testModelCacheDir(options));
  for (const asset of r.layout.assets) {
    if (!fs.existsSync(path.join(r.assetsDir, asset))) {
      throw new UsageError(`asset ${asset} not found in ${r.assetsDir} (pass assetsDir / --assets)`);
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  let model: string;
  let int8Model: string | undefined;
  let stats: FullModelStats | undefined;
  if (r.profile.name === 'full') {
    const full = writeFullModel({
      dir,
      profile: r.profile,
      layout: r.layout,
      seed: r.seed,
      int8: r.int8,
      assetsDir: r.assetsDir,
      written,
    });
    model = full.model;
    int8Model = full.int8Model;
    stats = full.stats;
  } else {
    const bytes = buildTestModelBytes(options);
    model = path.join(dir, r.layout.modelFile);
    writeIfChanged(model, bytes.model, written);
    const int8Path = path.join(dir, r.layout.int8File);
    if (bytes.int8Model) {
      writeIfChanged(int8Path, bytes.int8Model, written);
      int8Model = int8Path;
    } else {
      fs.rmSync(int8Path, { force: true }); // a stale variant from another run would not match these weights
    }
  }
  const assets = r.layout.assets.map((asset) => {
    const target = path.join(dir, asset);
    writeIfChanged(target, fs.readFileSync(path.join(r.assetsDir, asset)), written);
    return target;
  });
  return {
    dir,
    layout: r.layout.name,
    profile: r.profile.name,
    seed: r.seed,
    model,
    ...(int8Model ? { int8Model } : {}),
    ...(r.layout.name === 'sherpa' ? { tokens: path.join(dir, 'tokens.txt') } : {}),
    files: [model, ...(int8Model ? [int8Model] : []), ...assets],
    written,
    ...(stats ? { full: stats } : {}),
  };
}
