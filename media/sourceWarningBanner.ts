// The transcript view's banner for a file that ends early or is damaged (its wording is
// common/pages/sourceWarningBanner.ts). An alert region, redrawn only when the warnings change, so a
// screen reader announces it once, not at every snapshot. Text goes in as text, never as markup.
import type { SourceWarning } from '../common/protocol';
import { sourceWarningBanner } from '../common/pages/sourceWarningBanner';
import { el } from './dom';

/** Shows the warnings in `box` (the page's #source-warnings), or hides it when there are none. */
export function renderSourceWarnings(box: HTMLElement, warnings: readonly SourceWarning[] | undefined): void {
  const banner = sourceWarningBanner(warnings);
  const key = banner?.key ?? '';
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.hidden = banner === null;
  if (!banner) {
    box.replaceChildren();
    box.removeAttribute('aria-label');
    return;
  }
  box.setAttribute('aria-label', banner.label);
  box.replaceChildren(
    el('strong', 'source-warnings-title', banner.title),
    ...banner.lines.map((line) => el('p', 'source-warnings-line', line)),
  );
}
