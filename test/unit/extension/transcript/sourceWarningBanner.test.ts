// The transcript view's banner for a file that ends early or is damaged: its wording, the session
// handing the warnings to the page, the alert region in the page's HTML, and the page code drawing
// it (on a minimal document: the page's DOM calls only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sourceWarningBanner } from '../../../../common/pages/sourceWarningBanner';
import type { SourceWarning } from '../../../../common/protocol';
import { transcriptHtml } from '../../../../extension/transcript/html';
import { TranscriptSession } from '../../../../extension/transcript/transcriptSession';
import { meeting } from '../../common/formats/fixture';
import { ROOT } from '../../../helpers/paths';

const cut: SourceWarning = {
  code: 'truncated',
  message: 'The file ends early: it ends at 0:15 but its header promises 3:42.',
  atSec: 15,
  expectedSec: 222,
};
const crash: SourceWarning = { code: 'unfinished', message: 'The file may end early: no end mark.', atSec: 3 };
const damaged: SourceWarning = { code: 'damaged', message: 'The file is damaged around 0:07.', atSec: 7 };

test('the banner: no banner for a whole file; a title that says what is wrong, one line per warning', () => {
  assert.equal(sourceWarningBanner(undefined), null);
  assert.equal(sourceWarningBanner([]), null);
  const b = sourceWarningBanner([cut]);
  assert.equal(b?.title, 'The file ends early');
  assert.deepEqual(b?.lines, [cut.message]);
  assert.match(b!.label, /^Warning: the file ends early; the transcript covers only part of it$/);
  assert.equal(sourceWarningBanner([crash])?.title, 'The file may end early');
  assert.equal(sourceWarningBanner([damaged])?.title, 'The file is damaged');
  assert.equal(sourceWarningBanner([cut, damaged])?.title, 'The file ends early and is damaged');
  assert.equal(sourceWarningBanner([cut])?.key, sourceWarningBanner([{ ...cut }])?.key);
  assert.notEqual(sourceWarningBanner([cut])?.key, sourceWarningBanner([cut, damaged])?.key);
});

test("the session hands the final result's warnings to the page, and a new run clears them", () => {
  const s = new TranscriptSession({ fileName: 'a.mp3', filePath: '/r/a.mp3', emoji: true });
  assert.deepEqual(s.snapshot().warnings, []);
  s.begin();
  s.finish({ ...meeting(), warnings: [cut] });
  assert.deepEqual(s.snapshot().warnings, [cut]);
  s.begin();
  assert.deepEqual(s.snapshot().warnings, []);
  // A saved transcript without warnings (older exports) shows none.
  s.finish(meeting(), 'file', '/r/a.transcript.json');
  assert.deepEqual(s.snapshot().warnings, []);
});

test('the page has a hidden alert region for the banner, in the header', () => {
  const html = transcriptHtml({ cspSource: 'x:', nonce: 'n', scriptUri: 'x:/v.js', styleUri: 'x:/t.css' });
  assert.match(html, /<div id="source-warnings" class="source-warnings" role="alert" hidden><\/div>\s*<\/header>/);
  const src = fs.readFileSync(path.join(ROOT, 'media', 'sourceWarningBanner.ts'), 'utf8');
  assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});

/** Just what the page's DOM helpers (media/dom.ts) and the banner call. */
class FakeNode {
  children: FakeNode[] = [];
  attributes = new Map<string, string>();
  dataset: Record<string, string> = {};
  hidden = false;
  className = '';
  constructor(
    readonly tagName: string,
    readonly text = '',
  ) {}
  append(...nodes: FakeNode[]): void {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: FakeNode[]): void {
    this.children = nodes;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
}

test('the page code draws the banner as text, redraws only on a change, and hides it when whole', async () => {
  let created = 0;
  (globalThis as Record<string, unknown>).document = {
    createElement: (tag: string) => (created++, new FakeNode(tag)),
    createTextNode: (text: string) => new FakeNode('#text', text),
  };
  // Loaded by path: the page's source compiles against the DOM (media/tsconfig.json), not this project's Node types.
  const pageModule = path.join(ROOT, 'media', 'sourceWarningBanner.ts');
  const { renderSourceWarnings } = (await import(pageModule)) as {
    renderSourceWarnings: (box: FakeNode, w: SourceWarning[] | undefined) => void;
  };
  const box = new FakeNode('div');
  box.hidden = true;
  renderSourceWarnings(box, [cut, damaged]);
  assert.equal(box.hidden, false);
  assert.equal(
    box.attributes.get('aria-label'),
    'Warning: the file ends early and is damaged; the transcript covers only part of it',
  );
  assert.deepEqual(
    box.children.map((c) => [c.tagName, c.className, c.textContent]),
    [
      ['strong', 'source-warnings-title', 'The file ends early and is damaged'],
      ['p', 'source-warnings-line', cut.message],
      ['p', 'source-warnings-line', damaged.message],
    ],
  );
  const before = created;
  renderSourceWarnings(box, [{ ...cut }, { ...damaged }]);
  assert.equal(created, before, 'the same warnings again: nothing redrawn, nothing re-announced');
  renderSourceWarnings(box, []);
  assert.equal(box.hidden, true);
  assert.deepEqual(box.children, []);
  assert.equal(box.attributes.has('aria-label'), false);
  delete (globalThis as Record<string, unknown>).document;
});
