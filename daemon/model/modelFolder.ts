// Finds and checks a SenseVoiceSmall model folder in either layout users bring:
// - sherpa-onnx: model.int8.onnx and/or model.onnx + tokens.txt; the contract (CMVN, LFR, query
//   ids) is in the model's metadata_props;
// - FunASR / ModelScope: model_quant.onnx and/or model.onnx + am.mvn + the SentencePiece model (or a
//   tokens file); no metadata, so the query ids are SenseVoiceSmall's fixed ones.
// The layout is decided by the model's input names, not by file names. Everything is checked up
// front and reported in one actionable message, so a bad folder fails here and not mid-inference.

import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAmMvn, type Cmvn } from '../features/cmvn';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { OnnxFormatError, readOnnxModelInfo, type OnnxModelInfo, type OnnxValueInfo } from './onnxMetadata';
import { readSentencePieceTokens } from './sentencePieceModel';
import { TokenTableError, readTokenTable } from './tokens';

export type ModelLayout = 'sherpa' | 'funasr';

export type { Cmvn };

export interface InspectOptions {
  /** Pick the int8 model when both exist (CPU); otherwise fp32 (GPU: no int8 kernels there). */
  preferQuantized: boolean;
  /** Reads FunASR's am.mvn (FunASR folders only); defaults to features/cmvn's parseAmMvn. */
  readCmvn?: (amMvnPath: string) => Promise<Cmvn>;
}

/** Query ids the model embeds for the language hint (SenseVoiceSmall's lid_dict). */
export interface LanguageIds {
  auto: number;
  zh: number;
  en: number;
  yue: number;
  ja: number;
  ko: number;
  nospeech: number;
}

/** Everything the runtime needs to load and drive a model folder. */
export interface ModelFolderInfo {
  dir: string;
  layout: ModelLayout;
  /** Absolute path of the chosen .onnx file. */
  modelFile: string;
  quantization: 'int8' | 'fp32';
  sizeBytes: number;
  inputNames: { features: string; lengths: string; language: string; textNorm: string };
  /** The logits output. */
  outputName: string;
  vocabSize: number;
  /** id -> piece. */
  tokens: string[];
  tokensFile: string;
  negMean: Float32Array;
  invStddev: Float32Array;
  langIds: LanguageIds;
  withItnId: number;
  withoutItnId: number;
  lfr: { m: number; n: number };
  /** Whether samples stay in [-1, 1] (true) or are scaled to the int16 range (false, SenseVoice). */
  normalizeSamples: boolean;
  blankId: number;
  /** The other model files present (absolute paths), e.g. the fp32 one when int8 was chosen. */
  otherModelFiles: string[];
  /** The model's metadata_props as found (empty for FunASR exports). */
  metadata: Record<string, string>;
}

export const SHERPA_FILES = { int8: 'model.int8.onnx', fp32: 'model.onnx', tokens: 'tokens.txt' } as const;
export const FUNASR_FILES = {
  int8: 'model_quant.onnx',
  fp32: 'model.onnx',
  cmvn: 'am.mvn',
  bpe: 'chn_jpn_yue_eng_ko_spectok.bpe.model',
} as const;
const FUNASR_TOKEN_FILES = ['tokens.json', 'tokens.txt', FUNASR_FILES.bpe];

/** SenseVoiceSmall's fixed query ids (FunASR model.py lid_dict / textnorm_dict). */
export const FIXED_LANG_IDS: LanguageIds = { auto: 0, zh: 3, en: 4, yue: 7, ja: 11, ko: 12, nospeech: 13 };
export const FIXED_WITH_ITN = 14;
export const FIXED_WITHOUT_ITN = 15;
const MEL_BINS = 80;
const LFR = { m: 7, n: 6 };

interface LayoutIo {
  inputs: { features: string; lengths: string; language: string; textNorm: string };
  output: string;
}
const IO: Record<ModelLayout, LayoutIo> = {
  sherpa: {
    inputs: { features: 'x', lengths: 'x_length', language: 'language', textNorm: 'text_norm' },
    output: 'logits',
  },
  funasr: {
    inputs: { features: 'speech', lengths: 'speech_lengths', language: 'language', textNorm: 'textnorm' },
    output: 'ctc_logits',
  },
};

/** The metadata keys sherpa-onnx refuses to run without (its process exits when one is missing). */
const SHERPA_REQUIRED_KEYS = [
  'vocab_size',
  'lfr_window_size',
  'lfr_window_shift',
  'normalize_samples',
  'with_itn',
  'without_itn',
  'lang_auto',
  'lang_zh',
  'lang_en',
  'lang_ja',
  'lang_ko',
  'lang_yue',
  'neg_mean',
  'inv_stddev',
];

export const HOW_TO_GET_A_MODEL =
  'To get one: download sherpa-onnx-sense-voice-zh-en-ja-ko-yue-int8-2024-07-17.tar.bz2 from the ' +
  'sherpa-onnx GitHub release "asr-models" and unpack it (or fetch model.int8.onnx and tokens.txt from ' +
  'Hugging Face, csukuangfj/sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17), or download ' +
  'iic/SenseVoiceSmall with its ONNX export from ModelScope; then set the model path to that folder.';

function notFound(message: string, data: unknown): SenseVoiceError {
  return new SenseVoiceError(ErrorCode.ModelNotFound, `${message} ${HOW_TO_GET_A_MODEL}`, data);
}

function invalid(file: string, message: string): SenseVoiceError {
  return new SenseVoiceError(ErrorCode.ModelInvalid, message, { file });
}

/** Inspects `dir`; throws SenseVoiceError (ModelNotFound or ModelInvalid) with what to do next. */
export async function inspectModelFolder(dir: string, options: InspectOptions): Promise<ModelFolderInfo> {
  dir = path.resolve(dir);
  const names = await listFolder(dir);
  const has = (name: string): boolean => names.includes(name);

  const quantizedName: string | undefined = [SHERPA_FILES.int8, FUNASR_FILES.int8].find(has);
  const fp32Name: string | undefined = has(SHERPA_FILES.fp32) ? SHERPA_FILES.fp32 : undefined;
  if (!quantizedName && !fp32Name) {
    const lookedFor = [SHERPA_FILES.int8, FUNASR_FILES.int8, SHERPA_FILES.fp32];
    throw notFound(
      `No SenseVoice model in ${dir}: looked for ${SHERPA_FILES.int8} or ${SHERPA_FILES.fp32} with ` +
        `${SHERPA_FILES.tokens} (sherpa-onnx layout), and ${FUNASR_FILES.int8} or ${FUNASR_FILES.fp32} with ` +
        `${FUNASR_FILES.cmvn} and ${FUNASR_FILES.bpe} (FunASR layout). ` +
        (names.length
          ? `The folder holds: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}.`
          : 'The folder is empty.'),
      { dir, lookedFor, found: names },
    );
  }
  const chosenName = options.preferQuantized ? (quantizedName ?? fp32Name)! : (fp32Name ?? quantizedName)!;
  const modelFile = path.join(dir, chosenName);
  const otherModelFiles = [SHERPA_FILES.int8, FUNASR_FILES.int8, SHERPA_FILES.fp32]
    .filter((n) => has(n) && n !== chosenName)
    .map((n) => path.join(dir, n));

  const info = await readModelInfo(modelFile);
  const layout = detectLayout(info);
  const io = checkIo(info, layout);

  const contract = layout === 'sherpa' ? sherpaContract(info) : await funasrContract(dir, names, options);
  const tokensFile = layout === 'sherpa' ? path.join(dir, SHERPA_FILES.tokens) : funasrTokensFile(dir, names);
  if (layout === 'sherpa' && !has(SHERPA_FILES.tokens)) {
    throw invalid(
      tokensFile,
      `${tokensFile} is missing: a sherpa-onnx SenseVoice model needs its tokens.txt beside ${chosenName}.`,
    );
  }
  const tokens = await readTokens(tokensFile);

  const vocabSize = checkVocab(modelFile, info, layout, io.vocabFromShape, tokensFile, tokens.length);
  checkTags(tokensFile, tokens);
  checkFrontEnd(modelFile, contract.lfr, contract.negMean, contract.invStddev, io.featureDim);

  return {
    dir,
    layout,
    modelFile,
    quantization: chosenName === quantizedName ? 'int8' : 'fp32',
    sizeBytes: info.fileSize,
    inputNames: { ...IO[layout].inputs },
    outputName: IO[layout].output,
    vocabSize,
    tokens,
    tokensFile,
    ...contract,
    otherModelFiles,
    metadata: info.metadata,
  };
}

async function listFolder(dir: string): Promise<string[]> {
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw notFound(`The model folder ${dir} does not exist.`, { dir, lookedFor: [], found: [] });
    }
    throw notFound(`The model folder ${dir} cannot be read: ${(err as Error).message}.`, {
      dir,
      lookedFor: [],
      found: [],
    });
  }
  if (!stat.isDirectory()) {
    throw notFound(
      `${dir} is a file; the model path should be the folder that holds the model and its tokens (${path.dirname(dir)}?).`,
      { dir, lookedFor: [], found: [] },
    );
  }
  return (await fs.readdir(dir)).sort();
}

async function readModelInfo(file: string): Promise<OnnxModelInfo> {
  try {
    return await readOnnxModelInfo(file);
  } catch (err) {
    if (err instanceof OnnxFormatError) throw invalid(file, err.message);
    throw invalid(file, `${file} cannot be read: ${(err as Error).message}.`);
  }
}

function describeIo(values: OnnxValueInfo[]): string {
  return values.length ? values.map((v) => `${v.name} (${v.elemType})`).join(', ') : 'none';
}

function detectLayout(info: OnnxModelInfo): ModelLayout {
  const names = new Set(info.inputs.map((i) => i.name));
  if (names.has(IO.sherpa.inputs.features)) return 'sherpa';
  if (names.has(IO.funasr.inputs.features)) return 'funasr';
  throw invalid(
    info.path,
    `${info.path} does not look like SenseVoiceSmall: its inputs are ${describeIo(info.inputs)}; expected ` +
      'x, x_length, language, text_norm (sherpa-onnx export) or speech, speech_lengths, language, textnorm (FunASR export).',
  );
}

/** Checks names and types of the layout's inputs and output; returns what the shapes reveal. */
function checkIo(
  info: OnnxModelInfo,
  layout: ModelLayout,
): { featureDim: number | null; vocabFromShape: number | null } {
  const { inputs, output } = IO[layout];
  const problems: string[] = [];
  const expectInput = (name: string, types: string[]): OnnxValueInfo | undefined => {
    const v = info.inputs.find((i) => i.name === name);
    if (!v) problems.push(`input ${name} is missing`);
    else if (!types.includes(v.elemType))
      problems.push(`input ${name} is ${v.elemType}, expected ${types.join(' or ')}`);
    return v;
  };
  const features = expectInput(inputs.features, ['float32']);
  expectInput(inputs.lengths, ['int32']);
  expectInput(inputs.language, ['int32']);
  expectInput(inputs.textNorm, ['int32']);
  const logits = info.outputs.find((o) => o.name === output);
  if (!logits) problems.push(`output ${output} is missing`);
  else if (logits.elemType !== 'float32') problems.push(`output ${output} is ${logits.elemType}, expected float32`);
  if (features?.shape && features.shape.length !== 3)
    problems.push(`input ${inputs.features} has rank ${features.shape.length}, expected 3`);
  if (logits?.shape && logits.shape.length !== 3)
    problems.push(`output ${output} has rank ${logits.shape.length}, expected 3`);
  if (problems.length) {
    throw invalid(
      info.path,
      `${info.path} (${layout === 'sherpa' ? 'sherpa-onnx' : 'FunASR'} layout) does not match SenseVoiceSmall's interface: ` +
        `${problems.join('; ')}. Inputs: ${describeIo(info.inputs)}; outputs: ${describeIo(info.outputs)}.`,
    );
  }
  const last = (v: OnnxValueInfo | undefined): number | null => {
    const d = v?.shape?.[v.shape.length - 1];
    return typeof d === 'number' && d > 0 ? d : null;
  };
  return { featureDim: last(features), vocabFromShape: last(logits) };
}

type Contract = Pick<
  ModelFolderInfo,
  'negMean' | 'invStddev' | 'langIds' | 'withItnId' | 'withoutItnId' | 'lfr' | 'normalizeSamples' | 'blankId'
>;

function sherpaContract(info: OnnxModelInfo): Contract {
  const md = info.metadata;
  const file = info.path;
  const missing = SHERPA_REQUIRED_KEYS.filter((k) => md[k] === undefined);
  if (missing.length) {
    throw invalid(
      file,
      `${file} has a sherpa-onnx interface but its metadata lacks ${missing.join(', ')}. Use a published ` +
        "sherpa-onnx SenseVoice model, or re-export with sherpa-onnx's scripts/sense-voice/export-onnx.py.",
    );
  }
  if (md.model_type !== undefined && md.model_type !== 'sense_voice_ctc') {
    throw invalid(file, `${file} has model_type "${md.model_type}"; expected "sense_voice_ctc" (SenseVoiceSmall).`);
  }
  if (md.comment?.includes('Nano')) {
    throw invalid(
      file,
      `${file} is a FunASR Nano model (its comment says "${md.comment}"); this extension runs SenseVoiceSmall.`,
    );
  }
  const int = (key: string): number => {
    const v = md[key]!.trim();
    if (!/^-?\d+$/.test(v)) throw invalid(file, `${file} metadata ${key} is "${v.slice(0, 40)}"; expected an integer.`);
    return Number(v);
  };
  return {
    negMean: floatList(file, 'neg_mean', md.neg_mean!),
    invStddev: floatList(file, 'inv_stddev', md.inv_stddev!),
    langIds: {
      auto: int('lang_auto'),
      zh: int('lang_zh'),
      en: int('lang_en'),
      yue: int('lang_yue'),
      ja: int('lang_ja'),
      ko: int('lang_ko'),
      nospeech: md.lang_nospeech !== undefined ? int('lang_nospeech') : FIXED_LANG_IDS.nospeech,
    },
    withItnId: int('with_itn'),
    withoutItnId: int('without_itn'),
    lfr: { m: int('lfr_window_size'), n: int('lfr_window_shift') },
    normalizeSamples: int('normalize_samples') !== 0,
    blankId: md.blank_id !== undefined ? int('blank_id') : 0,
  };
}

function floatList(file: string, key: string, value: string): Float32Array {
  const parts = value.split(',');
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i]!.trim();
    const x = Number(s);
    if (s === '' || !Number.isFinite(x)) {
      throw invalid(
        file,
        `${file} metadata ${key} entry ${i} is "${s.slice(0, 20)}"; expected comma-separated numbers.`,
      );
    }
    out[i] = x;
  }
  return out;
}

async function funasrContract(dir: string, names: string[], options: InspectOptions): Promise<Contract> {
  const cmvnFile = path.join(dir, FUNASR_FILES.cmvn);
  if (!names.includes(FUNASR_FILES.cmvn)) {
    throw invalid(
      cmvnFile,
      `${cmvnFile} is missing: a FunASR SenseVoiceSmall export needs its am.mvn (the CMVN statistics).`,
    );
  }
  const readCmvn = options.readCmvn ?? readAmMvn;
  let cmvn: Cmvn;
  try {
    cmvn = await readCmvn(cmvnFile);
  } catch (err) {
    throw invalid(cmvnFile, `${cmvnFile} cannot be used: ${(err as Error).message}`);
  }
  return {
    negMean: cmvn.negMean,
    invStddev: cmvn.invStddev,
    langIds: { ...FIXED_LANG_IDS },
    withItnId: FIXED_WITH_ITN,
    withoutItnId: FIXED_WITHOUT_ITN,
    lfr: { ...LFR },
    normalizeSamples: false,
    blankId: 0,
  };
}

async function readAmMvn(file: string): Promise<Cmvn> {
  return parseAmMvn({ text: await fs.readFile(file, 'utf8'), expectedDim: MEL_BINS * LFR.m });
}

function funasrTokensFile(dir: string, names: string[]): string {
  const name = FUNASR_TOKEN_FILES.find((n) => names.includes(n)) ?? names.find((n) => n.endsWith('.bpe.model'));
  if (!name) {
    const expected = path.join(dir, FUNASR_FILES.bpe);
    throw invalid(
      expected,
      `${dir} has no token table: a FunASR SenseVoiceSmall export needs ${FUNASR_FILES.bpe} (or tokens.json / tokens.txt).`,
    );
  }
  return path.join(dir, name);
}

async function readTokens(file: string): Promise<string[]> {
  try {
    return file.endsWith('.model') ? await readSentencePieceTokens(file) : await readTokenTable(file);
  } catch (err) {
    if (err instanceof TokenTableError) throw invalid(file, err.message);
    throw invalid(file, `${file} cannot be read: ${(err as Error).message}.`);
  }
}

function checkVocab(
  modelFile: string,
  info: OnnxModelInfo,
  layout: ModelLayout,
  fromShape: number | null,
  tokensFile: string,
  tokenCount: number,
): number {
  const tokensName = path.basename(tokensFile);
  if (fromShape !== null && fromShape !== tokenCount) {
    throw invalid(
      tokensFile,
      `${tokensName} has ${tokenCount} entries but the model's ${IO[layout].output} output has ${fromShape} ` +
        `(${modelFile}); the tokens belong to another model.`,
    );
  }
  const raw = layout === 'sherpa' ? info.metadata.vocab_size!.trim() : null;
  if (raw !== null && !/^\d+$/.test(raw)) {
    throw invalid(modelFile, `${modelFile} metadata vocab_size is "${raw.slice(0, 40)}"; expected an integer.`);
  }
  const declared = raw === null ? null : Number(raw);
  if (declared !== null && declared !== tokenCount) {
    throw invalid(
      tokensFile,
      `${tokensName} has ${tokenCount} entries but the model's vocab_size is ${declared} (${modelFile}); ` +
        'the tokens belong to another model.',
    );
  }
  return tokenCount;
}

/** Tags the decoder must find by spelling; a table without them is not SenseVoice's. */
const REQUIRED_TAGS = ['<|zh|>', '<|en|>', '<|NEUTRAL|>', '<|EMO_UNKNOWN|>', '<|Speech|>', '<|withitn|>', '<|woitn|>'];

function checkTags(tokensFile: string, tokens: string[]): void {
  const present = new Set(tokens);
  const missing = REQUIRED_TAGS.filter((t) => !present.has(t));
  if (missing.length) {
    throw invalid(
      tokensFile,
      `${tokensFile} lacks SenseVoice's tags ${missing.join(' ')}; it is not SenseVoiceSmall's token table.`,
    );
  }
}

function checkFrontEnd(
  modelFile: string,
  lfr: { m: number; n: number },
  negMean: Float32Array,
  invStddev: Float32Array,
  featureDim: number | null,
): void {
  if (lfr.m !== LFR.m || lfr.n !== LFR.n) {
    throw invalid(
      modelFile,
      `${modelFile} declares low-frame-rate window ${lfr.m} and shift ${lfr.n}; SenseVoiceSmall uses ${LFR.m} and ${LFR.n}.`,
    );
  }
  const dim = MEL_BINS * lfr.m;
  if (featureDim !== null && featureDim !== dim) {
    throw invalid(
      modelFile,
      `${modelFile} takes ${featureDim} features per frame; expected ${dim} (${MEL_BINS} mel bins x ${lfr.m}).`,
    );
  }
  for (const [name, v] of [
    ['neg_mean', negMean],
    ['inv_stddev', invStddev],
  ] as const) {
    if (v.length !== dim) {
      throw invalid(
        modelFile,
        `CMVN ${name} has ${v.length} values; expected ${dim} (${MEL_BINS} mel bins x ${lfr.m}).`,
      );
    }
  }
}
