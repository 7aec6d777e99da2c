// Writes the full profile's model files (fullGraph.ts) into a folder, one tensor at a time, and
// remembers in a stamp file what it wrote: a file whose layout hash (everything but the weights'
// bytes), weights version, seed and size match the stamp is not rewritten, so callers can ask for
// the model on every run without paying ~10 s and ~1.2 GB of writes each time.
import fs from 'node:fs';
import path from 'node:path';
import { sherpaMetadata, type Layout } from './layouts';
import { FULL_GRAPH_VERSION, buildFullGraph } from './fullGraph';
import { modelHeader } from './modelHeader';
import { partsLayoutHash, writeParts } from '../../common/onnx/graphBuilder';
import type { FullProfile } from './profiles';

/** What the full model is and what generating it cost. */
export interface FullModelStats {
  /** Weights of the real architecture (embeddings, 70 blocks, norms, CTC projection). */
  readonly parameters: number;
  /** model.onnx's size in bytes. */
  readonly fp32Bytes: number;
  /** The int8 file's size, when written. */
  readonly int8Bytes?: number;
  /** Milliseconds to write each file (from the run that wrote it). */
  readonly fp32Ms: number;
  readonly int8Ms?: number;
  /** Peak resident memory of the process that wrote the files, at the end of writing. */
  readonly peakRssBytes: number;
}

interface Stamp {
  generator: string;
  layout: string;
  seed: number;
  files: Record<string, { bytes: number; ms: number; layoutHash: string }>;
  parameters: number;
  peakRssBytes: number;
}

export const STAMP_FILE = '.make-test-model.json';

export interface WriteFullModelArgs {
  dir: string;
  profile: FullProfile;
  layout: Layout;
  seed: number;
  int8: boolean;
  assetsDir: string;
  /** Files (re)written are appended here. */
  written: string[];
}

function readStamp(file: string): Stamp | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

export function writeFullModel(a: WriteFullModelArgs): { model: string; int8Model?: string; stats: FullModelStats } {
  const generator = `full-v${FULL_GRAPH_VERSION}`;
  const stampFile = path.join(a.dir, STAMP_FILE);
  const old = readStamp(stampFile);
  const reusable =
    old && old.generator === generator && old.layout === a.layout.name && old.seed === a.seed ? old : null;
  const stamp: Stamp = {
    generator,
    layout: a.layout.name,
    seed: a.seed,
    files: {},
    parameters: reusable?.parameters ?? 0,
    peakRssBytes: reusable?.peakRssBytes ?? 0,
  };
  const description = `Synthetic random-weight model with SenseVoiceSmall's shapes (profile full, seed ${a.seed}) in the SenseVoiceSmall contract; for benchmarks, it transcribes nothing meaningful.`;
  const metadata = a.layout.metadata ? sherpaMetadata(a.assetsDir, description) : [];

  const ensure = (fileName: string, int8: boolean): string => {
    const file = path.join(a.dir, fileName);
    const t0 = performance.now();
    const { graph, parameters } = buildFullGraph(a.profile, a.seed, a.layout.names, int8);
    const parts = graph.encode(modelHeader(metadata, `${description}${int8 ? ' int8 dynamic quantisation.' : ''}`));
    const plan = { bytes: parts.reduce((n, p) => n + p.length, 0), layoutHash: partsLayoutHash(parts) };
    const had = reusable?.files[fileName];
    if (
      had &&
      had.layoutHash === plan.layoutHash &&
      had.bytes === plan.bytes &&
      fs.existsSync(file) &&
      fs.statSync(file).size === plan.bytes
    ) {
      stamp.files[fileName] = had;
      return file;
    }
    // The stamp goes first, so a run killed mid-write leaves a folder that is rebuilt next time.
    fs.rmSync(stampFile, { force: true });
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeParts(tmp, parts);
      fs.renameSync(tmp, file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    stamp.files[fileName] = { bytes: plan.bytes, ms: Math.round(performance.now() - t0), layoutHash: plan.layoutHash };
    stamp.parameters = parameters;
    stamp.peakRssBytes = Math.max(stamp.peakRssBytes, process.resourceUsage().maxRSS * 1024);
    a.written.push(file);
    return file;
  };

  const model = ensure(a.layout.modelFile, false);
  const int8Path = path.join(a.dir, a.layout.int8File);
  const int8Model = a.int8 ? ensure(a.layout.int8File, true) : undefined;
  if (!a.int8) fs.rmSync(int8Path, { force: true }); // a stale variant from another run would not match these weights
  if (a.written.length > 0 || !reusable || Object.keys(reusable.files).length !== Object.keys(stamp.files).length) {
    const tmp = `${stampFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(stamp, null, 2) + '\n');
    fs.renameSync(tmp, stampFile);
  }
  const fp32 = stamp.files[a.layout.modelFile];
  const q = stamp.files[a.layout.int8File];
  return {
    model,
    ...(int8Model ? { int8Model } : {}),
    stats: {
      parameters: stamp.parameters,
      fp32Bytes: fp32.bytes,
      fp32Ms: fp32.ms,
      ...(q ? { int8Bytes: q.bytes, int8Ms: q.ms } : {}),
      peakRssBytes: stamp.peakRssBytes,
    },
  };
}
