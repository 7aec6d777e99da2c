// Loads the two diarization models and checks their contracts before anything runs: the metadata
// keys sherpa-onnx reads (offline-speaker-segmentation-pyannote-model.cc,
// speaker-embedding-extractor-model.cc) and the graph's inputs. sherpa-onnx ends the process on a
// missing key; here a bad file is a DiarizationModelInvalid error naming the file and what is wrong.
import * as ort from 'onnxruntime-node';
import { ErrorCode, SenseVoiceError } from '../../common/protocol/errors';
import { OnnxFormatError, readOnnxModelInfo, type OnnxModelInfo } from '../model/onnxMetadata';
import { sessionOptions } from '../inference/createSession';

export interface SegmentationMeta {
  sampleRate: number;
  windowSize: number;
  /** 0.1 * windowSize, as sherpa-onnx derives it (no metadata key). */
  windowShift: number;
  receptiveFieldSize: number;
  receptiveFieldShift: number;
  numSpeakers: number;
  powersetMaxClasses: number;
  numClasses: number;
}

export interface EmbeddingMeta {
  framework: 'wespeaker' | '3d-speaker';
  sampleRate: number;
  outputDim: number;
  /** 1: features from samples in [-1, 1]; 0: from samples * 32768 (WeSpeaker). */
  normalizeSamples: boolean;
  /** '' or 'global-mean' (3D-Speaker). */
  featureNormalizeType: '' | 'global-mean';
}

export interface LoadedModel<M> {
  file: string;
  meta: M;
  session: ort.InferenceSession;
  inputName: string;
  outputName: string;
}

function invalid(file: string, what: string): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.DiarizationModelInvalid,
    `${file}: ${what}. Use a pyannote segmentation model and a 3D-Speaker or WeSpeaker embedding model exported for sherpa-onnx.`,
  );
}

async function readInfo(file: string): Promise<OnnxModelInfo> {
  try {
    return await readOnnxModelInfo(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new SenseVoiceError(ErrorCode.ModelNotFound, `${file}: no such file`);
    if (e instanceof OnnxFormatError) throw invalid(file, `not a readable ONNX model (${e.message})`);
    throw e;
  }
}

function intKey(file: string, md: Record<string, string>, key: string, min = 1): number {
  const raw = md[key];
  if (raw === undefined) throw invalid(file, `its metadata lacks "${key}"`);
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min)
    throw invalid(file, `metadata "${key}" is "${raw}", expected an integer >= ${min}`);
  return v;
}

async function open(file: string, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(file, sessionOptions('cpu', threads));
  } catch (e) {
    throw invalid(file, `ONNX Runtime cannot load it (${(e as Error).message.split('\n')[0]})`);
  }
}

export async function loadSegmentationModel(file: string, threads = 1): Promise<LoadedModel<SegmentationMeta>> {
  const info = await readInfo(file);
  const md = info.metadata;
  const meta: SegmentationMeta = {
    sampleRate: intKey(file, md, 'sample_rate'),
    windowSize: intKey(file, md, 'window_size'),
    windowShift: 0,
    receptiveFieldSize: intKey(file, md, 'receptive_field_size'),
    receptiveFieldShift: intKey(file, md, 'receptive_field_shift'),
    numSpeakers: intKey(file, md, 'num_speakers'),
    powersetMaxClasses: intKey(file, md, 'powerset_max_classes'),
    numClasses: intKey(file, md, 'num_classes'),
  };
  meta.windowShift = Math.trunc(0.1 * meta.windowSize);
  if (meta.sampleRate !== 16000) throw invalid(file, `sample_rate is ${meta.sampleRate}, only 16000 is supported`);
  if (meta.powersetMaxClasses > 2)
    throw invalid(file, `powerset_max_classes ${meta.powersetMaxClasses} is not supported (1 or 2)`);
  const n = meta.numSpeakers;
  const expected = 1 + n + (meta.powersetMaxClasses === 2 ? (n * (n - 1)) / 2 : 0);
  if (meta.numClasses !== expected)
    throw invalid(
      file,
      `num_classes is ${meta.numClasses}, but ${n} speakers with powerset_max_classes ${meta.powersetMaxClasses} make ${expected}`,
    );
  const input = info.inputs[0];
  if (info.inputs.length !== 1 || input?.elemType !== 'float32' || input.shape?.length !== 3)
    throw invalid(file, `expected one float input [N, 1, samples], found ${describe(info.inputs)}`);
  const output = info.outputs[0];
  if (output === undefined || output.shape?.length !== 3)
    throw invalid(file, `expected an output [N, frames, ${meta.numClasses}], found ${describe(info.outputs)}`);
  const session = await open(file, threads);
  return { file, meta, session, inputName: input.name, outputName: output.name };
}

export async function loadEmbeddingModel(file: string, threads = 1): Promise<LoadedModel<EmbeddingMeta>> {
  const info = await readInfo(file);
  const md = info.metadata;
  const framework = md.framework;
  if (framework === undefined) throw invalid(file, 'its metadata lacks "framework" (wespeaker or 3d-speaker)');
  if (framework !== 'wespeaker' && framework !== '3d-speaker')
    throw invalid(file, `framework "${framework}" is not supported (wespeaker or 3d-speaker; NeMo models are not yet)`);
  const norm = md.feature_normalize_type ?? '';
  if (norm !== '' && norm !== 'global-mean') throw invalid(file, `feature_normalize_type "${norm}" is not supported`);
  const meta: EmbeddingMeta = {
    framework,
    sampleRate: intKey(file, md, 'sample_rate'),
    outputDim: intKey(file, md, 'output_dim'),
    normalizeSamples: intKey(file, md, 'normalize_samples', 0) !== 0,
    featureNormalizeType: norm,
  };
  if (md.language === undefined) throw invalid(file, 'its metadata lacks "language"');
  if (meta.sampleRate !== 16000) throw invalid(file, `sample_rate is ${meta.sampleRate}, only 16000 is supported`);
  const input = info.inputs[0];
  if (info.inputs.length !== 1 || input?.elemType !== 'float32' || input.shape?.length !== 3 || input.shape[2] !== 80)
    throw invalid(file, `expected one float input [N, frames, 80], found ${describe(info.inputs)}`);
  const output = info.outputs[0];
  if (output === undefined || output.shape?.length !== 2)
    throw invalid(file, `expected an output [N, ${meta.outputDim}], found ${describe(info.outputs)}`);
  const session = await open(file, threads);
  return { file, meta, session, inputName: input.name, outputName: output.name };
}

function describe(values: OnnxModelInfo['inputs']): string {
  if (values.length === 0) return 'none';
  return values.map((v) => `${v.name} ${v.elemType} [${(v.shape ?? []).map((d) => d ?? '?').join(', ')}]`).join(', ');
}
