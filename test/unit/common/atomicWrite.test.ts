import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite, TargetExistsError } from '../../../common/atomicWrite';
import { tempDir } from '../../helpers/paths';

test('writes a new file and leaves no temporary file behind', async () => {
  const dir = tempDir('atomic');
  const target = path.join(dir, 'a.srt');
  await atomicWrite(target, 'one', { overwrite: false });
  assert.equal(fs.readFileSync(target, 'utf8'), 'one');
  assert.deepEqual(fs.readdirSync(dir), ['a.srt']);
});

test('never replaces an existing file unless told to', async () => {
  const dir = tempDir('atomic');
  const target = path.join(dir, 'a.md');
  fs.writeFileSync(target, 'mine');
  await assert.rejects(
    atomicWrite(target, 'theirs', { overwrite: false }),
    (e) => e instanceof TargetExistsError && e.target === target,
  );
  assert.equal(fs.readFileSync(target, 'utf8'), 'mine');
  assert.deepEqual(fs.readdirSync(dir), ['a.md'], 'the temporary file is cleaned up after a refusal');
  await atomicWrite(target, 'theirs', { overwrite: true });
  assert.equal(fs.readFileSync(target, 'utf8'), 'theirs');
  assert.deepEqual(fs.readdirSync(dir), ['a.md']);
});

test('a missing folder is an error, not a silent success', async () => {
  const dir = tempDir('atomic');
  await assert.rejects(atomicWrite(path.join(dir, 'no', 'such', 'x.txt'), 'x', { overwrite: false }), /ENOENT/);
});
