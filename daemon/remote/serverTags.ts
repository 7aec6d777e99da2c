// The ids a served model must share with the local model folder beyond tensor names and shapes: the
// query ids the encoder takes as input (language, text norm), the token ids of the rich tags the
// four query frames emit (language, emotion, event, ITN), the <|EMO_UNKNOWN|> id the argmax model bans,
// the vocabulary size and a digest of the token table. Metadata (KServe v2) cannot say them, so
// export-server-model writes them as `parameters` in the Triton configs (tagParameters), and the
// daemon reads them back at connect through Triton's model-configuration extension
// (GET v2/models/{name}/config) and compares (compareTagContract): a repository exported from
// another vocabulary would otherwise decode into wrong tags or wrong text without a word.
import crypto from 'node:crypto';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { EMOTION_UNKNOWN } from '../../common/richTags';
import type { ModelFolderInfo } from '../model/modelFolder';
import { classifyTag, tagId, tagName } from '../decoding/richTags';

/** The config parameter keys (Triton's ModelConfig.parameters), one prefix so they never meet a backend's. */
export const TAG_PARAMETER_KEYS = {
  vocabSize: 'sensevoice_vocab_size',
  tokensSha256: 'sensevoice_tokens_sha256',
  emotionUnknownId: 'sensevoice_emo_unknown_id',
  languageQueryIds: 'sensevoice_language_query_ids',
  textNormQueryIds: 'sensevoice_text_norm_query_ids',
  tagIds: 'sensevoice_tag_ids',
} as const;

type Key = keyof typeof TAG_PARAMETER_KEYS;

/** What each key means, for the comment beside it in config.pbtxt and for mismatch messages. */
export const TAG_PARAMETER_MEANING: Record<Key, string> = {
  vocabSize: 'the token table size (rows of logits)',
  tokensSha256: 'sha256 of the token table, one piece per line',
  emotionUnknownId: 'the id of <|EMO_UNKNOWN|> that token_ids_no_emo_unknown never chooses (-1: none)',
  languageQueryIds: 'the language query ids the encoder takes as its language input (name=id)',
  textNormQueryIds: 'the text-norm query ids the encoder takes as its text-norm input',
  tagIds: 'the token id of every rich tag the query frames emit: language, emotion, event, ITN',
};

/** The contract as strings, exactly as the configs carry them. */
export type TagParameters = Record<(typeof TAG_PARAMETER_KEYS)[Key], string>;

/** The parameters that describe `folder`; export-server-model writes these. */
export function tagParameters(
  folder: Pick<ModelFolderInfo, 'vocabSize' | 'tokens' | 'langIds' | 'withItnId' | 'withoutItnId'>,
): TagParameters {
  const tags: [string, number][] = [];
  folder.tokens.forEach((piece, id) => {
    if (classifyTag(piece)) tags.push([tagName(piece)!, id]);
  });
  return {
    [TAG_PARAMETER_KEYS.vocabSize]: String(folder.vocabSize),
    [TAG_PARAMETER_KEYS.tokensSha256]: crypto.createHash('sha256').update(folder.tokens.join('\n')).digest('hex'),
    [TAG_PARAMETER_KEYS.emotionUnknownId]: String(tagId(folder.tokens, EMOTION_UNKNOWN) ?? -1),
    [TAG_PARAMETER_KEYS.languageQueryIds]: pairs(Object.entries(folder.langIds)),
    [TAG_PARAMETER_KEYS.textNormQueryIds]: pairs([
      ['withitn', folder.withItnId],
      ['woitn', folder.withoutItnId],
    ]),
    [TAG_PARAMETER_KEYS.tagIds]: pairs(tags),
  } as TagParameters;
}

/** The outcome of comparing a server's parameters with the local ones. */
export interface TagComparison {
  /** Differences that make the transcript wrong: the connection is refused. */
  problems: string[];
  /** Things that could not be checked, or differ harmlessly: shown, not refused. */
  warnings: string[];
}

/**
 * Compares the parameters a server's config carries (`server`, null when it has no config extension
 * or says nothing) with the local folder's. `server` holds every parameter the config has.
 */
export function compareTagContract(local: TagParameters, server: Record<string, string> | null): TagComparison {
  const problems: string[] = [];
  const warnings: string[] = [];
  const stated = server ? Object.values(TAG_PARAMETER_KEYS).filter((k) => k in server) : [];
  if (!server || stated.length === 0) {
    warnings.push(
      'it does not state its tag ids (it was not exported by this version of `sensevoice export-server-model`, or the server has no model-configuration extension), so the language, emotion, event and ITN ids it uses are not checked',
    );
    return { problems, warnings };
  }
  const k = TAG_PARAMETER_KEYS;
  for (const key of Object.values(k)) {
    if (!(key in server)) problems.push(`its config lacks the parameter ${key}`);
  }
  const scalar = (key: string, what: string) => {
    if (key in server && server[key] !== local[key as keyof TagParameters]) {
      problems.push(`${what} is ${server[key]} there, ${local[key as keyof TagParameters]} here`);
    }
  };
  scalar(k.vocabSize, 'the vocabulary size');
  scalar(k.emotionUnknownId, 'the <|EMO_UNKNOWN|> id');
  const table = (key: string, what: (name: string) => string) => {
    if (!(key in server)) return;
    const theirs = parsePairs(server[key]!);
    if (!theirs) {
      problems.push(`its parameter ${key} is not a list of name=id pairs`);
      return;
    }
    const ours = parsePairs(local[key as keyof TagParameters])!;
    const diffs: string[] = [];
    for (const [name, id] of ours) {
      const there = theirs.get(name);
      if (there === undefined) diffs.push(`${what(name)} is missing there (${id} here)`);
      else if (there !== id) diffs.push(`${what(name)} is ${there} there, ${id} here`);
    }
    for (const [name, id] of theirs) if (!ours.has(name)) diffs.push(`${what(name)} is ${id} there, missing here`);
    problems.push(...diffs.slice(0, 6));
    if (diffs.length > 6) problems.push(`and ${diffs.length - 6} more ${key} differences`);
  };
  table(k.languageQueryIds, (n) => `the language query id of ${n}`);
  table(k.textNormQueryIds, (n) => `the text-norm query id of ${n}`);
  table(k.tagIds, (n) => `the token id of <|${n}|>`);
  if (problems.length === 0 && k.tokensSha256 in server && server[k.tokensSha256] !== local[k.tokensSha256]) {
    warnings.push(
      'its token table differs from the local one in pieces other than the tags (same size and tag ids): text pieces may be spelled differently',
    );
  }
  return { problems, warnings };
}

/** Triton's JSON ModelConfig.parameters ({key: {string_value}}) as plain strings; null when absent. */
export function configParameters(config: unknown): Record<string, string> | null {
  const p = (config as { parameters?: unknown } | null)?.parameters;
  if (typeof p !== 'object' || p === null) return null;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(p)) {
    const s = (v as { string_value?: unknown } | null)?.string_value;
    if (typeof s === 'string') out[key] = s;
  }
  return out;
}

function pairs(list: [string, number][]): string {
  return list.map(([name, id]) => `${name}=${id}`).join(',');
}

function parsePairs(text: string): Map<string, number> | null {
  const out = new Map<string, number>();
  if (text === '') return out;
  for (const part of text.split(',')) {
    const m = /^(.+)=(-?\d+)$/.exec(part);
    if (!m) return null;
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/**
 * The connect-time check: throws InferenceServerMismatch naming every differing id, or returns
 * whether the ids were checked and what to warn about.
 */
export function checkServerTags(
  folder: Pick<ModelFolderInfo, 'vocabSize' | 'tokens' | 'langIds' | 'withItnId' | 'withoutItnId' | 'dir'>,
  config: unknown,
  modelName: string,
  where: string,
): { checked: boolean; warnings: string[] } {
  const server = configParameters(config);
  const { problems, warnings } = compareTagContract(tagParameters(folder), server);
  if (problems.length > 0) {
    throw new SenseVoiceError(
      ErrorCode.InferenceServerMismatch,
      `Model "${modelName}" on ${where} was exported for another vocabulary than the local model in ${folder.dir}: ${problems.join('; ')}. Export the repository again from this folder (sensevoice export-server-model --model "${folder.dir}" --out REPO --force) and reload it on the server, or set the model path to the folder it was exported from.`,
      { problems },
    );
  }
  const checked = server !== null && Object.values(TAG_PARAMETER_KEYS).some((k) => k in server);
  return { checked, warnings: warnings.map((w) => `Model "${modelName}" on ${where}: ${w}.`) };
}
