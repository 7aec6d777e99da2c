// What a server-side model must look like to stand in for the local SenseVoice model: the local
// model's input names with their datatypes and ranks, and either per-frame token ids (the exported
// repository's ensemble takes the argmax on the server) or the local model's logits output with the
// same vocabulary. Checked once at connect against the server's model metadata; a mismatch is one
// coded error that names every difference, so the transcript never silently comes from another model.
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import type { ModelFolderInfo } from '../model/modelFolder';
import type { ModelMetadata, TensorMetadata } from './oipClient';

/** The ensemble's outputs (written by export-server-model): argmax per frame, plain and with EMO_UNKNOWN banned. */
export const TOKEN_IDS_OUTPUT = 'token_ids';
export const TOKEN_IDS_NO_EMO_UNKNOWN_OUTPUT = 'token_ids_no_emo_unknown';

/** The name a server gives the exported model unless told otherwise. */
export const DEFAULT_SERVER_MODEL_NAME = 'sensevoice';

/** How to talk to a checked server model. */
export interface ServerContract {
  inputs: { features: string; lengths: string; language: string; textNorm: string };
  /**
   * How per-utterance scalars travel: [N] (a server without batching, KServe's raw ONNX), or [N, 1]
   * (Triton with max_batch_size, whose config declares them dims [1]; see tritonConfig.ts).
   */
  scalarShape: 'N' | 'N1';
  /** tokenIds: ask for `ids` (or `idsNoEmotionUnknown` when banning); logits: ask for `logits`. */
  output: { kind: 'tokenIds'; ids: string; idsNoEmotionUnknown: string | null } | { kind: 'logits'; logits: string };
}

/** Checks `meta` against the local folder's contract; throws InferenceServerMismatch listing what differs. */
export function checkServerContract(
  meta: ModelMetadata,
  folder: Pick<ModelFolderInfo, 'inputNames' | 'outputName' | 'vocabSize' | 'dir'>,
  featureDim: number,
  where: string,
): ServerContract {
  const problems: string[] = [];
  const byName = (list: TensorMetadata[], name: string) => list.find((t) => t.name === name);
  const want = (name: string, datatypes: string[], rank: number, last?: number): TensorMetadata | null => {
    const t = byName(meta.inputs, name);
    if (!t) {
      problems.push(`input ${name} is missing (the server's inputs are ${names(meta.inputs)})`);
      return null;
    }
    checkTensor(t, 'input', datatypes, rank, last, problems);
    return t;
  };
  const n = folder.inputNames;
  want(n.features, ['FP32'], 3, featureDim);
  // The scalars all take the lengths' form: [-1] or [-1, 1].
  const lengths = byName(meta.inputs, n.lengths);
  const scalarShape = lengths?.shape.length === 2 ? 'N1' : 'N';
  const scalarRank = scalarShape === 'N1' ? 2 : 1;
  for (const name of [n.lengths, n.language, n.textNorm])
    want(name, ['INT32'], scalarRank, scalarShape === 'N1' ? 1 : undefined);

  let output: ServerContract['output'] | null = null;
  const ids = byName(meta.outputs, TOKEN_IDS_OUTPUT);
  const logits = byName(meta.outputs, folder.outputName);
  if (ids) {
    checkTensor(ids, 'output', ['INT32', 'INT64'], 2, undefined, problems);
    const banned = byName(meta.outputs, TOKEN_IDS_NO_EMO_UNKNOWN_OUTPUT);
    if (banned) checkTensor(banned, 'output', ['INT32', 'INT64'], 2, undefined, problems);
    output = { kind: 'tokenIds', ids: ids.name, idsNoEmotionUnknown: banned?.name ?? null };
  } else if (logits) {
    checkTensor(logits, 'output', ['FP32'], 3, folder.vocabSize, problems, 'vocabulary size');
    output = { kind: 'logits', logits: logits.name };
  } else {
    problems.push(
      `it has neither a ${TOKEN_IDS_OUTPUT} output nor the logits output ${folder.outputName} (its outputs are ${names(meta.outputs)})`,
    );
  }
  if (problems.length > 0 || !output) {
    throw new SenseVoiceError(
      ErrorCode.InferenceServerMismatch,
      `Model "${meta.name}" on ${where} does not match the local model in ${folder.dir}: ${problems.join('; ')}. Serve the repository that \`sensevoice export-server-model\` writes for this model folder, or set the model name to the one that does.`,
      { problems },
    );
  }
  return { inputs: { ...n }, scalarShape, output };
}

function checkTensor(
  t: TensorMetadata,
  kind: string,
  datatypes: string[],
  rank: number,
  last: number | undefined,
  problems: string[],
  lastName = 'last dimension',
): void {
  if (!datatypes.includes(t.datatype)) {
    problems.push(`${kind} ${t.name} is ${t.datatype}, expected ${datatypes.join(' or ')}`);
  }
  if (t.shape.length !== rank) {
    problems.push(`${kind} ${t.name} has shape [${t.shape.join(', ')}], expected ${rank} dimensions (batch first)`);
  } else if (last !== undefined && t.shape[rank - 1] !== last) {
    problems.push(`${kind} ${t.name} has ${lastName} ${t.shape[rank - 1]}, expected ${last}`);
  }
}

function names(list: TensorMetadata[]): string {
  return list.length ? list.map((t) => t.name).join(', ') : 'none';
}
