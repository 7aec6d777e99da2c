// The source file's warnings (it ends early, it is damaged) in the exports: read back from a JSON
// export with every field checked, and the one-line note the Markdown notes carry. Kept apart from
// json.ts and markdown.ts so those only gain a line each.
import { SOURCE_WARNING_CODES, type SourceWarning } from '../protocol';
import { isOneOf } from '../values';

/** Checks a JSON export's `warnings` (absent: none); `fail` reports where a field is wrong. */
export function parseSourceWarnings(raw: unknown, fail: (where: string, what: string) => never): SourceWarning[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail('warnings', 'is not a list');
  return raw.map((v: unknown, i) => {
    const where = `warnings[${i}]`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'is not an object');
    const o = v as Record<string, unknown>;
    if (!isOneOf(SOURCE_WARNING_CODES, o.code))
      fail(`${where}.code`, `is not one of ${SOURCE_WARNING_CODES.join(', ')}`);
    if (typeof o.message !== 'string') fail(`${where}.message`, 'is not a string');
    if (typeof o.atSec !== 'number' || !Number.isFinite(o.atSec)) fail(`${where}.atSec`, 'is not a number');
    const w: SourceWarning = { code: o.code, message: o.message, atSec: o.atSec };
    if (o.expectedSec !== undefined) {
      if (typeof o.expectedSec !== 'number' || !Number.isFinite(o.expectedSec))
        fail(`${where}.expectedSec`, 'is not a number');
      w.expectedSec = o.expectedSec;
    }
    return w;
  });
}

/** A warning in the documented key order, for the JSON export. */
export function sourceWarningFields(w: SourceWarning): SourceWarning {
  return {
    code: w.code,
    message: w.message,
    atSec: w.atSec,
    ...(w.expectedSec !== undefined ? { expectedSec: w.expectedSec } : {}),
  };
}

/** The Markdown notes' one line about the file's warnings, or null when it has none. */
export function sourceWarningsNote(
  warnings: readonly SourceWarning[] | undefined,
  escape: (text: string) => string,
  emoji: boolean,
): string | null {
  if (!warnings || warnings.length === 0) return null;
  return `> ${emoji ? '⚠️ ' : ''}**Incomplete audio:** ${warnings.map((w) => escape(w.message)).join(' ')}`;
}
