// The folders' boundaries are the linter's to keep (eslint.config.mjs): each crossing below must be
// reported, the same imports inside the folders that may make them must not be, and the tree passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from '../../helpers/paths';

const eslint = new ESLint({ cwd: ROOT });

/** The no-restricted-imports messages for `code` as if it were the file at `file` (relative to the root). */
async function crossings(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const CROSSINGS: [file: string, code: string][] = [
  ['extension/boundaryProbe.ts', "export { Daemon } from '../daemon/server';\n"],
  [
    'extension/transcribe/boundaryProbe.ts',
    "import type { EffectiveSettings } from '../../daemon/settings';\nexport type S = EffectiveSettings;\n",
  ],
  ['extension/boundaryProbe.ts', "import * as ort from 'onnxruntime-node';\nexport const o = ort;\n"],
  ['cli/boundaryProbe.ts', "export { Daemon } from '../daemon/server';\n"],
  ['client/boundaryProbe.ts', "export { Daemon } from '../daemon/server';\n"],
  ['common/boundaryProbe.ts', "export { FileTranscriber } from '../extension/transcribe/fileTranscriber';\n"],
  ['common/formats/boundaryProbe.ts', "export { DaemonConnection } from '../../client/daemonConnection';\n"],
  ['media/boundaryProbe.ts', "export type { TranscriptPanels } from '../extension/transcript/transcriptPanels';\n"],
  ['media/boundaryProbe.ts', "export { DaemonConnection } from '../client/daemonConnection';\n"],
  ['daemon/jobs/boundaryProbe.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n"],
  ['daemon/boundaryProbe.ts', "export { FileTranscriber } from '../extension/transcribe/fileTranscriber';\n"],
  ['common/boundaryProbe.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n"],
  [
    'tools/makeTestModel/boundaryProbe.ts',
    "export { SenseVoiceModel } from '../../daemon/inference/senseVoiceModel';\n",
  ],
  ['tools/gpuVerify/boundaryProbe.ts', "export { DaemonConnection } from '../../client/daemonConnection';\n"],
  ['tools/gpuVerify/boundaryProbe.ts', "export { ROOT } from '../../test/helpers/paths';\n"],
];

for (const [file, code] of CROSSINGS) {
  test(`lint reports ${file}: ${code.split('\n')[0]}`, async () => {
    const found = await crossings(file, code);
    assert.equal(found.length, 1, `expected one boundary error, got ${JSON.stringify(found)}`);
  });
}

test('the imports each folder may make are not reported', async () => {
  const allowed: [string, string][] = [
    [
      'daemon/jobs/boundaryProbe.ts',
      "export { sanitizeSettings } from '../settings';\nexport { ErrorCode } from '../../common/protocol';\n",
    ],
    [
      'extension/boundaryProbe.ts',
      "export { DaemonConnection } from '../client/daemonConnection';\nexport { ErrorCode } from '../common/protocol';\nimport * as vscode from 'vscode';\nexport const v = vscode;\n",
    ],
    ['media/boundaryProbe.ts', "export { clockTime } from '../common/formats/time';\nexport { $ } from './dom';\n"],
    [
      'common/gpuCheck/boundaryProbe.ts',
      "export { ErrorCode } from '../protocol';\nexport { bytesText } from '../units';\n",
    ],
    ['test/unit/boundaryProbe.ts', "export { Daemon } from '../../daemon/server';\n"],
    ['bench/boundaryProbe.ts', "export { takeBatch } from '../daemon/jobs/batchScheduler';\n"],
    [
      'tools/gpuVerify/boundaryProbe.ts',
      "export { SenseVoiceModel } from '../../daemon/inference/senseVoiceModel';\nexport { makeTestModel } from '../makeTestModel/makeTestModel';\n",
    ],
  ];
  for (const [file, code] of allowed) assert.deepEqual(await crossings(file, code), [], file);
});

test('the tree itself passes lint', async () => {
  const results = await eslint.lintFiles(['.']);
  const problems = results.flatMap((r) =>
    r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`),
  );
  assert.deepEqual(problems, []);
});
