// The page's HTML and the messages it may send: a strict policy and no way for a page message to
// reach the host unchecked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { contentSecurityPolicy, makeNonce, transcriptHtml } from '../../../../extension/transcript/html';
import { parsePageMessage } from '../../../../common/pages/transcriptMessages';
import { ROOT } from '../../../helpers/paths';

test('CSP: no inline script or style, scripts only with the nonce, media from the webview roots', () => {
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc');
  assert.match(csp, /^default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc'(;|$)/);
  assert.match(csp, /media-src https:\/\/x\.vscode-cdn\.net/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('the HTML has one script, carrying the nonce, and no inline handlers or styles', () => {
  const nonce = makeNonce();
  const html = transcriptHtml({
    cspSource: 'vscode-resource:',
    nonce,
    scriptUri: 'vscode-resource:/v.js',
    styleUri: 'vscode-resource:/t.css',
  });
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0][1].includes(`nonce="${nonce}"`));
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /<style|\sstyle=/i, 'no inline styles');
  assert.notEqual(makeNonce(), nonce);
});

test("the page's source renders transcript data with textContent, never as markup", () => {
  const src = fs.readFileSync(path.join(ROOT, 'media', 'transcriptView.ts'), 'utf8');
  assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
});

test('page messages are checked before the host acts on them', () => {
  assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parsePageMessage({ type: 'export', format: 'srt' }), { type: 'export', format: 'srt' });
  assert.equal(parsePageMessage({ type: 'export', format: '../../etc/passwd' }), null);
  assert.deepEqual(parsePageMessage({ type: 'copy', what: 'segment', index: 3 }), {
    type: 'copy',
    what: 'segment',
    index: 3,
  });
  assert.equal(parsePageMessage({ type: 'copy', what: 'segment', index: '3' }), null);
  assert.equal(parsePageMessage({ type: 'copy', what: 'html' }), null);
  assert.equal(parsePageMessage({ type: 'runCommand', id: 'x' }), null);
  assert.equal(parsePageMessage(null), null);
  assert.equal(parsePageMessage('ready'), null);
});

test('speaker messages from the page carry a checked id', () => {
  assert.deepEqual(parsePageMessage({ type: 'renameSpeaker', id: 'S2' }), { type: 'renameSpeaker', id: 'S2' });
  assert.equal(parsePageMessage({ type: 'renameSpeaker' }), null);
  assert.equal(parsePageMessage({ type: 'renameSpeaker', id: 2 }), null);
  assert.equal(parsePageMessage({ type: 'renameSpeaker', id: 'x'.repeat(65) }), null);
  assert.deepEqual(parsePageMessage({ type: 'mergeSpeakers' }), { type: 'mergeSpeakers' });
  assert.deepEqual(parsePageMessage({ type: 'mergeSpeakers', id: 'S1' }), { type: 'mergeSpeakers', id: 'S1' });
  assert.equal(parsePageMessage({ type: 'mergeSpeakers', id: {} }), null);
});

test('the page has the participants line and the speaker lanes to fill', () => {
  const html = transcriptHtml({ cspSource: 'x:', nonce: 'n', scriptUri: 'x:/v.js', styleUri: 'x:/t.css' });
  assert.match(html, /id="speakers"[^>]*hidden/);
  assert.match(html, /<div id="timeline"[\s\S]*id="speaker-lanes"[\s\S]*id="playhead"/);
});
