// Reads the pieces of a SentencePiece model file (sentencepiece_model.proto: ModelProto, field 1
// `pieces`, each {piece = 1, score = 2, type = 3}). The piece at index i is the token with id i, the
// same table sherpa-onnx writes to tokens.txt with id_to_piece.

import fs from 'node:fs/promises';
import { ProtoReader, ProtoWireError, WireType } from './protoWire';
import { TokenTableError } from './tokens';

/** SentencePiece's piece types. */
export const PieceType = { Normal: 1, Unknown: 2, Control: 3, UserDefined: 4, Unused: 5, Byte: 6 } as const;

export interface SentencePiece {
  piece: string;
  score: number;
  /** One of PieceType; Normal when the file leaves it out (the proto default). */
  type: number;
}

export function parseSentencePieceModel(bytes: Uint8Array, source = 'SentencePiece model'): SentencePiece[] {
  const pieces: SentencePiece[] = [];
  try {
    const model = new ProtoReader(bytes);
    while (!model.done) {
      const k = model.readKey();
      if (k.fieldNumber !== 1 || k.wireType !== WireType.LengthDelimited) {
        model.skip(k.wireType);
        continue;
      }
      const m = model.readMessage();
      const p: SentencePiece = { piece: '', score: 0, type: PieceType.Normal };
      while (!m.done) {
        const f = m.readKey();
        if (f.fieldNumber === 1 && f.wireType === WireType.LengthDelimited) p.piece = m.readString();
        else if (f.fieldNumber === 2 && f.wireType === WireType.Fixed32) p.score = m.readFloat();
        else if (f.fieldNumber === 3 && f.wireType === WireType.Varint) p.type = m.readVarint();
        else m.skip(f.wireType);
      }
      pieces.push(p);
    }
  } catch (err) {
    if (err instanceof ProtoWireError) {
      throw new TokenTableError(`${source} is not a SentencePiece model: ${err.message}.`);
    }
    throw err;
  }
  if (pieces.length === 0) throw new TokenTableError(`${source} is not a SentencePiece model: it holds no pieces.`);
  return pieces;
}

/** The id -> piece table of the SentencePiece model at `path`. */
export async function readSentencePieceTokens(path: string): Promise<string[]> {
  return parseSentencePieceModel(await fs.readFile(path), path).map((p) => p.piece);
}
