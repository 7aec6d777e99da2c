// The resolution order (setting, ffmpeg-static, PATH) with each candidate present or absent, using
// real executables written to temp folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findOnPath, resolveFfmpeg } from '../../../../daemon/ffmpeg/resolveFfmpeg';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';

function fakeFfmpeg(dir: string, version: string, works = true): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, 'ffmpeg');
  fs.writeFileSync(
    p,
    works ? `#!/bin/sh\necho "ffmpeg version ${version} Copyright (c) fake"\n` : '#!/bin/sh\nexit 3\n',
  );
  fs.chmodSync(p, 0o755);
  return p;
}

const root = tempDir('ffmpeg-resolve');
const setting = fakeFfmpeg(path.join(root, 'setting'), '1.0-setting');
const statik = fakeFfmpeg(path.join(root, 'static'), '2.0-static');
const onPath = fakeFfmpeg(path.join(root, 'pathdir'), '3.0-path');
const broken = fakeFfmpeg(path.join(root, 'broken'), 'x', false);
const missing = path.join(root, 'nowhere', 'ffmpeg');

const cases: {
  name: string;
  settingPath?: string;
  staticPath: string | null;
  pathDirs: string[];
  expect: string | null;
  source?: string;
}[] = [
  {
    name: 'all present: the setting wins',
    settingPath: setting,
    staticPath: statik,
    pathDirs: [path.dirname(onPath)],
    expect: '1.0-setting',
    source: 'setting',
  },
  {
    name: 'no setting: ffmpeg-static',
    staticPath: statik,
    pathDirs: [path.dirname(onPath)],
    expect: '2.0-static',
    source: 'ffmpeg-static',
  },
  {
    name: 'no setting, static package missing: PATH',
    staticPath: null,
    pathDirs: [path.dirname(onPath)],
    expect: '3.0-path',
    source: 'path',
  },
  {
    name: 'static package present but its binary was never downloaded: PATH',
    staticPath: missing,
    pathDirs: [path.dirname(onPath)],
    expect: '3.0-path',
    source: 'path',
  },
  {
    name: 'a setting that does not run falls through to the next',
    settingPath: broken,
    staticPath: null,
    pathDirs: [path.dirname(onPath)],
    expect: '3.0-path',
    source: 'path',
  },
  {
    name: 'a setting pointing nowhere falls through',
    settingPath: missing,
    staticPath: statik,
    pathDirs: [],
    expect: '2.0-static',
    source: 'ffmpeg-static',
  },
  {
    name: 'PATH search skips dirs without it',
    staticPath: null,
    pathDirs: [path.join(root, 'setting-none'), path.dirname(onPath)],
    expect: '3.0-path',
    source: 'path',
  },
  { name: 'nothing anywhere', staticPath: null, pathDirs: [path.join(root, 'empty')], expect: null },
  { name: 'only a broken one on PATH', staticPath: null, pathDirs: [path.dirname(broken)], expect: null },
];

for (const c of cases) {
  test(`resolveFfmpeg: ${c.name}`, async () => {
    const run = resolveFfmpeg({
      settingPath: c.settingPath,
      staticPath: () => c.staticPath,
      pathEnv: c.pathDirs.join(':'),
      platform: 'linux',
    });
    if (c.expect === null) {
      await assert.rejects(run, (err: unknown) => {
        assert.ok(err instanceof SenseVoiceError);
        assert.equal(err.code, ErrorCode.FfmpegNotFound);
        // The message names all three places and how to fix each.
        assert.match(err.message, /sensevoice\.ffmpegPath/);
        assert.match(err.message, /--ffmpeg/);
        assert.match(err.message, /ffmpeg-static/);
        assert.match(err.message, /PATH/);
        assert.match(err.message, /apt-get install ffmpeg/);
        return true;
      });
      return;
    }
    const r = await run;
    assert.equal(r.version, c.expect);
    assert.equal(r.source, c.source);
  });
}

test('findOnPath ignores directories and non-executable files named ffmpeg', () => {
  const dir = path.join(root, 'odd');
  fs.mkdirSync(path.join(dir, 'a', 'ffmpeg'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'b'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'b', 'ffmpeg'), 'not executable');
  assert.equal(findOnPath('ffmpeg', [path.join(dir, 'a'), path.join(dir, 'b')].join(':'), 'linux'), null);
  assert.equal(findOnPath('ffmpeg', undefined, 'linux'), null);
});
