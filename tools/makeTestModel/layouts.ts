// The two on-disk layouts a SenseVoiceSmall model comes in (README.md here): file names,
// tensor names, the assets beside the model, and the sherpa-onnx metadata contract.
import fs from 'node:fs';
import path from 'node:path';
import type { GraphNames } from './tinyGraph';
import { BLANK_ID, LANGUAGES, LANG_AUTO, VOCAB_SIZE, WITHOUT_ITN, WITH_ITN } from './tagIds';
import { UsageError } from './usageError';

export type LayoutName = 'sherpa' | 'funasr';
export const LAYOUT_NAMES: readonly LayoutName[] = ['sherpa', 'funasr'];

export interface Layout {
  readonly name: LayoutName;
  readonly modelFile: string;
  readonly int8File: string;
  readonly names: GraphNames;
  /** Files copied unchanged from the shared assets folder. */
  readonly assets: readonly string[];
  /** Whether the model carries sherpa-onnx's metadata_props. */
  readonly metadata: boolean;
}

export const LAYOUTS: Record<LayoutName, Layout> = {
  sherpa: {
    name: 'sherpa',
    modelFile: 'model.onnx',
    int8File: 'model.int8.onnx',
    names: { features: 'x', lengths: 'x_length', language: 'language', textNorm: 'text_norm', logits: 'logits' },
    assets: ['tokens.txt'],
    metadata: true,
  },
  funasr: {
    name: 'funasr',
    modelFile: 'model.onnx',
    int8File: 'model_quant.onnx',
    names: {
      features: 'speech',
      lengths: 'speech_lengths',
      language: 'language',
      textNorm: 'textnorm',
      logits: 'ctc_logits',
      outputLengths: 'encoder_out_lens',
    },
    assets: ['am.mvn', 'config.yaml', 'chn_jpn_yue_eng_ko_spectok.bpe.model'],
    metadata: false,
  },
};

export function resolveLayout(name: string): Layout {
  if (name === 'sherpa' || name === 'funasr') return LAYOUTS[name];
  throw new UsageError(`unknown layout '${name}'; use one of: ${LAYOUT_NAMES.join(', ')}`);
}

/** The `<AddShift>` (neg_mean) and `<Rescale>` (inv_stddev) rows of a Kaldi Nnet am.mvn, as written there. */
export function readAmMvn(file: string): { negMean: string[]; invStddev: string[] } {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const row = (component: string): string[] => {
    const at = lines.findIndex((l) => l.trim().startsWith(component));
    const data = at >= 0 ? lines[at + 1] : undefined;
    const open = data?.indexOf('[') ?? -1;
    const close = data?.indexOf(']') ?? -1;
    if (data === undefined || open < 0 || close < open) throw new Error(`${file}: no ${component} row`);
    const values = data
      .slice(open + 1, close)
      .trim()
      .split(/\s+/);
    if (values.length !== 560 || values.some((v) => !Number.isFinite(Number(v)))) {
      throw new Error(`${file}: ${component} row has ${values.length} values, expected 560 numbers`);
    }
    return values;
  };
  return { negMean: row('<AddShift>'), invStddev: row('<Rescale>') };
}

/**
 * sherpa-onnx 1.13.8's SenseVoice metadata: every key it requires (a missing one ends the process
 * with code 255) and the optional ones. The comment must not contain "Nano" (that switches sherpa
 * into FunASR-Nano mode).
 */
export function sherpaMetadata(assetsDir: string, description: string): Array<[string, string]> {
  const { negMean, invStddev } = readAmMvn(path.join(assetsDir, 'am.mvn'));
  const lang = (name: string): string => String(LANGUAGES.find((l) => l.name === name)?.input);
  return [
    ['model_type', 'sense_voice_ctc'],
    ['version', '1'],
    ['comment', description],
    ['vocab_size', String(VOCAB_SIZE)],
    ['blank_id', String(BLANK_ID)],
    ['lfr_window_size', '7'],
    ['lfr_window_shift', '6'],
    ['normalize_samples', '0'],
    ['lang_auto', String(LANG_AUTO)],
    ['lang_zh', lang('zh')],
    ['lang_en', lang('en')],
    ['lang_yue', lang('yue')],
    ['lang_ja', lang('ja')],
    ['lang_ko', lang('ko')],
    ['lang_nospeech', lang('nospeech')],
    ['with_itn', String(WITH_ITN.input)],
    ['without_itn', String(WITHOUT_ITN.input)],
    ['neg_mean', negMean.join(',')],
    ['inv_stddev', invStddev.join(',')],
  ];
}
