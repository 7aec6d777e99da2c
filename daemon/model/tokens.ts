// Token tables: id -> piece, as the model's logits index them. tokens.txt is sherpa-onnx's format
// (`piece id` per line, written from SentencePiece's id_to_piece); tokens.json is FunASR's (a JSON
// array of pieces). Pieces are kept exactly as spelled, "▁" included; the decoder renders them.

import fs from 'node:fs/promises';

/** A token table that cannot be used; the message names the file and the line or entry at fault. */
export class TokenTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenTableError';
  }
}

/**
 * Parses tokens.txt. Each non-empty line is a piece, whitespace, and its id; the id is taken after the
 * last whitespace so a piece containing a space would survive (SenseVoice's have none). The ids must
 * be exactly 0..n-1, in any order.
 */
export function parseTokensTxt(text: string, source = 'tokens.txt'): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const byId = new Map<number, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const m = /^(.*\S)\s+(\d+)\s*$/.exec(line);
    if (!m) {
      throw new TokenTableError(
        `${source} line ${i + 1} is ${JSON.stringify(line.slice(0, 60))}; expected a token, a space and its id.`,
      );
    }
    const id = Number(m[2]);
    if (byId.has(id)) {
      throw new TokenTableError(
        `${source} line ${i + 1} repeats id ${id} (already used by ${JSON.stringify(byId.get(id))}).`,
      );
    }
    byId.set(id, m[1]!);
  }
  return denseTable(byId, source);
}

/** Parses FunASR's tokens.json: a JSON array whose index is the id. */
export function parseTokensJson(text: string, source = 'tokens.json'): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new TokenTableError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new TokenTableError(`${source} should hold a non-empty JSON array of tokens.`);
  }
  const bad = value.findIndex((v) => typeof v !== 'string');
  if (bad >= 0)
    throw new TokenTableError(`${source} entry ${bad} is ${JSON.stringify(value[bad])}; expected a string.`);
  return value as string[];
}

/** Reads a token table by its file name: `.json` as FunASR's, anything else as tokens.txt. */
export async function readTokenTable(path: string): Promise<string[]> {
  const text = await fs.readFile(path, 'utf8');
  return path.toLowerCase().endsWith('.json') ? parseTokensJson(text, path) : parseTokensTxt(text, path);
}

function denseTable(byId: Map<number, string>, source: string): string[] {
  if (byId.size === 0) throw new TokenTableError(`${source} holds no tokens.`);
  const table = new Array<string>(byId.size);
  for (const [id, piece] of byId) {
    if (id >= byId.size) {
      const missing = Array.from({ length: byId.size }, (_, i) => i).find((i) => !byId.has(i));
      throw new TokenTableError(
        `${source} has ${byId.size} tokens but uses id ${id}; ids must run 0..${byId.size - 1} (id ${missing} is missing).`,
      );
    }
    table[id] = piece;
  }
  return table;
}
