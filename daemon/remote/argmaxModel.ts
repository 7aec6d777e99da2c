// The tiny ONNX model an inference server runs after the SenseVoice encoder: the argmax of each logit
// row, so 4 bytes per frame cross the network instead of 25055 floats (about 1.7 MB per audio
// second). Two outputs: plain, and with EMO_UNKNOWN's logit at -inf (FunASR's ban_emo_unk, the
// `banEmotionUnknown` setting), so the choice stays per request. ArgMax keeps the first maximum
// (select_last_index 0), as the local decoder does (daemon/decoding/ctcDecode.ts), so ids match it.
import { concatParts } from '../../common/onnx/protoWriter';
import { DataType, GraphBuilder } from '../../common/onnx/graphBuilder';
import { TOKEN_IDS_NO_EMO_UNKNOWN_OUTPUT, TOKEN_IDS_OUTPUT } from './serverContract';

export interface ArgmaxModelOptions {
  /** The logits input's name: the encoder's output (`logits` or `ctc_logits`). */
  logitsName: string;
  vocabSize: number;
  /** <|EMO_UNKNOWN|>'s id; -1 when the vocabulary has none (both outputs are then the same). */
  emotionUnknownId: number;
}

/** The model file's bytes. */
export function buildArgmaxModel(o: ArgmaxModelOptions): Uint8Array {
  const g = new GraphBuilder('sensevoice_argmax');
  const logits = g.input(o.logitsName, DataType.FLOAT, ['N', 'T', o.vocabSize]);
  const ban = new Float32Array(o.vocabSize);
  if (o.emotionUnknownId >= 0) ban[o.emotionUnknownId] = -Infinity;
  const argmax = (input: string, hint: string) =>
    g.op('ArgMax', [input], hint, { axis: 2, keepdims: 0, select_last_index: 0 });
  g.node('Cast', [argmax(logits, 'ids_i64')], '', { to: DataType.INT32 }, [TOKEN_IDS_OUTPUT]);
  const banned = g.op('Add', [logits, g.floats('emo_unknown_ban', [o.vocabSize], ban)], 'logits_banned');
  g.node('Cast', [argmax(banned, 'banned_ids_i64')], '', { to: DataType.INT32 }, [TOKEN_IDS_NO_EMO_UNKNOWN_OUTPUT]);
  g.output(TOKEN_IDS_OUTPUT, DataType.INT32, ['N', 'T']);
  g.output(TOKEN_IDS_NO_EMO_UNKNOWN_OUTPUT, DataType.INT32, ['N', 'T']);
  return concatParts(
    g.encode({ producerName: 'sensevoice export-server-model', docString: 'argmax of SenseVoice CTC logits' }),
  );
}
