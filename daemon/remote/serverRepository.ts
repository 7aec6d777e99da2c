// Writes a Triton model repository for a SenseVoice model folder (`sensevoice export-server-model`):
//   REPO/sensevoice/config.pbtxt, 1/           the ensemble clients call (an empty version folder)
//   REPO/sensevoice_encoder/config.pbtxt, 1/model.onnx   the model itself (copied or linked)
//   REPO/sensevoice_argmax/config.pbtxt, 1/model.onnx    argmax of the logits (argmaxModel.ts)
// Files of an earlier export are replaced only with `overwrite`; nothing else in REPO is touched.
import fs from 'node:fs';
import path from 'node:path';
import {
  ErrorCode,
  SenseVoiceError,
  type ExportServerRepositoryParams,
  type ExportServerRepositoryResult,
} from '../../common/protocol';
import { EMOTION_UNKNOWN } from '../../common/richTags';
import { atomicWrite, TargetExistsError } from '../../common/atomicWrite';
import { inspectModelFolder, type ModelFolderInfo } from '../model/modelFolder';
import { tagId } from '../decoding/richTags';
import { buildArgmaxModel } from './argmaxModel';
import { DEFAULT_SERVER_MODEL_NAME } from './serverContract';
import { tagParameters } from './serverTags';
import { argmaxConfig, encoderConfig, ensembleConfig, type ConfigOptions } from './tritonConfig';

export const REPOSITORY_NAMES = {
  ensemble: DEFAULT_SERVER_MODEL_NAME,
  encoder: `${DEFAULT_SERVER_MODEL_NAME}_encoder`,
  argmax: `${DEFAULT_SERVER_MODEL_NAME}_argmax`,
} as const;

export async function exportServerRepository(
  p: ExportServerRepositoryParams & { modelPath: string },
): Promise<ExportServerRepositoryResult> {
  const folder = await inspectModelFolder(p.modelPath, { preferQuantized: false });
  const out = path.resolve(p.out);
  const overwrite = p.overwrite === true;
  const warnings: string[] = [];
  if (folder.quantization === 'int8') {
    warnings.push(
      `Only the int8 model (${path.basename(folder.modelFile)}) is in ${folder.dir}: its quantised nodes have no GPU kernels and run on the server's CPU. Download the fp32 model (sensevoice model download --variant fp32) and export again for a GPU server.`,
    );
  }
  const names = REPOSITORY_NAMES;
  const configs = repositoryConfigs(folder, p);
  const files: string[] = [];
  const write = async (rel: string, data: string | Uint8Array) => {
    const target = path.join(out, rel);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    try {
      await atomicWrite(target, data, { overwrite });
    } catch (err) {
      if (err instanceof TargetExistsError) throw exists(target);
      throw err;
    }
    files.push(rel);
  };
  // Refuse before writing anything, so a refused export leaves no half repository.
  if (!overwrite) {
    for (const n of Object.values(names)) {
      if (fs.existsSync(path.join(out, n))) throw exists(path.join(out, n));
    }
  }
  await write(path.join(names.ensemble, 'config.pbtxt'), configs.ensemble);
  await fs.promises.mkdir(path.join(out, names.ensemble, '1'), { recursive: true });
  await write(path.join(names.encoder, 'config.pbtxt'), configs.encoder);
  await write(path.join(names.argmax, 'config.pbtxt'), configs.argmax);
  await write(
    path.join(names.argmax, '1', 'model.onnx'),
    buildArgmaxModel({
      logitsName: folder.outputName,
      vocabSize: folder.vocabSize,
      emotionUnknownId: tagId(folder.tokens, EMOTION_UNKNOWN) ?? -1,
    }),
  );
  const encoderRel = path.join(names.encoder, '1', 'model.onnx');
  const encoderTarget = path.join(out, encoderRel);
  await fs.promises.mkdir(path.dirname(encoderTarget), { recursive: true });
  if (overwrite) await fs.promises.rm(encoderTarget, { force: true });
  else if (fs.existsSync(encoderTarget)) throw exists(encoderTarget);
  // A hard link, not a symlink: a container that mounts only REPO still sees the file.
  let linked = false;
  if (p.link) {
    try {
      await fs.promises.link(folder.modelFile, encoderTarget);
      linked = true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
      warnings.push(
        `${folder.modelFile} could not be linked from ${out} (${code}: another file system?): it was copied.`,
      );
    }
  }
  if (!linked) await fs.promises.copyFile(folder.modelFile, encoderTarget, fs.constants.COPYFILE_EXCL);
  files.push(encoderRel);
  return {
    out,
    files: files.map((f) => f.split(path.sep).join('/')),
    modelName: names.ensemble,
    encoderFile: folder.modelFile,
    linked,
    warnings,
  };
}

/** The three config.pbtxt texts for a model folder, by the model name each configures. */
export function repositoryConfigs(
  folder: ModelFolderInfo,
  p: Pick<ExportServerRepositoryParams, 'instanceKind' | 'instanceCount'> = {},
): { ensemble: string; encoder: string; argmax: string } {
  const o: ConfigOptions = {
    names: REPOSITORY_NAMES,
    inputs: folder.inputNames,
    logits: folder.outputName,
    featureDim: folder.lfr.m * 80,
    vocabSize: folder.vocabSize,
    instanceKind: p.instanceKind ?? 'gpu',
    instanceCount: p.instanceCount ?? 1,
    tags: tagParameters(folder),
  };
  return { ensemble: ensembleConfig(o), encoder: encoderConfig(o), argmax: argmaxConfig(o) };
}

function exists(target: string): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.ModelExists,
    `${target} already exists (an earlier export?). Choose another --out, or pass --force to replace the export's files.`,
    { path: target },
  );
}
