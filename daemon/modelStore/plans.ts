// What a download fetches: the public sources by name, or a URL the user gave. A plan is data (the
// store folder, the files, their pins) so tests can point one at a local server with their own pins.
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  ErrorCode,
  SenseVoiceError,
  type ModelSourceInfo,
  type ModelSourceName,
  type ModelVariant,
} from '../../common/protocol';
import { FUNASR_FILES, SHERPA_FILES } from '../model/modelFolder';
import { archiveKind, type ArchiveKind } from './archive';
import { ALL_PINS, declaredPinFor, declaredPins, PINS, type DeclaredPin, type FilePin } from './pins';

/** One file of a model folder: its name in the store, where it comes from, and its pin. */
export interface PlannedFile {
  name: string;
  /** Absent for a file taken out of the plan's archive. */
  url?: string;
  pin?: FilePin;
}

/** A complete set of files in one layout. */
export interface FileSet {
  layout: 'sherpa' | 'funasr';
  /** The model file of the plan's variant. */
  modelFile: string;
  files: PlannedFile[];
}

export interface DownloadPlan {
  /** The store folder's name. */
  id: string;
  /** A source name or "url". */
  source: string;
  variant: ModelVariant;
  /** Named sources: every file must match its pin. URLs: a pin, where one fits, only marks a mirror as verified. */
  strict: boolean;
  /** Tried in order: the first set whose model file exists is used (a folder URL may hold either layout). */
  sets: FileSet[];
  archive?: { url: string; name: string; kind: ArchiveKind; pin?: FilePin };
}

export interface SourceDefinition {
  name: ModelSourceName;
  description: string;
  plans: Partial<Record<ModelVariant, DownloadPlan>>;
}

export type SourceTable = Record<ModelSourceName, SourceDefinition>;

const HF_REPO = 'csukuangfj/sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17';
const GITHUB_RELEASE = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models';
const MODELSCOPE_REPO = 'https://www.modelscope.cn/models/iic/SenseVoiceSmall-onnx/resolve/master';
/** Store folder of the sherpa-onnx export (Hugging Face and GitHub serve the same files). */
export const SHERPA_ID = 'sherpa-onnx-sense-voice-2024-07-17';
/** Store folder of the FunASR export from ModelScope. */
export const FUNASR_ID = 'funasr-SenseVoiceSmall-onnx';

/** The public sources. HF_ENDPOINT (as huggingface_hub reads it) points the Hugging Face source at a mirror. */
export function officialSources(env: NodeJS.ProcessEnv = process.env): SourceTable {
  const hf = `${(env.HF_ENDPOINT?.trim() || 'https://huggingface.co').replace(/\/+$/, '')}/${HF_REPO}/resolve/main`;
  const tokens = (url?: string): PlannedFile => ({
    name: SHERPA_FILES.tokens,
    pin: PINS.sherpaTokens,
    ...(url ? { url } : {}),
  });
  const sherpa = (modelFile: string, pin: FilePin, base?: string): FileSet => ({
    layout: 'sherpa',
    modelFile,
    files: [
      { name: modelFile, pin, ...(base ? { url: `${base}/${modelFile}` } : {}) },
      tokens(base ? `${base}/${SHERPA_FILES.tokens}` : undefined),
    ],
  });
  const named = (
    source: ModelSourceName,
    variant: ModelVariant,
    id: string,
    sets: FileSet[],
    archive?: DownloadPlan['archive'],
  ): DownloadPlan => ({
    id,
    source,
    variant,
    strict: true,
    sets,
    ...(archive ? { archive } : {}),
  });
  const int8Archive = PINS.sherpaInt8Archive.name;
  const fp32Archive = 'sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17.tar.bz2';
  return {
    huggingface: {
      name: 'huggingface',
      description: `Hugging Face, ${HF_REPO} (file by file; set HF_ENDPOINT for a mirror)`,
      plans: {
        int8: named('huggingface', 'int8', SHERPA_ID, [sherpa(SHERPA_FILES.int8, PINS.sherpaInt8, hf)]),
        fp32: named('huggingface', 'fp32', SHERPA_ID, [sherpa(SHERPA_FILES.fp32, PINS.sherpaFp32, hf)]),
      },
    },
    github: {
      name: 'github',
      description: 'GitHub, the sherpa-onnx "asr-models" release (one .tar.bz2, unpacked with tar)',
      plans: {
        int8: named('github', 'int8', SHERPA_ID, [sherpa(SHERPA_FILES.int8, PINS.sherpaInt8)], {
          url: `${GITHUB_RELEASE}/${int8Archive}`,
          name: int8Archive,
          kind: 'tar.bz2',
          pin: PINS.sherpaInt8Archive,
        }),
        // No published pin for this archive: the files taken out of it are checked against theirs.
        fp32: named('github', 'fp32', SHERPA_ID, [sherpa(SHERPA_FILES.fp32, PINS.sherpaFp32)], {
          url: `${GITHUB_RELEASE}/${fp32Archive}`,
          name: fp32Archive,
          kind: 'tar.bz2',
        }),
      },
    },
    modelscope: {
      name: 'modelscope',
      description: 'ModelScope, iic/SenseVoiceSmall-onnx (FunASR layout, int8; fastest from mainland China)',
      plans: {
        int8: named('modelscope', 'int8', FUNASR_ID, [
          {
            layout: 'funasr',
            modelFile: FUNASR_FILES.int8,
            files: [PINS.funasrInt8, PINS.funasrCmvn, PINS.funasrBpe].map((pin) => ({
              name: pin.name,
              url: `${MODELSCOPE_REPO}/${pin.name}`,
              pin,
            })),
          },
        ]),
      },
    },
  };
}

export function describeSources(table: SourceTable): ModelSourceInfo[] {
  return Object.values(table).map((s) => ({
    name: s.name,
    description: s.description,
    variants: Object.keys(s.plans) as ModelVariant[],
  }));
}

/** The plan for a named source and variant; InvalidParams when that source does not serve it. */
export function sourcePlan(table: SourceTable, source: ModelSourceName, variant: ModelVariant): DownloadPlan {
  const def = table[source];
  if (!def) {
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `Unknown source "${String(source)}": use one of ${Object.keys(table).join(', ')}, or give a URL.`,
    );
  }
  const plan = def.plans[variant];
  if (!plan) {
    const other = Object.values(table)
      .filter((s) => s.plans[variant])
      .map((s) => s.name);
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `${source} has no ${variant} model with a published checksum; use --source ${other.join(' or --source ')}.`,
    );
  }
  return plan;
}

/**
 * The plan for a URL the user gave:
 * - an archive (.tar.bz2, .tar.gz, .tgz, .tar): unpacked, then the model files are taken from it;
 * - a .onnx file: stored under the layout's name, with its tokens (or am.mvn and the BPE model)
 *   fetched from the same folder;
 * - anything else is a folder: the variant's sherpa-onnx files, else the FunASR ones.
 * A file a pin in SENSEVOICE_MODEL_PINS names (read from `env`) must match it; the others are
 * verified when they match a published file and stored as NOT verified when they do not.
 */
export function urlPlan(raw: string, variant: ModelVariant, env: NodeJS.ProcessEnv = process.env): DownloadPlan {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `"${raw}" is not a URL: give an http(s) URL of a model folder, a .onnx file or a .tar.bz2 archive.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SenseVoiceError(
      ErrorCode.InvalidParams,
      `${raw}: only http and https URLs can be downloaded. For a folder on this machine, use it as the model path instead.`,
    );
  }
  const declared = declaredPins(env);
  const known = (name: string, fileUrl?: string): PlannedFile => pinned(declared, name, fileUrl);
  const id = `url-${createHash('sha256').update(`${url.href}|${variant}`).digest('hex').slice(0, 10)}`;
  const base = { id, source: 'url', variant, strict: false } as const;
  const sherpaName = variant === 'int8' ? SHERPA_FILES.int8 : SHERPA_FILES.fp32;
  const funasrName = variant === 'int8' ? FUNASR_FILES.int8 : FUNASR_FILES.fp32;
  const funasrExtras = [FUNASR_FILES.cmvn, FUNASR_FILES.bpe];
  const fileName = decodeURIComponent(path.posix.basename(url.pathname));
  const kind = archiveKind(fileName);
  if (kind) {
    const archivePin = declaredPinFor(declared, url.href, fileName);
    return {
      ...base,
      sets: [
        { layout: 'sherpa', modelFile: sherpaName, files: [sherpaName, SHERPA_FILES.tokens].map((n) => known(n)) },
        { layout: 'funasr', modelFile: funasrName, files: [funasrName, ...funasrExtras].map((n) => known(n)) },
      ],
      archive: { url: url.href, name: fileName, kind, ...(archivePin ? { pin: archivePin } : {}) },
    };
  }
  const folder = (name: string) => new URL(encodeURIComponent(name), url).href;
  if (fileName.toLowerCase().endsWith('.onnx')) {
    const at = (name: string) => known(name, folder(name));
    if (fileName === FUNASR_FILES.int8) {
      return {
        ...base,
        sets: [{ layout: 'funasr', modelFile: fileName, files: [known(fileName, url.href), ...funasrExtras.map(at)] }],
      };
    }
    // Stored under the sherpa-onnx name for the variant, whatever the URL calls it.
    return {
      ...base,
      sets: [
        { layout: 'sherpa', modelFile: sherpaName, files: [known(sherpaName, url.href), at(SHERPA_FILES.tokens)] },
      ],
    };
  }
  const dir = url.pathname.endsWith('/') ? url : new URL(`${url.pathname}/${url.search}`, url);
  const inDir = (name: string): PlannedFile => known(name, new URL(encodeURIComponent(name), dir).href);
  return {
    ...base,
    sets: [
      { layout: 'sherpa', modelFile: sherpaName, files: [sherpaName, SHERPA_FILES.tokens].map(inDir) },
      { layout: 'funasr', modelFile: funasrName, files: [funasrName, ...funasrExtras].map(inDir) },
    ],
  };
}

/**
 * A file of a URL plan with its pin: the one SENSEVOICE_MODEL_PINS declares for it (which it must
 * match), else the published pin of that name, if there is one (to recognise a mirror).
 */
function pinned(declared: readonly DeclaredPin[], name: string, url?: string): PlannedFile {
  const pin = declaredPinFor(declared, url, name) ?? ALL_PINS.find((p) => p.name === name);
  return { name, ...(url ? { url } : {}), ...(pin ? { pin } : {}) };
}
