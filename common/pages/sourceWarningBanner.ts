// What the transcript view's banner says about a file that ends early or is damaged: a title and
// one line per warning, with the positions a reader can jump to. Pure data, so the wording is
// unit-tested here and media/sourceWarningBanner.ts only puts it on the page.
import type { SourceWarning } from '../protocol';

export interface SourceWarningBanner {
  /** "The file ends early", "… may end early", "… is damaged", or two of them joined by "and". */
  title: string;
  /** One sentence per warning, as the daemon wrote it. */
  lines: string[];
  /** What a screen reader announces as the banner's name. */
  label: string;
  /** A stable key: the page redraws (and a screen reader re-announces) only when it changes. */
  key: string;
}

/** The banner for these warnings, or null when there are none (the banner is hidden). */
export function sourceWarningBanner(warnings: readonly SourceWarning[] | undefined): SourceWarningBanner | null {
  if (!warnings || warnings.length === 0) return null;
  // "unfinished" alone is a strong hint (no end mark, no final sizes), not proof: "may".
  const ends = warnings.some((w) => w.code === 'truncated')
    ? 'ends early'
    : warnings.some((w) => w.code === 'unfinished')
      ? 'may end early'
      : null;
  const damaged = warnings.some((w) => w.code === 'damaged');
  const title = `The file ${[ends, damaged ? 'is damaged' : null].filter(Boolean).join(' and ')}`;
  return {
    title,
    lines: warnings.map((w) => w.message),
    label: `Warning: ${title.toLowerCase()}; the transcript covers only part of it`,
    key: JSON.stringify(warnings.map((w) => [w.code, w.atSec, w.expectedSec ?? null, w.message])),
  };
}
