// The speaker profiles file (.vscode/sensevoice-speakers.json) and the profiles a request carries:
// read strictly (a hand-edited file with a mistake is reported with where it is, never half used or
// overwritten) and written readably. One reader for the daemon's request check, the cli's
// --speaker-profiles FILE and the extension's workspace file.
import { ErrorCode, SenseVoiceError, type SpeakerProfile, type SpeakerProfilesFile } from '../protocol';

/** Profiles one request or file may hold: more than anyone names, few enough to send and compare quickly (bench/profileMatching.ts). */
export const MAX_SPEAKER_PROFILES = 200;

function fail(where: string, what: string): never {
  throw new SenseVoiceError(ErrorCode.InvalidParams, `${where}: ${what}`);
}

function vector(raw: unknown, where: string, dim: number): number[] {
  if (!Array.isArray(raw) || raw.length !== dim || !raw.every((x) => typeof x === 'number' && Number.isFinite(x)))
    fail(where, `must be a list of ${dim} numbers (the model's "dim").`);
  return raw as number[];
}

function text(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim().length === 0) fail(`${where}.${key}`, 'must be a non-empty string.');
  return v;
}

/** One profile, checked: every field present with its type, the vectors as long as the model says. */
export function parseSpeakerProfile(raw: unknown, where: string): SpeakerProfile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(where, 'must be an object.');
  const o = raw as Record<string, unknown>;
  const m = o.model;
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    fail(`${where}.model`, 'must be an object {sha256, file, dim}.');
  const mo = m as Record<string, unknown>;
  const dim = mo.dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1 || dim > 8192)
    fail(`${where}.model.dim`, 'must be a whole number from 1 to 8192.');
  const samples = o.samples;
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1)
    fail(`${where}.samples`, 'must be a whole number >= 1.');
  const negatives = o.negatives;
  if (negatives !== undefined && !Array.isArray(negatives)) fail(`${where}.negatives`, 'must be a list of voices.');
  return {
    name: text(o, 'name', where).trim(),
    model: { sha256: text(mo, 'sha256', `${where}.model`), file: text(mo, 'file', `${where}.model`), dim },
    embedding: vector(o.embedding, `${where}.embedding`, dim),
    samples,
    ...(negatives ? { negatives: negatives.map((n, i) => vector(n, `${where}.negatives[${i}]`, dim)) } : {}),
    created: text(o, 'created', where),
    updated: text(o, 'updated', where),
  };
}

/** A list of profiles (a request's `profiles`, a file's `profiles`). */
export function parseSpeakerProfileList(raw: unknown, where: string): SpeakerProfile[] {
  if (!Array.isArray(raw)) fail(where, 'must be a list of speaker profiles.');
  if (raw.length > MAX_SPEAKER_PROFILES) fail(where, `holds ${raw.length} profiles; at most ${MAX_SPEAKER_PROFILES}.`);
  return raw.map((p, i) => parseSpeakerProfile(p, `${where}[${i}]`));
}

/** The file's text, checked; InvalidParams naming `file` and the place that is wrong. */
export function parseSpeakerProfilesFile(textOfFile: string, file: string): SpeakerProfilesFile {
  let raw: unknown;
  try {
    raw = JSON.parse(textOfFile);
  } catch (e) {
    fail(file, `is not valid JSON (${(e as Error).message}). Fix it, or delete the file to forget every voice in it.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail(file, 'must hold an object {"version": 1, "profiles": [...]}.');
  const o = raw as Record<string, unknown>;
  if (o.version !== 1) fail(`${file}: version`, `is ${JSON.stringify(o.version)}; this SenseVoice reads version 1.`);
  return { version: 1, profiles: parseSpeakerProfileList(o.profiles, `${file}: profiles`) };
}

/** The file as written: two-space JSON, each vector on one line (readable, diff-able). */
export function formatSpeakerProfilesFile(f: SpeakerProfilesFile): string {
  const json = JSON.stringify(f, null, 2);
  // JSON.stringify puts every number of a vector on its own line; one line per vector reads better.
  return `${json.replace(/\[\n\s+(-?[\d.e+-]+(?:,\n\s+-?[\d.e+-]+)*)\n\s+\]/g, (_m, nums: string) => `[${nums.replace(/,\n\s+/g, ', ')}]`)}\n`;
}
