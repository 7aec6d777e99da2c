// The config.pbtxt texts of the Triton model repository that export-server-model writes: the
// SenseVoice encoder (ONNX Runtime backend, dynamic batching, instance groups), the argmax model, and
// the ensemble that joins them under one name. Every value is explained in a comment beside it, for
// whoever tunes the server. Per-utterance scalars (lengths, language, text norm) are declared as
// dims [1] because Triton's batching adds the batch dimension itself: clients send them as [N, 1], and
// the encoder's config reshapes them to [] so the ONNX model sees [N]. Never run on a real Triton
// here (none can be installed): the tests check the text, and the models under onnxruntime-node.
import { TOKEN_IDS_NO_EMO_UNKNOWN_OUTPUT, TOKEN_IDS_OUTPUT } from './serverContract';
import { TAG_PARAMETER_KEYS, TAG_PARAMETER_MEANING, type TagParameters } from './serverTags';

export interface TritonModelNames {
  ensemble: string;
  encoder: string;
  argmax: string;
}

export interface ConfigOptions {
  names: TritonModelNames;
  inputs: { features: string; lengths: string; language: string; textNorm: string };
  logits: string;
  featureDim: number;
  vocabSize: number;
  instanceKind: 'gpu' | 'cpu';
  instanceCount: number;
  /** The model folder's tag ids (serverTags.ts), stated in the ensemble's and the encoder's configs. */
  tags: TagParameters;
}

/** Largest batch Triton forms; the daemon sends at most MAX_REQUEST_BATCH (8) per request, so two can merge. */
export const MAX_BATCH_SIZE = 16;
/** Batch sizes the dynamic batcher prefers to wait for. */
export const PREFERRED_BATCH_SIZES = [4, 8, 16] as const;
/** How long a request may wait in the queue for others of its shape, in microseconds. */
export const MAX_QUEUE_DELAY_US = 2000;

function scalarInput(name: string, what: string, reshape: boolean): string {
  const shape = reshape
    ? `    # [1] per utterance (Triton adds the batch dimension), reshaped to [] so the ONNX model gets [N].
    dims: [ 1 ]
    reshape: { shape: [ ] }`
    : `    # [1] per utterance (Triton adds the batch dimension): clients send [N, 1]; the encoder reshapes.
    dims: [ 1 ]`;
  return `  {
    name: "${name}"
    # ${what}: one int32 per utterance.
    data_type: TYPE_INT32
${shape}
  }`;
}

function inputs(o: ConfigOptions, reshape: boolean): string {
  return `# What a client sends per request: the four inputs of the SenseVoice model, batch first.
input [
  {
    name: "${o.inputs.features}"
    # Features after fbank, LFR and CMVN, computed by the SenseVoice daemon on the client side.
    data_type: TYPE_FP32
    # [frames, ${o.featureDim}] per utterance: -1 is any number of 60 ms frames (clients pad to length
    # buckets so that requests share shapes and batch together).
    dims: [ -1, ${o.featureDim} ]
  },
${scalarInput(o.inputs.lengths, 'The true frame count of each utterance (frames past it are padding the model masks)', reshape)},
${scalarInput(o.inputs.language, "The language query id (the model folder's lang_* ids; 0 is auto)", reshape)},
${scalarInput(o.inputs.textNorm, 'The text-norm query id (with_itn or without_itn)', reshape)}
]`;
}

function idOutputs(): string {
  const one = (name: string, what: string) => `  {
    name: "${name}"
    # ${what}: the argmax of each logit row, one id per frame (query frames first).
    data_type: TYPE_INT32
    dims: [ -1 ]
  }`;
  return `# What a client gets back: per-frame token ids, about 4 bytes a frame instead of the logits.
output [
${one(TOKEN_IDS_OUTPUT, 'Token ids')},
${one(TOKEN_IDS_NO_EMO_UNKNOWN_OUTPUT, 'Token ids with <|EMO_UNKNOWN|> never chosen (the banEmotionUnknown setting)')}
]`;
}

/** The tag-id parameters: the daemon reads them back at connect (GET v2/models/{name}/config). */
function tagParameterBlock(o: ConfigOptions): string {
  const entries = (Object.keys(TAG_PARAMETER_KEYS) as (keyof typeof TAG_PARAMETER_KEYS)[]).map((k) => {
    const key = TAG_PARAMETER_KEYS[k];
    return `  {
    # ${TAG_PARAMETER_MEANING[k]}.
    key: "${key}"
    value: { string_value: "${o.tags[key]}" }
  }`;
  });
  return `# The ids this model shares with the SenseVoice model folder it was exported from. Triton and its
# backends ignore these keys; the SenseVoice daemon compares them with its local folder at connect
# and refuses a model exported for another vocabulary. Export again rather than editing them.
parameters [
${entries.join(',\n')}
]`;
}

function instanceGroup(o: ConfigOptions): string {
  return `# ${o.instanceCount} copy(ies) of the model on ${o.instanceKind === 'gpu' ? 'each GPU (KIND_GPU; add gpus: [ 0 ] to pin one)' : 'the CPU (KIND_CPU)'}.
instance_group [
  {
    count: ${o.instanceCount}
    kind: ${o.instanceKind === 'gpu' ? 'KIND_GPU' : 'KIND_CPU'}
  }
]`;
}

export function encoderConfig(o: ConfigOptions): string {
  return `# SenseVoiceSmall's encoder: features in, CTC logits out. Written by sensevoice export-server-model.
name: "${o.names.encoder}"
# Triton's ONNX Runtime backend runs 1/model.onnx (the fp32 model: int8 has no GPU kernels).
platform: "onnxruntime_onnx"
# The largest batch Triton forms from queued requests. The daemon sends at most 8 utterances per
# request, so two requests can share one run.
max_batch_size: ${MAX_BATCH_SIZE}
${inputs(o, true)}
# The CTC logits, which the argmax model (or a client asking for logits) reads.
output [
  {
    name: "${o.logits}"
    # Per utterance [frames + 4, ${o.vocabSize}]: four query frames (language, emotion, event, text norm),
    # then one row of ${o.vocabSize} token scores per 60 ms frame.
    data_type: TYPE_FP32
    dims: [ -1, ${o.vocabSize} ]
  }
]
${tagParameterBlock(o)}
# Merge requests that arrive close together into one run. Triton batches only requests of equal
# shapes (apart from the batch): the daemon pads frames to buckets so that they are.
dynamic_batching {
  # Batch sizes worth waiting for; a run starts at once when one is reached.
  preferred_batch_size: [ ${PREFERRED_BATCH_SIZES.join(', ')} ]
  # Longest wait for more requests, in microseconds (${MAX_QUEUE_DELAY_US / 1000} ms: small beside the run itself).
  max_queue_delay_microseconds: ${MAX_QUEUE_DELAY_US}
}
${instanceGroup(o)}
`;
}

export function argmaxConfig(o: ConfigOptions): string {
  return `# The argmax of the encoder's logits, so token ids (4 bytes a frame) go back to clients instead of
# ${o.vocabSize} floats a frame. Written by sensevoice export-server-model.
name: "${o.names.argmax}"
# A tiny ONNX model (ArgMax, Cast), on the same ONNX Runtime backend.
platform: "onnxruntime_onnx"
# As the encoder: the ensemble passes its batches through unchanged.
max_batch_size: ${MAX_BATCH_SIZE}
# The encoder's output, passed by the ensemble.
input [
  {
    name: "${o.logits}"
    # The encoder's logits, [frames + 4, ${o.vocabSize}] per utterance.
    data_type: TYPE_FP32
    dims: [ -1, ${o.vocabSize} ]
  }
]
${idOutputs()}
# Next to the encoder, so the logits never leave the device.
${instanceGroup(o)}
`;
}

export function ensembleConfig(o: ConfigOptions): string {
  const map = (kind: 'input_map' | 'output_map', names: string[]) =>
    names.map((n) => `      ${kind} { key: "${n}" value: "${n}" }`).join('\n');
  const ins = [o.inputs.features, o.inputs.lengths, o.inputs.language, o.inputs.textNorm];
  return `# The model clients call: the encoder, then the argmax, as one request. Point the SenseVoice daemon
# at it with sensevoice.inference.modelName = "${o.names.ensemble}" (the default). Written by
# sensevoice export-server-model.
name: "${o.names.ensemble}"
# An ensemble runs no code of its own: Triton passes tensors between the steps below.
platform: "ensemble"
# As its steps: batching happens in the encoder's dynamic batcher.
max_batch_size: ${MAX_BATCH_SIZE}
${inputs(o, false)}
${idOutputs()}
${tagParameterBlock(o)}
# The steps, in order; input_map keys are a step's own tensor names, values the ensemble's.
ensemble_scheduling {
  step [
    {
      # Features to logits. model_version -1: the newest version in the folder.
      model_name: "${o.names.encoder}"
      model_version: -1
${map('input_map', ins)}
      output_map { key: "${o.logits}" value: "${o.logits}" }
    },
    {
      # Logits to token ids; the logits stay on the server.
      model_name: "${o.names.argmax}"
      model_version: -1
      input_map { key: "${o.logits}" value: "${o.logits}" }
${map('output_map', [TOKEN_IDS_OUTPUT, TOKEN_IDS_NO_EMO_UNKNOWN_OUTPUT])}
    }
  ]
}
`;
}
