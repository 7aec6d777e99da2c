// The linter keeps the folders' boundaries (see the README's Development section): a wrong import
// fails `npm run lint`, and so `npm test`. typescript-eslint's recommended rules, without type
// information, so a lint of the whole tree takes seconds.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TOP_FOLDERS = ['common', 'daemon', 'extension', 'cli', 'client', 'media', 'test', 'tools', 'bench'];

/**
 * Which top folders each folder may import from (besides itself and npm packages). Folders not named
 * here (test, bench) may import any of them: they test and profile the daemon and its clients.
 */
const MAY_IMPORT = {
  common: [],
  media: ['common'],
  daemon: ['common'],
  client: ['common'],
  extension: ['common', 'client'],
  cli: ['common', 'client'],
  tools: ['common'],
};

/** Packages a folder must not import, and why. */
const NO_VSCODE = {
  name: 'vscode',
  message:
    'Only extension/ runs inside VS Code; share through common/ (the daemon gets settings in initialize and config/didChange).',
};
const NO_ONNX = {
  name: 'onnxruntime-node',
  message: 'Only the daemon loads ONNX Runtime; ask the daemon over the protocol.',
};
const FORBIDDEN_PACKAGES = {
  common: [NO_VSCODE, NO_ONNX],
  media: [NO_VSCODE, NO_ONNX],
  daemon: [NO_VSCODE],
  client: [NO_VSCODE, NO_ONNX],
  extension: [NO_ONNX],
  cli: [NO_VSCODE, NO_ONNX],
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Subfolders with a wider reach than their top folder. tools/gpuVerify measures the daemon's own
 * pipeline (front end, session, decoding) on a GPU machine, so, like bench/, it imports daemon/; the
 * rest of tools/ stays with common/.
 */
const SUBFOLDER_MAY_IMPORT = {
  'tools/gpuVerify': ['common', 'daemon', 'tools'],
};

/**
 * One config per folder and depth: a file `depth` folders below the root reaches another top folder
 * with exactly `depth` `../` steps, so the restriction is the resolved folder, not a guess from the
 * specifier's last words.
 */
function boundaries() {
  const configs = [];
  for (const folder of Object.keys({ ...MAY_IMPORT, ...FORBIDDEN_PACKAGES })) {
    const allowed = new Set([folder, ...(MAY_IMPORT[folder] ?? TOP_FOLDERS)]);
    const banned = TOP_FOLDERS.filter((t) => !allowed.has(t));
    for (let depth = 1; depth <= 6; depth++) {
      const up = escape('../'.repeat(depth));
      configs.push({
        files: [`${folder}/${'*/'.repeat(depth - 1)}*.{ts,mts,cts,js,mjs,cjs}`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              paths: FORBIDDEN_PACKAGES[folder] ?? [],
              patterns:
                banned.length === 0
                  ? []
                  : [
                      {
                        regex: `^${up}(${banned.join('|')})(/|$)`,
                        message: `${folder}/ may import only ${[...allowed].join('/, ')}/ of the project: what the daemon and its clients share belongs in common/.`,
                      },
                    ],
            },
          ],
        },
      });
    }
  }
  for (const [sub, allowedTops] of Object.entries(SUBFOLDER_MAY_IMPORT)) {
    const banned = TOP_FOLDERS.filter((t) => !allowedTops.includes(t));
    const subDepth = sub.split('/').length;
    for (let depth = subDepth; depth <= 6; depth++) {
      const up = escape('../'.repeat(depth));
      configs.push({
        files: [`${sub}/${'*/'.repeat(depth - subDepth)}*.{ts,mts,cts,js,mjs,cjs}`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              paths: [NO_VSCODE],
              patterns: [
                {
                  regex: `^${up}(${banned.join('|')})(/|$)`,
                  message: `${sub}/ may import only ${allowedTops.join('/, ')}/ of the project.`,
                },
              ],
            },
          ],
        },
      });
    }
  }
  return configs;
}

export default defineConfig(
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    ignores: [
      'dist/',
      'out/',
      'node_modules/',
      'test/fixtures/',
      '.tools/',
      '.cache/',
      'test-output/',
      '.vscode-test/',
      '.cs-*/',
      '.gpu-carry/',
      // AssemblyScript (v128, f32x4, load<T>): compiled by asc, not TypeScript
      'daemon/features/wasm/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    // Node and browser scripts: TypeScript's checkJs (test/e2e/tsconfig.json) knows their globals;
    // no-undef would need a list of them, which typescript-eslint advises against as well.
    rules: { 'no-undef': 'off' },
  },
  {
    // `const { url: _url, ...rest } = x` is how a field is left out of a copy.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }] },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  boundaries(),
);
