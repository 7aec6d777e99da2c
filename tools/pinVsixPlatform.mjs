// Points the platform block of .vscodeignore at the target's onnxruntime-node binaries, so a .vsix
// carries one platform's native runtime (25-90 MB) instead of all of them (290 MB). The target is
// VSCE_TARGET (vsce's --target names, e.g. win32-x64, darwin-arm64) or this machine.
import fs from 'node:fs';

const target = process.env.VSCE_TARGET || `${process.platform}-${process.arch}`;
const [platform, arch] = target.replace(/^alpine-/, 'linux-').split('-');
const file = '.vscodeignore';
const text = fs.readFileSync(file, 'utf8');
const begin = text.indexOf('# >>> platform');
const end = text.indexOf('# <<< platform');
if (begin < 0 || end < begin) throw new Error(`${file} lacks the "# >>> platform" / "# <<< platform" block`);
const header = text.slice(begin, text.indexOf('\n', begin) + 1);
const block = `${header}!node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/**\n`;
const next = text.slice(0, begin) + block + text.slice(end);
if (next !== text) fs.writeFileSync(file, next);
const bin = `node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}`;
if (!fs.existsSync(bin))
  console.warn(`warning: ${bin} does not exist; the .vsix will have no native runtime for ${target}`);
console.log(`vsix platform: ${platform}-${arch}`);
