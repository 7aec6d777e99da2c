// SenseVoice's logits with their argmax taken inside ONNX Runtime: the model file is read into one
// buffer with a TopK(k = 2) node appended to its graph (on the logits, last axis) and its indices
// declared as a graph output, so that a run hands back two token ids a frame instead of 25,055
// floats. Greedy CTC needs only the best id (ctcDecodeIds); the runner-up is the best id when the
// best is EMO_UNKNOWN and the request bans it (FunASR's ban_emo_unk). TopK puts the lower index first
// on a tie, as the JS argmax and sherpa-onnx's std::max_element do.
//
// Why: the logits are 2 MB a second of audio ([N, T + 4, 25055] float32). onnxruntime-node copies a
// fetched output into a JS buffer, so every batch held them twice (the runtime's buffer and the
// copy) and the JS argmax then read all of them. With the ids fetched, the logits stay an
// intermediate inside the runtime, no copy is made, and the argmax runs in native code.
// Measured 2026-12-06 (2 cores AMD EPYC, full-size int8 replica, `npm run bench -- --quick --skip
// cli,shared,diarization,live`): before, one run at load 1.43: daemon 2.91 s, session.run alone
// 2.46 s (1.18x), sherpa-onnx-node 3.10 s (0.94x), peak RSS 472 MB vs sherpa's 536 MB; inference
// phase 2.56 s, CTC 0.10 s. With the ids, seven runs at load 0.9-1.7: daemon / session.run
// 0.97-1.01x, ours / sherpa 0.67-0.75x, peak RSS 435-437 MB (0.81-0.82x sherpa's 532-540 MB);
// inference phase 1.57-2.13 s, CTC 0.07 s.
//
// The graph is edited as bytes (no protobuf library at run time): the top-level ModelProto fields are
// walked by position, the graph field (7) gets a new length, and a GraphProto tail of three fields
// (an initializer with K, the node, the output) goes after its old end; protobuf merges repeated
// fields in any order. Reading the file into this buffer costs one model-sized allocation while the
// session is created (the same as sherpa-onnx, which creates its sessions from a buffer), released
// after.
import fs from 'node:fs';
import { DataType } from '../../common/onnx/graphBuilder';
import { ProtoWriter } from '../../common/onnx/protoWriter';
import { decodeVarint, splitKey, WireType } from '../model/protoWire';

/** The names the appended node uses (unlikely to clash with an exported graph's). */
export const TOP_TWO = {
  ids: 'sensevoice_top2_ids',
  values: 'sensevoice_top2_values',
  k: 'sensevoice_top2_k',
} as const;

const GRAPH_FIELD = 7;
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType.INT

/** A length prefix: an unsigned varint (lengths are far below 2^53). */
function lengthVarint(n: number): Uint8Array {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return Uint8Array.from(out);
}

/** GraphProto fields (initializer, node, output) that add TopK(logits, K = 2, axis = -1). */
export function topTwoGraphTail(logitsName: string): Uint8Array {
  const w = new ProtoWriter();
  w.message(5, (t) => t.packedVarints(1, [1]).varint(2, DataType.INT64).packedVarints(7, [2]).string(8, TOP_TWO.k));
  w.message(1, (n) =>
    n
      .string(1, logitsName)
      .string(1, TOP_TWO.k)
      .string(2, TOP_TWO.values)
      .string(2, TOP_TWO.ids)
      .string(3, 'sensevoice_top2')
      .string(4, 'TopK')
      .message(5, (a) => a.string(1, 'axis').varint(3, -1).varint(20, ATTRIBUTE_INT)),
  );
  w.message(12, (v) =>
    v.string(1, TOP_TWO.ids).message(2, (type) => type.message(1, (tensor) => tensor.varint(1, DataType.INT64))),
  );
  return w.finish();
}

function readAt(fd: number, into: Uint8Array, at: number, position: number, length: number): void {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, into, at + done, length - done, position + done);
    if (n === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += n;
  }
}

/**
 * The model at `file` with the TopK output appended, in one buffer for InferenceSession.create.
 * Throws when the file is not a ModelProto with one graph field (the caller then loads it as it is).
 */
export function modelWithTopTwo(file: string, logitsName: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    // Walk the top-level fields by position: each key and length is read, no value is.
    const head = new Uint8Array(20);
    let graph: { keyEnd: number; start: number; end: number } | undefined;
    for (let pos = 0; pos < size;) {
      const n = fs.readSync(fd, head, 0, Math.min(head.length, size - pos), pos);
      const k = decodeVarint(head, 0, n);
      if (!k) throw new Error(`truncated key at byte ${pos}`);
      const { fieldNumber, wireType } = splitKey(k.value, pos);
      let next: number;
      if (wireType === WireType.LengthDelimited) {
        const len = decodeVarint(head, k.next, n);
        if (!len) throw new Error(`truncated length at byte ${pos}`);
        const start = pos + len.next;
        next = start + len.value;
        if (fieldNumber === GRAPH_FIELD) {
          if (graph) throw new Error('two graph fields');
          graph = { keyEnd: pos + k.next, start, end: next };
        }
      } else if (wireType === WireType.Varint) {
        const v = decodeVarint(head, k.next, n);
        if (!v) throw new Error(`truncated varint at byte ${pos}`);
        next = pos + v.next;
      } else next = pos + k.next + (wireType === WireType.Fixed64 ? 8 : 4);
      if (next > size) throw new Error(`field ${fieldNumber} at byte ${pos} runs past the end of the file`);
      pos = next;
    }
    if (!graph) throw new Error('no graph field');
    const tail = topTwoGraphTail(logitsName);
    const length = lengthVarint(graph.end - graph.start + tail.length);
    const out = new Uint8Array(
      graph.keyEnd + length.length + (graph.end - graph.start) + tail.length + (size - graph.end),
    );
    let at = 0;
    readAt(fd, out, at, 0, graph.keyEnd);
    at += graph.keyEnd;
    out.set(length, at);
    at += length.length;
    readAt(fd, out, at, graph.start, graph.end - graph.start);
    at += graph.end - graph.start;
    out.set(tail, at);
    at += tail.length;
    readAt(fd, out, at, graph.end, size - graph.end);
    return out;
  } finally {
    fs.closeSync(fd);
  }
}
