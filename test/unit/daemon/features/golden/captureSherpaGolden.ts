// Regenerates sherpaGolden.json: the features sherpa-onnx 1.13.8 itself computes for GOLDEN_CASES,
// read out of the running binary with gdb. Not a test; run by hand on Linux x64 with gdb installed:
//
//   npx tsx test/unit/daemon/features/golden/captureSherpaGolden.ts
//
// sherpa-onnx-node does not expose its features, so this builds a tiny SenseVoice-layout ONNX model
// (logits = pad(sum(x)) * ones, with the real CMVN vectors from am.mvn in its metadata), decodes each
// input with it under gdb, and lets sherpaFeatureDump.py copy the fbank, LFR and CMVN buffers from
// memory at ApplyLfr and at the model's Forward. The JSON keeps hashes plus a few leading values.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { parseAmMvn } from '../../../../../daemon/features/cmvn';
import { AM_MVN_PATH, sha256OfFloats } from '../helpers';
import { GOLDEN_CASES } from './goldenCases';

const ROOT = path.resolve(__dirname, '../../../../..');
const OUT_JSON = path.join(__dirname, 'sherpaGolden.json');
const VOCAB = 8;

function buildModel(file: string): void {
  const cmvn = parseAmMvn({ text: fs.readFileSync(AM_MVN_PATH, 'utf8') });
  const { FLOAT, INT32, INT64 } = onnx.TensorProto.DataType;
  const io = (name: string, elemType: number, dims: (string | number)[]) => ({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
  const meta: Record<string, string> = {
    model_type: 'sense_voice_ctc',
    vocab_size: String(VOCAB),
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
    neg_mean: Array.from(cmvn.negMean).join(','),
    inv_stddev: Array.from(cmvn.invStddev).join(','),
  };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'captureSherpaGolden',
    graph: {
      name: 'features-probe',
      input: [
        io('x', FLOAT, ['N', 'T', 560]),
        io('x_length', INT32, ['N']),
        io('language', INT32, ['N']),
        io('text_norm', INT32, ['N']),
      ],
      output: [io('logits', FLOAT, ['N', 'T4', VOCAB])],
      initializer: [
        { name: 'axes', dataType: INT64, dims: [1], int64Data: [2] },
        { name: 'pads', dataType: INT64, dims: [6], int64Data: [0, 4, 0, 0, 0, 0] },
        { name: 'ones', dataType: FLOAT, dims: [VOCAB], floatData: new Array(VOCAB).fill(1) },
      ],
      node: [
        {
          opType: 'ReduceSum',
          input: ['x', 'axes'],
          output: ['s'],
          attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
        },
        { opType: 'Pad', input: ['s', 'pads'], output: ['p'] },
        { opType: 'Mul', input: ['p', 'ones'], output: ['logits'] },
      ],
    },
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
  });
  fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
}

const RUNNER = `
const sherpa = require(process.env.SHERPA_NODE);
const fs = require('fs');
const rec = new sherpa.OfflineRecognizer({
  featConfig: { sampleRate: 16000, featureDim: 80 },
  modelConfig: { senseVoice: { model: process.env.PROBE_MODEL, language: '', useInverseTextNormalization: 0 },
    tokens: process.env.PROBE_TOKENS, numThreads: 1, provider: 'cpu', debug: 0 },
});
const b = fs.readFileSync(process.env.PROBE_SAMPLES);
const s = rec.createStream();
s.acceptWaveform({ samples: new Float32Array(b.buffer, b.byteOffset, b.length / 4), sampleRate: 16000 });
rec.decode(s);
`;

function readFloats(file: string): Float32Array {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** melbanks.bin (sparse rows) as the dense 80 x 256 matrix kaldiMelBanks exposes. */
function denseMelBanks(file: string): Float32Array {
  const b = fs.readFileSync(file);
  const matrix = new Float32Array(80 * 256);
  let off = 0;
  for (let bin = 0; bin < 80; bin++) {
    const first = b.readInt32LE(off);
    const n = b.readInt32LE(off + 4);
    off += 8;
    for (let i = 0; i < n; i++) matrix[bin * 256 + first + i] = b.readFloatLE(off + 4 * i);
    off += 4 * n;
  }
  return matrix;
}

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sherpa-golden-'));
  const modelFile = path.join(work, 'probe.onnx');
  const tokensFile = path.join(work, 'tokens.txt');
  buildModel(modelFile);
  fs.writeFileSync(tokensFile, Array.from({ length: VOCAB }, (_, i) => `t${i} ${i}`).join('\n') + '\n');
  const sherpaNode = path.join(ROOT, 'node_modules/sherpa-onnx-node');
  const version = JSON.parse(fs.readFileSync(path.join(sherpaNode, 'package.json'), 'utf8')).version as string;

  let melBanksSha256 = '';
  const cases = GOLDEN_CASES.map((c) => {
    const dir = fs.mkdtempSync(path.join(work, 'case-'));
    const samplesFile = path.join(dir, 'samples.f32');
    const samples = c.samples();
    fs.writeFileSync(samplesFile, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
    const r = spawnSync(
      'gdb',
      ['--batch', '-x', path.join(__dirname, 'sherpaFeatureDump.py'), '--args', process.execPath, '-e', RUNNER],
      {
        env: {
          ...process.env,
          DUMP_DIR: dir,
          SHERPA_NODE: sherpaNode,
          PROBE_MODEL: modelFile,
          PROBE_TOKENS: tokensFile,
          PROBE_SAMPLES: samplesFile,
        },
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    const dumped = (r.stdout.match(/^DUMPED/gm) ?? []).length;
    if (dumped !== 4) throw new Error(`${c.name}: gdb dumped ${dumped} of 4 buffers\n${r.stdout}\n${r.stderr}`);
    const banks = sha256OfFloats(denseMelBanks(path.join(dir, 'melbanks.bin')));
    if (melBanksSha256 !== '' && banks !== melBanksSha256) throw new Error('mel banks differ between runs');
    melBanksSha256 = banks;
    const fbank = readFloats(path.join(dir, 'fbank.bin'));
    const lfr = readFloats(path.join(dir, 'lfr.bin'));
    const cmvn = readFloats(path.join(dir, 'cmvn.bin'));
    console.log(
      `${c.name}: ${samples.length} samples -> ${fbank.length / 80} fbank frames, ${lfr.length / 560} LFR frames`,
    );
    return {
      name: c.name,
      numSamples: samples.length,
      samplesSha256: sha256OfFloats(samples),
      fbankFrames: fbank.length / 80,
      lfrFrames: lfr.length / 560,
      fbankSha256: sha256OfFloats(fbank),
      lfrSha256: sha256OfFloats(lfr),
      cmvnSha256: sha256OfFloats(cmvn),
      fbankHead: Array.from(fbank.subarray(0, 8)),
      cmvnHead: Array.from(cmvn.subarray(0, 8)),
    };
  });
  const golden = {
    comment: 'Captured from the running sherpa-onnx binary by captureSherpaGolden.ts; do not edit by hand.',
    sherpaOnnxNode: version,
    platform: `${process.platform}-${process.arch}`,
    cmvnSource: 'am.mvn of test/fixtures/sensevoice-small-assets',
    melBanksSha256,
    cases,
  };
  fs.writeFileSync(OUT_JSON, JSON.stringify(golden, null, 2) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`wrote ${OUT_JSON}`);
}

main();
