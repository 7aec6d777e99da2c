// The synthetic SenseVoice models of tools/makeTestModel: both layouts load in onnxruntime-node and
// sherpa-onnx-node, honour the model contract (README of tools/makeTestModel), and behave the way the rest
// of the suite relies on (tags in the query frames, a CTC-like text pattern, int8 close to fp32).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { parseArgs } from '../../tools/makeTestModel/main';
import {
  DEFAULT_ASSETS_DIR,
  REPO_ROOT,
  buildTestModelBytes,
  makeTestModel,
  type TestModel,
} from '../../tools/makeTestModel/makeTestModel';
import { LAYOUTS, readAmMvn } from '../../tools/makeTestModel/layouts';
import { AUDIO } from '../helpers/paths';
import {
  EMOTIONS,
  EMO_UNKNOWN_ID,
  EVENTS,
  FIRST_SPECIAL_ID,
  LANGUAGES,
  VOCAB_SIZE,
  WITHOUT_ITN,
  WITH_ITN,
} from '../../tools/makeTestModel/tagIds';
import { UNKNOWN_LEAD } from '../../tools/makeTestModel/tinyGraph';
import { UsageError } from '../../tools/makeTestModel/usageError';
import { SeededRandom } from '../../tools/makeTestModel/seededRandom';

const AUDIO_DIR = AUDIO;
const F = 560;
const V = VOCAB_SIZE;
const SEED = 4;

const LANGUAGE_TAG_IDS = new Set<number>(LANGUAGES.filter((l) => l.name !== 'nospeech').map((l) => l.id));
const EMOTION_IDS = new Set<number>([...EMOTIONS.map((e) => e.id), EMO_UNKNOWN_ID]);
const EVENT_IDS = new Set<number>(EVENTS.map((e) => e.id));

interface Run {
  logits: Float32Array;
  dims: readonly number[];
  lengths?: Int32Array;
}

/** Feeds a layout's model; `x` is [N,T,560]. */
async function run(
  session: ort.InferenceSession,
  layout: 'sherpa' | 'funasr',
  x: Float32Array,
  n: number,
  t: number,
  opts: { lengths?: number[]; language?: number | number[]; textNorm?: number | number[] } = {},
): Promise<Run> {
  const names = LAYOUTS[layout].names;
  const perRow = (v: number | number[] | undefined, d: number): Int32Array =>
    Int32Array.from(Array.isArray(v) ? v : Array(n).fill(v ?? d));
  const out = await session.run({
    [names.features]: new ort.Tensor('float32', x, [n, t, F]),
    [names.lengths]: new ort.Tensor('int32', Int32Array.from(opts.lengths ?? Array(n).fill(t)), [n]),
    [names.language]: new ort.Tensor('int32', perRow(opts.language, 0), [n]),
    [names.textNorm]: new ort.Tensor('int32', perRow(opts.textNorm, WITHOUT_ITN.input), [n]),
  });
  const logits = out[names.logits] as ort.Tensor;
  const lens = names.outputLengths ? ((out[names.outputLengths] as ort.Tensor).data as Int32Array) : undefined;
  return { logits: logits.data as Float32Array, dims: logits.dims, ...(lens ? { lengths: lens } : {}) };
}

/** Argmax over the vocabulary for each of `frames` frames of batch row `row`. */
function argmaxFrames(logits: Float32Array, row: number, frames: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < frames; f++) {
    const base = (row * frames + f) * V;
    let best = 0;
    for (let v = 1; v < V; v++) if ((logits[base + v] as number) > (logits[base + best] as number)) best = v;
    out.push(best);
  }
  return out;
}

/**
 * Speech-like CMVN'd features: AR(1) noise around 0 (loud) with stretches of quiet frames around
 * -0.8, the level where real clips' silences sit after CMVN.
 */
function speechLike(seed: number, t: number, silences: Array<[number, number]> = []): Float32Array {
  const rng = new SeededRandom(seed, 'speechLike');
  const x = new Float32Array(t * F);
  for (let j = 0; j < F; j++) {
    let prev = rng.normal();
    for (let i = 0; i < t; i++) {
      prev = 0.6 * prev + 0.8 * rng.normal();
      x[i * F + j] = prev;
    }
  }
  for (const [from, to] of silences) {
    for (let i = from; i < to; i++) for (let j = 0; j < F; j++) x[i * F + j] = -0.8 + 0.15 * rng.normal();
  }
  return x;
}

function maxAbsDiff(a: Float32Array, b: Float32Array, from = 0, to = a.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

let tmp: string;
let sherpaModel: TestModel;
let funasrModel: TestModel;
const sessions: Partial<Record<'sherpa' | 'funasr' | 'sherpaInt8' | 'funasrInt8', ort.InferenceSession>> = {};
const session = (k: keyof typeof sessions): ort.InferenceSession => {
  const s = sessions[k];
  assert.ok(s, `session ${k} not created`);
  return s;
};

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synthetic-model-'));
  sherpaModel = makeTestModel({ outDir: path.join(tmp, 'sherpa'), layout: 'sherpa', seed: SEED, int8: true });
  funasrModel = makeTestModel({ outDir: path.join(tmp, 'funasr'), layout: 'funasr', seed: SEED, int8: true });
  const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1 };
  sessions.sherpa = await ort.InferenceSession.create(sherpaModel.model, opts);
  sessions.funasr = await ort.InferenceSession.create(funasrModel.model, opts);
  sessions.sherpaInt8 = await ort.InferenceSession.create(sherpaModel.int8Model as string, opts);
  sessions.funasrInt8 = await ort.InferenceSession.create(funasrModel.int8Model as string, opts);
});

after(async () => {
  for (const s of Object.values(sessions)) await s?.release();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('make-test-model: files and options', () => {
  it('writes each layout exactly, with the shared assets copied byte for byte', () => {
    assert.deepEqual(fs.readdirSync(sherpaModel.dir).sort(), ['model.int8.onnx', 'model.onnx', 'tokens.txt']);
    assert.deepEqual(fs.readdirSync(funasrModel.dir).sort(), [
      'am.mvn',
      'chn_jpn_yue_eng_ko_spectok.bpe.model',
      'config.yaml',
      'model.onnx',
      'model_quant.onnx',
    ]);
    for (const m of [sherpaModel, funasrModel]) {
      for (const asset of LAYOUTS[m.layout].assets) {
        assert.ok(
          fs.readFileSync(path.join(m.dir, asset)).equals(fs.readFileSync(path.join(DEFAULT_ASSETS_DIR, asset))),
          asset,
        );
      }
    }
    assert.equal(sherpaModel.tokens, path.join(sherpaModel.dir, 'tokens.txt'));
    const size = fs.statSync(sherpaModel.model).size;
    assert.ok(size > 1e6 && size < 8e6, `tiny fp32 model is ${size} bytes`);
    assert.ok(fs.statSync(sherpaModel.int8Model as string).size < size / 2, 'int8 model is much smaller');
  });

  it('is deterministic and leaves an up-to-date folder untouched', () => {
    const again = makeTestModel({ outDir: sherpaModel.dir, layout: 'sherpa', seed: SEED, int8: true });
    assert.deepEqual(again.written, []);
    const bytes = buildTestModelBytes({ layout: 'sherpa', seed: SEED, int8: true });
    assert.ok(Buffer.from(bytes.model).equals(fs.readFileSync(sherpaModel.model)));
    assert.ok(Buffer.from(bytes.int8Model as Uint8Array).equals(fs.readFileSync(sherpaModel.int8Model as string)));
    const other = buildTestModelBytes({ layout: 'sherpa', seed: SEED + 1 });
    assert.ok(!Buffer.from(other.model).equals(Buffer.from(bytes.model)), 'another seed gives other weights');
  });

  it('drops a stale int8 variant when rebuilt without --int8', () => {
    const dir = path.join(tmp, 'stale');
    makeTestModel({ outDir: dir, layout: 'funasr', seed: 9, int8: true });
    const plain = makeTestModel({ outDir: dir, layout: 'funasr', seed: 9 });
    assert.equal(plain.int8Model, undefined);
    assert.ok(!fs.existsSync(path.join(dir, 'model_quant.onnx')));
  });

  it('rejects unknown profiles, layouts and bad arguments with usage errors', () => {
    assert.throws(
      () => makeTestModel({ outDir: tmp, layout: 'sherpa', profile: 'medium' }),
      (e: unknown) => e instanceof UsageError && /unknown profile 'medium'/.test(e.message),
    );
    assert.throws(
      () => buildTestModelBytes({ layout: 'sherpa', profile: 'huge' }),
      (e: unknown) => e instanceof UsageError && /unknown profile 'huge'.*tiny/.test(e.message),
    );
    assert.throws(() => buildTestModelBytes({ layout: 'kaldi' as 'sherpa' }), UsageError);
    assert.throws(() => buildTestModelBytes({ layout: 'sherpa', seed: -1 }), UsageError);
    assert.throws(() => parseArgs(['--layout', 'sherpa']), /--out DIR is required/);
    assert.throws(() => parseArgs(['--out', 'x']), /--layout is required/);
    assert.throws(() => parseArgs(['--out', 'x', '--layout', 'sherpa', '--seed', '1.5']), /--seed/);
    assert.throws(
      () => parseArgs(['--out', 'x', '--layout', 'sherpa', '--frobnicate']),
      (e: unknown) => e instanceof UsageError && /Unknown option '--frobnicate'/.test(e.message),
    );
    assert.throws(
      () => parseArgs(['--out', 'x', '--layout', 'sherpa', 'stray']),
      (e: unknown) => e instanceof UsageError && /Unexpected argument 'stray'/.test(e.message),
    );
    assert.throws(
      () => parseArgs(['--layout', 'sherpa', '--out']),
      (e: unknown) => e instanceof UsageError && /--out <value>' argument missing/.test(e.message),
    );
    assert.throws(() => parseArgs(['--out=', '--layout', 'sherpa']), /--out needs a value/);
    assert.throws(() => parseArgs(['--out', 'x', '--layout', 'sherpa', '--out', 'y']), /--out given twice/);
    assert.throws(
      () => parseArgs(['--out', 'x', '--layout', 'sherpa', '--int8=yes']),
      (e: unknown) => e instanceof UsageError && /'--int8' does not take an argument/.test(e.message),
    );
    assert.deepEqual(parseArgs(['--out=x', '--layout', 'funasr', '--seed', '7', '--int8', '--profile', 'tiny']), {
      outDir: 'x',
      layout: 'funasr',
      seed: 7,
      profile: 'tiny',
      int8: true,
    });
  });

  it('runs as a CLI: npm run make-test-model -- --out DIR --profile tiny --layout sherpa', () => {
    const out = path.join(tmp, 'cli');
    const ok = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/makeTestModel/main.ts',
        '--out',
        out,
        '--profile',
        'tiny',
        '--layout',
        'sherpa',
        '--seed',
        String(SEED),
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(
      fs.readFileSync(path.join(out, 'model.onnx')).equals(fs.readFileSync(sherpaModel.model)),
      'CLI and API write the same bytes',
    );
    const bad = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'tools/makeTestModel/main.ts', '--out', out, '--profile', 'medium', '--layout', 'sherpa'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown profile 'medium'[\s\S]*usage:/);
  });
});

describe('model contract', () => {
  const decode = (file: string): onnx.ModelProto => onnx.ModelProto.decode(fs.readFileSync(file));

  it('sherpa layout carries every metadata key sherpa-onnx 1.13.8 requires, CMVN from the real am.mvn', () => {
    for (const file of [sherpaModel.model, sherpaModel.int8Model as string]) {
      const meta = new Map(decode(file).metadataProps.map((p) => [p.key, p.value]));
      const expected: Record<string, string> = {
        vocab_size: '25055',
        lfr_window_size: '7',
        lfr_window_shift: '6',
        normalize_samples: '0',
        with_itn: '14',
        without_itn: '15',
        lang_auto: '0',
        lang_zh: '3',
        lang_en: '4',
        lang_yue: '7',
        lang_ja: '11',
        lang_ko: '12',
        lang_nospeech: '13',
        model_type: 'sense_voice_ctc',
        blank_id: '0',
      };
      for (const [k, v] of Object.entries(expected)) assert.equal(meta.get(k), v, k);
      assert.ok(meta.get('version'));
      assert.ok(
        !(meta.get('comment') ?? '').includes('Nano'),
        'a "Nano" comment switches sherpa into FunASR-Nano mode',
      );
      const mvn = readAmMvn(path.join(DEFAULT_ASSETS_DIR, 'am.mvn'));
      const negMean = (meta.get('neg_mean') ?? '').split(',').map(Number);
      const invStd = (meta.get('inv_stddev') ?? '').split(',').map(Number);
      assert.equal(negMean.length, 560);
      assert.equal(invStd.length, 560);
      assert.deepEqual(negMean, mvn.negMean.map(Number));
      assert.deepEqual(invStd, mvn.invStddev.map(Number));
      assert.ok(
        negMean[0] !== undefined && negMean[0] < -5 && invStd.every((v) => v > 0),
        'AddShift row is neg_mean, Rescale row is inv_stddev',
      );
    }
  });

  it('funasr layout has no metadata; both use opset 17 and only standard operators', () => {
    assert.equal(decode(funasrModel.model).metadataProps.length, 0);
    assert.equal(decode(funasrModel.int8Model as string).metadataProps.length, 0);
    const standard = new Set([
      'Shape',
      'Squeeze',
      'Range',
      'Unsqueeze',
      'Cast',
      'Less',
      'Max',
      'Equal',
      'Mul',
      'Add',
      'Sub',
      'Div',
      'Tanh',
      'Transpose',
      'Conv',
      'MatMul',
      'ReduceMax',
      'ReduceSum',
      'Slice',
      'Concat',
      'Split',
      'Reshape',
      'DynamicQuantizeLinear',
      'MatMulInteger',
    ]);
    for (const file of [
      sherpaModel.model,
      sherpaModel.int8Model as string,
      funasrModel.model,
      funasrModel.int8Model as string,
    ]) {
      const m = decode(file);
      assert.deepEqual(
        m.opsetImport.map((o) => [o.domain, Number(o.version)]),
        [['', 17]],
      );
      for (const n of m.graph?.node ?? [])
        assert.ok(standard.has(n.opType ?? '') && !n.domain, `${n.opType} in ${path.basename(file)}`);
    }
    const ops = new Set(decode(sherpaModel.int8Model as string).graph?.node?.map((n) => n.opType));
    assert.ok(ops.has('MatMulInteger') && ops.has('DynamicQuantizeLinear'), 'int8 variant is dynamically quantised');
  });

  it('onnxruntime-node sees the names, dtypes and dynamic shapes of each layout', () => {
    const meta = (s: ort.InferenceSession, which: 'inputMetadata' | 'outputMetadata') =>
      s[which].map((m) => (m.isTensor ? [m.name, m.type, m.shape] : [m.name]));
    for (const k of ['sherpa', 'sherpaInt8'] as const) {
      assert.deepEqual(meta(session(k), 'inputMetadata'), [
        ['x', 'float32', ['N', 'T', 560]],
        ['x_length', 'int32', ['N']],
        ['language', 'int32', ['N']],
        ['text_norm', 'int32', ['N']],
      ]);
      assert.deepEqual(meta(session(k), 'outputMetadata'), [['logits', 'float32', ['N', 'T+4', 25055]]]);
    }
    for (const k of ['funasr', 'funasrInt8'] as const) {
      assert.deepEqual(meta(session(k), 'inputMetadata'), [
        ['speech', 'float32', ['N', 'T', 560]],
        ['speech_lengths', 'int32', ['N']],
        ['language', 'int32', ['N']],
        ['textnorm', 'int32', ['N']],
      ]);
      assert.deepEqual(meta(session(k), 'outputMetadata'), [
        ['ctc_logits', 'float32', ['N', 'T+4', 25055]],
        ['encoder_out_lens', 'int32', ['N']],
      ]);
    }
  });

  it('any batch and length work; encoder_out_lens = lengths + 4; the layouts give identical logits', async () => {
    for (const [n, t] of [
      [1, 1],
      [3, 17],
      [2, 60],
    ] as const) {
      const x = speechLike(n * 100 + t, n * t);
      const lengths = Array.from({ length: n }, (_, i) => t - i);
      const a = await run(session('sherpa'), 'sherpa', x, n, t, { lengths, language: 0 });
      const b = await run(session('funasr'), 'funasr', x, n, t, { lengths, language: 0 });
      assert.deepEqual(a.dims, [n, t + 4, V]);
      assert.deepEqual(b.dims, [n, t + 4, V]);
      assert.deepEqual(
        Array.from(b.lengths ?? []),
        lengths.map((l) => l + 4),
      );
      assert.equal(maxAbsDiff(a.logits, b.logits), 0, 'same seed, same logits, whatever the layout');
    }
  });

  it('padding a clip into a longer batch leaves its valid frames unchanged', async () => {
    const t = 30;
    const short = 21;
    const x = speechLike(7, 2 * t);
    const batch = await run(session('sherpa'), 'sherpa', x, 2, t, { lengths: [t, short] });
    const alone = await run(session('sherpa'), 'sherpa', x.slice(t * F, (t + short) * F), 1, short);
    const rowStart = (t + 4) * V;
    const diff = maxAbsDiff(batch.logits.subarray(rowStart, rowStart + (short + 4) * V), alone.logits);
    assert.ok(diff < 1e-4, `max diff ${diff}`);
  });
});

describe('model behaviour', () => {
  it('logits depend on every one of the 560 feature dimensions', async () => {
    const t = 2;
    const base = speechLike(11, t);
    const chunk = 70;
    const ref = await run(session('sherpa'), 'sherpa', base, 1, t);
    const frame = (t + 4) * V;
    const unchanged: number[] = [];
    for (let start = 0; start < F; start += chunk) {
      const x = new Float32Array(chunk * t * F);
      for (let r = 0; r < chunk; r++) {
        x.set(base, r * t * F);
        for (let i = 0; i < t; i++)
          x[r * t * F + i * F + start + r] = (x[r * t * F + i * F + start + r] as number) + 0.5;
      }
      const out = await run(session('sherpa'), 'sherpa', x, chunk, t);
      for (let r = 0; r < chunk; r++) {
        if (maxAbsDiff(out.logits.subarray(r * frame, (r + 1) * frame), ref.logits) < 1e-3) unchanged.push(start + r);
      }
    }
    assert.deepEqual(unchanged, [], 'feature dims whose perturbation changed no logit');
  });

  it('logits depend on language and text_norm', async () => {
    const t = 12;
    const x = speechLike(12, t);
    const auto = await run(session('funasr'), 'funasr', x, 1, t, { language: 0 });
    for (const l of LANGUAGES) {
      const forced = await run(session('funasr'), 'funasr', x, 1, t, { language: l.input });
      assert.ok(maxAbsDiff(auto.logits, forced.logits, 4 * V) > 1e-3, `text frames react to language ${l.name}`);
    }
    const withItn = await run(session('funasr'), 'funasr', x, 1, t, { textNorm: WITH_ITN.input });
    assert.ok(maxAbsDiff(auto.logits, withItn.logits, 4 * V) > 1e-3, 'text frames react to text_norm');
  });

  it('the 4 query frames decode to language, emotion, event and text-norm tags', async () => {
    const n = 12;
    const t = 25;
    const x = new Float32Array(n * t * F);
    for (let i = 0; i < n; i++) x.set(speechLike(200 + i, t, [[0, 3]]), i * t * F);
    const textNorm = Array.from({ length: n }, (_, i) => (i % 2 ? WITH_ITN.input : WITHOUT_ITN.input));
    const out = await run(session('sherpa'), 'sherpa', x, n, t, { language: 0, textNorm });
    const seen = { lang: new Set<number>(), emo: new Set<number>(), event: new Set<number>() };
    for (let i = 0; i < n; i++) {
      const [lang, emo, event, tn] = argmaxFrames(out.logits, i, t + 4).slice(0, 4) as [number, number, number, number];
      assert.ok(LANGUAGE_TAG_IDS.has(lang), `frame 0 is a language tag, got ${lang}`);
      assert.ok(EMOTION_IDS.has(emo), `frame 1 is an emotion tag, got ${emo}`);
      assert.ok(EVENT_IDS.has(event), `frame 2 is an event tag, got ${event}`);
      assert.equal(tn, i % 2 ? WITH_ITN.id : WITHOUT_ITN.id, 'frame 3 follows text_norm');
      seen.lang.add(lang);
      seen.emo.add(emo);
      seen.event.add(event);
    }
    assert.ok(
      seen.lang.size >= 2 && seen.emo.size >= 2 && seen.event.size >= 2,
      `auto tags vary with the audio: ${JSON.stringify([...Object.values(seen)].map((s) => [...s]))}`,
    );
  });

  it('query frames hold their kinds for degenerate input too (zeros, huge values)', async () => {
    const t = 6;
    for (const value of [0, 50, -50]) {
      const out = await run(session('funasr'), 'funasr', new Float32Array(t * F).fill(value), 1, t, {
        textNorm: WITH_ITN.input,
      });
      const [lang, emo, event, tn] = argmaxFrames(out.logits, 0, t + 4) as [number, number, number, number];
      assert.ok(
        LANGUAGE_TAG_IDS.has(lang) && EMOTION_IDS.has(emo) && EVENT_IDS.has(event) && tn === WITH_ITN.id,
        `features all ${value}`,
      );
    }
  });

  it('a forced language makes the language frame emit that language', async () => {
    const t = 10;
    const x = speechLike(13, t);
    for (const l of LANGUAGES) {
      const out = await run(session('sherpa'), 'sherpa', x, 1, t, { language: l.input, textNorm: WITH_ITN.input });
      assert.deepEqual(
        [argmaxFrames(out.logits, 0, t + 4)[0], argmaxFrames(out.logits, 0, t + 4)[3]],
        [l.id, WITH_ITN.id],
        l.name,
      );
    }
  });

  it('EMO_UNKNOWN wins on some clips and trails the best emotion by at most UNKNOWN_LEAD on the others', async () => {
    const n = 16;
    const t = 20;
    const x = new Float32Array(n * t * F);
    for (let i = 0; i < n; i++) x.set(speechLike(300 + i, t), i * t * F);
    const out = await run(session('sherpa'), 'sherpa', x, n, t);
    let wins = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * (t + 4) + 1) * V;
      const best = Math.max(...EMOTIONS.map((e) => out.logits[base + e.id] as number));
      const unknown = out.logits[base + EMO_UNKNOWN_ID] as number;
      assert.ok(Math.abs(unknown - best) <= UNKNOWN_LEAD + 1e-4, `EMO_UNKNOWN ${unknown} vs best emotion ${best}`);
      if (unknown > best) wins++;
    }
    assert.ok(wins > 0 && wins < n, `EMO_UNKNOWN won ${wins} of ${n}`);
  });

  it('text frames look like CTC output: blanks (all of them in silence), repeats, varied ordinary pieces', async () => {
    const t = 200;
    const silences: Array<[number, number]> = [
      [0, 15],
      [90, 110],
      [185, 200],
    ];
    const x = speechLike(21, t, silences);
    const out = await run(session('sherpa'), 'sherpa', x, 1, t);
    const text = argmaxFrames(out.logits, 0, t + 4).slice(4);
    for (const [from, to] of silences)
      assert.ok(
        text.slice(from, to).every((id) => id === 0),
        `silence ${from}-${to} is blank`,
      );
    const speech = text.filter((_, i) => !silences.some(([a, b]) => i >= a && i < b));
    const blanks = speech.filter((id) => id === 0).length;
    assert.ok(
      blanks > 0.25 * speech.length && blanks < 0.8 * speech.length,
      `blank share in speech ${blanks}/${speech.length}`,
    );
    assert.ok(
      text.every((id) => id === 0 || (id >= 3 && id < FIRST_SPECIAL_ID)),
      'text frames emit only blank and ordinary pieces',
    );
    let repeats = 0;
    const tokens: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const id = text[i] as number;
      if (id === 0) continue;
      if (text[i - 1] === id) repeats++;
      else tokens.push(id);
    }
    assert.ok(repeats >= 3, `repeated frames ${repeats}`);
    assert.ok(
      tokens.length >= 25 && new Set(tokens).size >= 15,
      `${tokens.length} tokens, ${new Set(tokens).size} distinct`,
    );
  });

  it('argmax margins survive 1e-5 relative noise on the features', async () => {
    const n = 6;
    const t = 80;
    const x = new Float32Array(n * t * F);
    for (let i = 0; i < n; i++)
      x.set(
        speechLike(400 + i, t, [
          [0, 5],
          [40, 48],
        ]),
        i * t * F,
      );
    const rng = new SeededRandom(1, 'noise');
    const noisy = x.map((v) => v * (1 + 1e-5 * rng.normal()));
    const a = await run(session('sherpa'), 'sherpa', x, n, t);
    const b = await run(session('sherpa'), 'sherpa', noisy, n, t);
    for (let i = 0; i < n; i++)
      assert.deepEqual(argmaxFrames(b.logits, i, t + 4), argmaxFrames(a.logits, i, t + 4), `row ${i}`);
  });

  it('the int8 variant stays close to fp32: same tags, nearly the same argmax', async () => {
    const n = 4;
    const t = 100;
    const x = new Float32Array(n * t * F);
    for (let i = 0; i < n; i++)
      x.set(
        speechLike(500 + i, t, [
          [0, 10],
          [60, 70],
        ]),
        i * t * F,
      );
    for (const [fp, q, layout] of [
      ['sherpa', 'sherpaInt8', 'sherpa'],
      ['funasr', 'funasrInt8', 'funasr'],
    ] as const) {
      const a = await run(session(fp), layout, x, n, t);
      const b = await run(session(q), layout, x, n, t);
      let range = 0;
      for (const v of a.logits) range = Math.max(range, Math.abs(v));
      const diff = maxAbsDiff(a.logits, b.logits);
      assert.ok(diff < 0.05 * range, `int8 max diff ${diff} vs logit range ${range}`);
      let same = 0;
      for (let i = 0; i < n; i++) {
        const fa = argmaxFrames(a.logits, i, t + 4);
        const fb = argmaxFrames(b.logits, i, t + 4);
        assert.deepEqual(fb.slice(0, 4), fa.slice(0, 4), 'query tags agree');
        same += fa.slice(4).filter((id, k) => id === fb[k + 4]).length;
      }
      assert.ok(same >= 0.9 * n * t, `int8 agrees on ${same} of ${n * t} text frames`);
    }
  });
});

// sherpa-onnx ends the whole process (code 255) on a missing metadata key, so it runs in a child.
const SHERPA_CHILD = `
const sherpa = require('sherpa-onnx-node');
const { model, tokens, clips, languages, noise } = JSON.parse(process.argv[1]);
const out = {};
for (const language of languages) {
  const started = Date.now();
  const rec = new sherpa.OfflineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: { senseVoice: { model, language, useInverseTextNormalization: 0 }, tokens, numThreads: 1, provider: 'cpu' },
  });
  out[language] = { loadMs: Date.now() - started, clips: {} };
  for (const clip of clips) {
    const wave = sherpa.readWave(clip);
    const decode = (samples) => {
      const stream = rec.createStream();
      stream.acceptWaveform({ sampleRate: wave.sampleRate, samples });
      rec.decode(stream);
      return rec.getResult(stream);
    };
    const r = decode(wave.samples);
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296) - 0.5;
    const noisy = noise ? decode(wave.samples.map((v) => v * (1 + 2e-5 * rand()))) : undefined;
    out[language].clips[clip] = { lang: r.lang, emotion: r.emotion, event: r.event, tokens: r.tokens, timestamps: r.timestamps, duration: wave.samples.length / wave.sampleRate, noisyTokens: noisy && noisy.tokens };
  }
}
process.stdout.write(JSON.stringify(out));
`;

function hasSherpa(): boolean {
  try {
    require.resolve('sherpa-onnx-node');
    return true;
  } catch {
    return false;
  }
}

interface SherpaClip {
  lang: string;
  emotion: string;
  event: string;
  tokens: string[];
  timestamps: number[];
  duration: number;
  noisyTokens?: string[];
}

function sherpaDecode(
  model: string,
  tokens: string,
  clips: string[],
  languages: string[],
  noise = false,
): Record<string, { loadMs: number; clips: Record<string, SherpaClip> }> {
  const r = spawnSync(
    process.execPath,
    ['-e', SHERPA_CHILD, JSON.stringify({ model, tokens, clips, languages, noise })],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  assert.equal(r.status, 0, `sherpa-onnx child exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe(
  'sherpa-onnx-node reads the sherpa layout',
  { skip: hasSherpa() ? false : 'sherpa-onnx-node is not installed' },
  () => {
    const clips = ['en', 'ja', 'ko', 'yue', 'zh'].map((c) => path.join(AUDIO_DIR, 'sense_voice', `${c}.wav`));
    const en = clips[0] as string;
    const tags = {
      lang: new Set<string>(LANGUAGES.map((l) => l.tag)),
      emotion: new Set<string>([...EMOTIONS.map((e) => e.tag), '<|EMO_UNKNOWN|>']),
      event: new Set<string>(EVENTS.map((e) => e.tag)),
    };

    it('transcribes the sense_voice clips: tokens, tags and 60 ms timestamps; forced zh gives <|zh|>', () => {
      const out = sherpaDecode(sherpaModel.model, sherpaModel.tokens as string, clips, ['', 'zh'], true);
      const auto = out['']?.clips ?? {};
      const seen = new Set<string>();
      for (const clip of clips) {
        const r = auto[clip];
        assert.ok(r, clip);
        assert.ok(r.tokens.length >= 5, `${path.basename(clip)}: ${r.tokens.length} tokens`);
        assert.ok(
          tags.lang.has(r.lang) && tags.emotion.has(r.emotion) && tags.event.has(r.event),
          `${r.lang} ${r.emotion} ${r.event}`,
        );
        assert.ok(
          r.tokens.every((tok) => !tok.startsWith('<|')),
          'no tag among the text tokens',
        );
        assert.equal(r.timestamps.length, r.tokens.length);
        r.timestamps.forEach((ts, i) => {
          assert.ok(Math.abs(ts / 0.06 - Math.round(ts / 0.06)) < 1e-3, `timestamp ${ts} is a multiple of 60 ms`);
          assert.ok(ts >= 0 && ts < r.duration && (i === 0 || ts > (r.timestamps[i - 1] as number)), `timestamp ${ts}`);
        });
        assert.deepEqual(
          r.noisyTokens,
          r.tokens,
          `${path.basename(clip)}: 2e-5 relative noise on the samples changes no token`,
        );
        seen.add(`${r.lang}${r.emotion}${r.event}`);
        assert.equal(out['zh']?.clips[clip]?.lang, '<|zh|>');
      }
      assert.ok(seen.size >= 3, `tags vary between clips: ${[...seen].join(' ')}`);
      // Repeated frames are merged, so equal neighbours in the token list were separated by a blank.
      assert.ok(
        clips.some((c) => (auto[c]?.tokens ?? []).some((tok, i, all) => i > 0 && all[i - 1] === tok)),
        'a piece recurs across a blank',
      );
      assert.ok(
        clips.some((c) => auto[c]?.emotion === '<|EMO_UNKNOWN|>'),
        'EMO_UNKNOWN wins on some clip (exercises ban_emo_unk)',
      );
    });

    it('loads the int8 variant too, and its transcript stays close to fp32', () => {
      const fp = sherpaDecode(sherpaModel.model, sherpaModel.tokens as string, [en], [''])['']?.clips[en];
      const q = sherpaDecode(sherpaModel.int8Model as string, sherpaModel.tokens as string, [en], [''])['']?.clips[en];
      assert.ok(fp && q);
      assert.deepEqual([q.lang, q.emotion, q.event], [fp.lang, fp.emotion, fp.event]);
      const common = q.tokens.filter((tok) => fp.tokens.includes(tok)).length;
      assert.ok(
        q.tokens.length > 0 && common >= 0.7 * fp.tokens.length,
        `int8 ${q.tokens.length} tokens, ${common} shared with fp32's ${fp.tokens.length}`,
      );
    });
  },
);
