// Builds the three Node bundles (extension, daemon, cli) and the webview bundles into dist/.
// Native modules (.node) cannot be bundled: onnxruntime-node and ffmpeg-static stay external and ship
// in node_modules (see .vscodeignore).
import asc from 'assemblyscript/asc';
import * as esbuild from 'esbuild';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode', 'onnxruntime-node', 'ffmpeg-static', 'sherpa-onnx-node'],
};

const webviewEntries = fs.existsSync('media')
  ? fs
      .readdirSync('media')
      .filter((f) => /^[a-zA-Z]+View\.ts$/.test(f))
      .map((f) => path.join('media', f))
  : [];

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'extension/extension.ts' }, outdir: 'dist' },
  {
    ...nodeCommon,
    entryPoints: { daemon: 'daemon/main.ts', cli: 'cli/main.ts', inferenceWorker: 'daemon/workers/inferenceWorker.ts' },
    outdir: 'dist',
  },
];
if (webviewEntries.length > 0) {
  builds.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: webviewEntries,
    outdir: 'dist/media',
  });
}

// Silero VAD v5 (MIT) ships inside the .vsix; its npm package is a build-time source only.
const VAD = {
  from: 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
  to: 'dist/silero_vad_v5.onnx',
  sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f',
};
function copyVadModel() {
  const bytes = fs.readFileSync(VAD.from);
  const sum = crypto.createHash('sha256').update(bytes).digest('hex');
  if (sum !== VAD.sha256) throw new Error(`${VAD.from}: sha256 ${sum}, expected ${VAD.sha256}`);
  fs.mkdirSync(path.dirname(VAD.to), { recursive: true });
  if (!fs.existsSync(VAD.to) || !fs.readFileSync(VAD.to).equals(bytes)) fs.writeFileSync(VAD.to, bytes);
}
copyVadModel();

// The embedding fbank's WebAssembly SIMD kernel (daemon/features/wasm/, AssemblyScript): built here,
// never committed; daemon/features/simdFbank.ts loads it from beside the bundle.
const KERNEL = { from: 'daemon/features/wasm/embeddingFbank.ts', to: 'dist/embeddingFbank.wasm' };
async function buildKernel() {
  const { error, stderr } = await asc.main(
    [KERNEL.from, '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '--outFile', KERNEL.to],
    {},
  );
  if (error) throw new Error(`${KERNEL.from}: ${error.message}\n${stderr.toString()}`);
}
await buildKernel();

const existing = builds.filter((b) => Object.values(b.entryPoints).every((e) => fs.existsSync(e)));
if (watch) {
  for (const b of existing) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
  const cli = 'dist/cli.js';
  if (fs.existsSync(cli)) {
    const src = fs.readFileSync(cli, 'utf8');
    if (!src.startsWith('#!')) fs.writeFileSync(cli, '#!/usr/bin/env node\n' + src);
    fs.chmodSync(cli, 0o755);
  }
}
