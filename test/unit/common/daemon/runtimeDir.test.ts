import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, runtimePlaces } from '../../../../common/daemon/runtimeDir';
import { compareVersions } from '../../../../common/daemon/buildVersion';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';

const user = { uid: 1000, username: 'ada' };

test('the socket: SENSEVOICE_RUNTIME_DIR, else $XDG_RUNTIME_DIR/sensevoice, else <tmp>/sensevoice-<uid>; a pipe on Windows', () => {
  assert.equal(runtimePlaces({ SENSEVOICE_RUNTIME_DIR: '/x/rt' }, 'linux', user, '/tmp').socket, '/x/rt/daemon.sock');
  const xdg = runtimePlaces({ XDG_RUNTIME_DIR: '/run/user/1000' }, 'linux', user, '/tmp');
  assert.equal(xdg.socket, '/run/user/1000/sensevoice/daemon.sock');
  assert.equal(xdg.log, '/run/user/1000/sensevoice/daemon.log');
  assert.equal(runtimePlaces({}, 'darwin', user, '/var/tmp').socket, '/var/tmp/sensevoice-1000/daemon.sock');
  assert.equal(runtimePlaces({}, 'win32', user, 'C:\\Temp').socket, '\\\\.\\pipe\\sensevoice-ada');
});

test('the runtime folder: made 0700; refused when others can write it', () => {
  const dir = path.join(tempDir('rtdir'), 'run');
  ensurePrivateDir(dir);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  ensurePrivateDir(dir);
  fs.chmodSync(dir, 0o775);
  assert.throws(
    () => ensurePrivateDir(dir),
    (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.RuntimeDirUnsafe && /mode 775/.test(e.message),
  );
  fs.chmodSync(dir, 0o755);
  ensurePrivateDir(dir);
});

test('versions compare by their numbers', () => {
  assert.ok(compareVersions('0.1.0', '0.2.0') < 0);
  assert.ok(compareVersions('0.10.0', '0.9.9') > 0);
  assert.equal(compareVersions('1.2.3', '1.2.3'), 0);
  assert.ok(compareVersions('1.2', '1.2.1') < 0);
});
