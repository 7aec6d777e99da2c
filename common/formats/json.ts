// JSON (.transcript.json): the Transcript as the protocol defines it, and the reader that turns
// such a file (or a line of `sensevoice transcribe --format json`) back into one, checking every
// field so a hand-edited or foreign file fails with a message that says where. A diarized transcript
// carries its speakers (id, name, talk time: the one names map, so a rename is saved and read back),
// each segment's speaker id, and the diarization's turns.
import type { SpeakerTurn, TranscriptSegment, TranscriptSpeaker, TranscriptToken } from '../protocol';
import { segmentFields, type TranscriptData } from './transcriptData';
import { parseSourceWarnings, sourceWarningFields } from './sourceWarnings';

export interface JsonOptions {
  /** Indented for people (default true); false gives one line, as the cli prints per file. */
  pretty?: boolean;
  /** Token ids, pieces and times (default true). */
  tokens?: boolean;
  /** Where the time went (default true); the cli's documented line format leaves it out. */
  timings?: boolean;
}

/**
 * The documented shape, in the documented key order: {file, durationSec, model, speakers?, segments,
 * turns?, speakersUnavailable?, warnings?, timings}; the diarization's keys only when it ran (or was
 * asked for), `warnings` only when the file has some (it ends early, it is damaged).
 */
export function formatJson(t: TranscriptData, options: JsonOptions = {}): string {
  const withTokens = options.tokens ?? true;
  const doc = {
    file: t.file,
    durationSec: t.durationSec,
    model: { layout: t.model.layout, quantization: t.model.quantization, provider: t.model.provider },
    ...(t.speakers ? { speakers: t.speakers.map((s) => ({ id: s.id, name: s.name, talkSec: s.talkSec })) } : {}),
    segments: t.segments.map((s) => ({
      ...segmentFields(s),
      ...(withTokens ? { tokens: s.tokens.map((k) => ({ id: k.id, text: k.text, start: k.start })) } : {}),
    })),
    ...(t.turns ? { turns: t.turns.map((x) => ({ start: x.start, end: x.end, speaker: x.speaker })) } : {}),
    ...(t.speakersUnavailable ? { speakersUnavailable: t.speakersUnavailable } : {}),
    ...(t.warnings?.length ? { warnings: t.warnings.map(sourceWarningFields) } : {}),
    ...(t.timings && options.timings !== false ? { timings: t.timings } : {}),
  };
  return options.pretty === false ? JSON.stringify(doc) : JSON.stringify(doc, null, 2) + '\n';
}

export class TranscriptParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscriptParseError';
  }
}

function fail(where: string, what: string): never {
  throw new TranscriptParseError(`Not a SenseVoice transcript: ${where} ${what}.`);
}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'is not an object');
  return v as Record<string, unknown>;
}

function num(o: Record<string, unknown>, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where}.${key}`, 'is not a number');
  return v;
}

function str(o: Record<string, unknown>, key: string, where: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') fail(`${where}.${key}`, 'is not a string');
  return v;
}

function token(v: unknown, where: string): TranscriptToken {
  const o = obj(v, where);
  return { id: num(o, 'id', where), text: str(o, 'text', where), start: num(o, 'start', where) };
}

function list(o: Record<string, unknown>, key: string, where: string): unknown[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) fail(`${where}.${key}`, 'is not a list');
  return v;
}

function segment(v: unknown, where: string): TranscriptSegment {
  const o = obj(v, where);
  const tokens = list(o, 'tokens', where) ?? [];
  const overlap = list(o, 'overlap', where)?.map((x, i) => {
    if (typeof x !== 'string') fail(`${where}.overlap[${i}]`, 'is not a string');
    return x;
  });
  return {
    start: num(o, 'start', where),
    end: num(o, 'end', where),
    language: str(o, 'language', where, ''),
    emotion: str(o, 'emotion', where, ''),
    event: str(o, 'event', where, ''),
    text: str(o, 'text', where),
    ...(o.speaker !== undefined ? { speaker: str(o, 'speaker', where) } : {}),
    ...(overlap && overlap.length > 0 ? { overlap } : {}),
    tokens: tokens.map((k, i) => token(k, `${where}.tokens[${i}]`)),
  };
}

function speaker(v: unknown, where: string): TranscriptSpeaker {
  const o = obj(v, where);
  return { id: str(o, 'id', where), name: str(o, 'name', where), talkSec: num(o, 'talkSec', where) };
}

function turn(v: unknown, where: string): SpeakerTurn {
  const o = obj(v, where);
  return { start: num(o, 'start', where), end: num(o, 'end', where), speaker: str(o, 'speaker', where) };
}

/** Reads a JSON export (or the first line of the cli's JSON-lines output) back into a Transcript. */
export function parseTranscriptJson(source: string): TranscriptData {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch {
    // The cli prints one object per line: take the first line that parses.
    const first = source.split('\n').find((l) => l.trim());
    try {
      raw = JSON.parse(first ?? '');
    } catch {
      throw new TranscriptParseError('Not a SenseVoice transcript: the file is not JSON.');
    }
  }
  const o = obj(raw, 'the document');
  if ('error' in o && !('segments' in o)) fail('the document', 'records a failed transcription');
  if (!Array.isArray(o.segments)) fail('segments', 'is missing or not a list');
  const m = o.model === undefined ? {} : obj(o.model, 'model');
  const layout = m.layout === 'funasr' ? 'funasr' : 'sherpa';
  const quantization = m.quantization === 'int8' ? 'int8' : 'fp32';
  const segments = o.segments.map((s, i) => segment(s, `segments[${i}]`));
  const durationSec =
    o.durationSec === undefined ? Math.max(0, ...segments.map((s) => s.end)) : num(o, 'durationSec', 'the document');
  const tm = o.timings === undefined ? null : obj(o.timings, 'timings');
  const speakers = list(o, 'speakers', 'the document')?.map((s, i) => speaker(s, `speakers[${i}]`));
  const ids = new Set(speakers?.map((s) => s.id));
  if (speakers && ids.size !== speakers.length) fail('speakers', 'has the same id twice');
  const turns = list(o, 'turns', 'the document')?.map((x, i) => turn(x, `turns[${i}]`));
  const warnings = parseSourceWarnings(o.warnings, fail);
  return {
    file: str(o, 'file', 'the document', ''),
    durationSec,
    model: { layout, quantization, provider: typeof m.provider === 'string' ? m.provider : 'unknown' },
    segments,
    ...(speakers ? { speakers } : {}),
    ...(turns ? { turns } : {}),
    ...(typeof o.speakersUnavailable === 'string' ? { speakersUnavailable: o.speakersUnavailable } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(tm
      ? {
          timings: {
            decodeMs: num(tm, 'decodeMs', 'timings'),
            featuresMs: num(tm, 'featuresMs', 'timings'),
            inferenceMs: num(tm, 'inferenceMs', 'timings'),
            totalMs: num(tm, 'totalMs', 'timings'),
          },
        }
      : {}),
  };
}
