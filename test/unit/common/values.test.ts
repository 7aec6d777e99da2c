// The settings schema in package.json keeps its own enums (VS Code reads them from the manifest);
// they must list exactly the values the daemon, the extension and the cli accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES, PROVIDERS, VAD_MODES } from '../../../common/values';
import { ROOT } from '../../helpers/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { enum?: string[]; enumDescriptions?: string[] }> } };
};
const setting = (key: string) => manifest.contributes.configuration.properties[`sensevoice.${key}`]!;

for (const [key, list] of [
  ['provider', PROVIDERS],
  ['language', LANGUAGES],
  ['vad', VAD_MODES],
] as const) {
  test(`package.json's sensevoice.${key} enum equals common/values`, () => {
    assert.deepEqual(setting(key).enum, [...list]);
    assert.equal(setting(key).enumDescriptions?.length, list.length, 'one description per value');
  });
}
