// Sets package.json's scripts.bench and nothing else: parse, set, write back in the file's own style
// (indent, final newline, non-ASCII as \u escapes when the file has no literal non-ASCII).
// Run from the project root: node bench/setBenchScript.mjs
import fs from 'node:fs';

const file = 'package.json';
const text = fs.readFileSync(file, 'utf8');
const pkg = JSON.parse(text);
pkg.scripts = { ...pkg.scripts, bench: 'npm run build && tsx bench/run.ts' };
const indent = /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
let out = JSON.stringify(pkg, null, indent);
// eslint-disable-next-line no-control-regex
if (!/[^\x00-\x7f]/.test(text))
  out = out.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
fs.writeFileSync(file, out + (text.endsWith('\n') ? '\n' : ''));
