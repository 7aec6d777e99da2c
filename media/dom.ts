// The DOM helpers both webview pages use. Text goes in as text nodes or textContent, never as markup.

/** The element with this id; a missing one is a bug in the page's HTML, so it throws. */
export function $(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found;
}

export type Child = Node | string | null | undefined | false;

/** An element with a class and children (strings become text nodes; null, undefined and false are skipped). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
/** Shows `text` in the page's #notice for a moment ("Copied as Markdown"). */
export function notice(text: string): void {
  const n = $('notice');
  n.textContent = text;
  n.classList.add('shown');
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => n.classList.remove('shown'), 2500);
}
