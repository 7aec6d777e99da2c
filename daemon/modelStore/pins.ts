// The published sizes and sha256 of every file the named sources serve. A download is used only
// when its bytes match; nothing else in the daemon carries these numbers. Organisations that mirror
// the model (or serve their own export) declare their files' pins in a JSON file that
// SENSEVOICE_MODEL_PINS names; see declaredPins below.
//
// Provenance: the int8 model, the ModelScope int8 model and the int8 archive are the published pins
// quoted in test/fixtures/published-pins.md. tokens.txt, am.mvn and the SentencePiece model are the
// real release files kept in test/fixtures/sensevoice-small-assets (a unit test checks both against
// those fixtures). The fp32 model.onnx pin is the figure published for the Hugging Face file by
// several independent projects (size 937,617,178 bytes, the LFS oid as sha256).

import fs from 'node:fs';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';

/** A file's published (or declared) identity. */
export interface FilePin {
  /** The file name as the source serves it. */
  name: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
  /** Set for an organisation's pin: the SENSEVOICE_MODEL_PINS file that declares it. */
  declaredIn?: string;
}

export const PINS = {
  /** sherpa-onnx export, int8 (Hugging Face per-file, GitHub int8 archive). */
  sherpaInt8: {
    name: 'model.int8.onnx',
    size: 239_233_841,
    sha256: 'c71f0ce00bec95b07744e116345e33d8cbbe08cef896382cf907bf4b51a2cd51',
  },
  /** sherpa-onnx export, fp32. */
  sherpaFp32: {
    name: 'model.onnx',
    size: 937_617_178,
    sha256: '977016bd9c79f9eb343430b5cc305e07ab64d5212dff41b0dcfa1694bee9a8cb',
  },
  /** sherpa-onnx token table (both variants). */
  sherpaTokens: {
    name: 'tokens.txt',
    size: 315_894,
    sha256: 'f449eb28dc567533d7fa59be34e2abca8784f771850c78a47fb731a31429a1dc',
  },
  /** The GitHub release archive holding model.int8.onnx and tokens.txt. */
  sherpaInt8Archive: {
    name: 'sherpa-onnx-sense-voice-zh-en-ja-ko-yue-int8-2024-07-17.tar.bz2',
    size: 163_002_883,
    sha256: '7d1efa2138a65b0b488df37f8b89e3d91a60676e416f515b952358d83dfd347e',
  },
  /** FunASR export on ModelScope (iic/SenseVoiceSmall-onnx), int8. */
  funasrInt8: {
    name: 'model_quant.onnx',
    size: 241_216_270,
    sha256: '21dc965f689a78d1604717bf561e40d5a236087c85a95584567835750549e822',
  },
  /** FunASR CMVN statistics. */
  funasrCmvn: {
    name: 'am.mvn',
    size: 11_203,
    sha256: '29b3c740a2c0cfc6b308126d31d7f265fa2be74f3bb095cd2f143ea970896ae5',
  },
  /** FunASR SentencePiece model (the token table). */
  funasrBpe: {
    name: 'chn_jpn_yue_eng_ko_spectok.bpe.model',
    size: 377_341,
    sha256: 'aa87f86064c3730d799ddf7af3c04659151102cba548bce325cf06ba4da4e6a8',
  },
} as const satisfies Record<string, FilePin>;

/** Every pin, for recognising a published file fetched from a URL the user gave (a mirror). */
export const ALL_PINS: readonly FilePin[] = Object.values(PINS);

/** The environment variable that names an organisation's pins file. */
export const MODEL_PINS_ENV = 'SENSEVOICE_MODEL_PINS';

/** One entry of a pins file: a file by its name, by its URL, or both, with its size and sha256. */
export interface DeclaredPin extends FilePin {
  /** When set, the pin applies to that URL only; else to every URL download of a file of that name. */
  url?: string;
}

/**
 * The pins that SENSEVOICE_MODEL_PINS declares, read on every call (so a fixed file is used without
 * a restart); [] when the variable is unset. The file is JSON: `{"pins": [{"url" or "name",
 * "size", "sha256"}, ...]}` or the array alone. A download from a URL of a file that one of them
 * names must match it: a mismatch is refused (ChecksumMismatch) like a named source's. A pins file
 * that cannot be read or has a malformed entry fails the download (InvalidParams), naming the
 * entry: a typo must not silently turn the check off.
 */
export function declaredPins(env: NodeJS.ProcessEnv = process.env): DeclaredPin[] {
  const file = env[MODEL_PINS_ENV]?.trim();
  if (!file) return [];
  const bad = (why: string) => new SenseVoiceError(ErrorCode.InvalidParams, `${MODEL_PINS_ENV}=${file}: ${why}`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : err instanceof Error
          ? err.message
          : String(err);
    throw bad(`cannot read the pins file (${why}). Fix it, or unset ${MODEL_PINS_ENV}.`);
  }
  const list = Array.isArray(raw)
    ? raw
    : typeof raw === 'object' && raw !== null && Array.isArray((raw as { pins?: unknown }).pins)
      ? (raw as { pins: unknown[] }).pins
      : null;
  if (!list) throw bad('expected {"pins": [{"url" or "name", "size", "sha256"}, ...]}.');
  return list.map((e, i): DeclaredPin => {
    const where = `entry ${i + 1}`;
    if (typeof e !== 'object' || e === null) throw bad(`${where} is not an object.`);
    const { name, url, size, sha256 } = e as Record<string, unknown>;
    if (name !== undefined && (typeof name !== 'string' || !name || /[\\/]/.test(name)))
      throw bad(`${where}: "name" must be a file name (no folders).`);
    let href: string | undefined;
    if (url !== undefined) {
      try {
        href = typeof url === 'string' ? new URL(url).href : undefined;
      } catch {
        href = undefined;
      }
      if (!href || !/^https?:$/.test(new URL(href).protocol)) throw bad(`${where}: "url" must be an http(s) URL.`);
    }
    if (name === undefined && href === undefined) throw bad(`${where} names no file: give "url" or "name".`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw bad(`${where}: "size" must be the file's size in bytes.`);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256))
      throw bad(`${where}: "sha256" must be 64 hex digits.`);
    const fileName = typeof name === 'string' ? name : lastSegment(href!);
    if (!fileName) throw bad(`${where}: "url" names a folder; pin each file in it.`);
    return { name: fileName, size, sha256: sha256.toLowerCase(), declaredIn: file, ...(href ? { url: href } : {}) };
  });
}

/**
 * The declared pin for a file fetched from `url` (or taken out of an archive: no URL) and stored
 * as `storedName`: one for that exact URL first, else one by name (the name in the URL or the name
 * in the store, in that order), else none.
 */
export function declaredPinFor(
  declared: readonly DeclaredPin[],
  url: string | undefined,
  storedName: string,
): FilePin | undefined {
  const href = url === undefined ? undefined : new URL(url).href;
  const served = href === undefined ? storedName : lastSegment(href);
  const byName = (name: string) => declared.find((p) => p.url === undefined && p.name === name);
  const hit =
    (href !== undefined ? declared.find((p) => p.url === href) : undefined) ?? byName(served) ?? byName(storedName);
  if (!hit) return undefined;
  const { url: _url, ...pin } = hit;
  return pin;
}

/** True when a file with this pin must match it: every pin of a named source, and every declared pin. */
export function enforced(pin: FilePin | undefined, strictPlan: boolean): pin is FilePin {
  return !!pin && (strictPlan || pin.declaredIn !== undefined);
}

/** How messages name a pin's origin: "the published file" or "the pin in /etc/sensevoice-pins.json". */
export function pinOrigin(pin: FilePin): string {
  return pin.declaredIn ? `the pin in ${pin.declaredIn}` : 'the published file';
}

/** The file name at the end of a URL's path ('' for a folder URL). */
function lastSegment(url: string): string {
  const raw = new URL(url).pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
