// Where the shared store lives on each platform, and the override the tests and users set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { modelStoreDir } from '../../../../daemon/modelStore/storeLocation';

test('SENSEVOICE_MODEL_STORE wins everywhere', () => {
  assert.equal(
    modelStoreDir({ env: { SENSEVOICE_MODEL_STORE: '/data/models' }, platform: 'win32', home: 'C:\\Users\\me' }),
    path.resolve('/data/models'),
  );
});

test('Linux: $XDG_DATA_HOME/sensevoice/models, else ~/.local/share (a relative XDG_DATA_HOME is ignored)', () => {
  assert.equal(
    modelStoreDir({ env: { XDG_DATA_HOME: '/xdg' }, platform: 'linux', home: '/home/me' }),
    '/xdg/sensevoice/models',
  );
  assert.equal(
    modelStoreDir({ env: {}, platform: 'linux', home: '/home/me' }),
    '/home/me/.local/share/sensevoice/models',
  );
  assert.equal(
    modelStoreDir({ env: { XDG_DATA_HOME: 'rel' }, platform: 'linux', home: '/home/me' }),
    '/home/me/.local/share/sensevoice/models',
  );
});

test('macOS: ~/Library/Application Support/sensevoice/models', () => {
  assert.equal(
    modelStoreDir({ env: {}, platform: 'darwin', home: '/Users/me' }),
    '/Users/me/Library/Application Support/sensevoice/models',
  );
});

test('Windows: %LOCALAPPDATA%\\sensevoice\\models', () => {
  assert.equal(
    modelStoreDir({ env: { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, platform: 'win32', home: 'C:\\Users\\me' }),
    'C:\\Users\\me\\AppData\\Local\\sensevoice\\models',
  );
  assert.equal(
    modelStoreDir({ env: {}, platform: 'win32', home: 'C:\\Users\\me' }),
    'C:\\Users\\me\\AppData\\Local\\sensevoice\\models',
  );
});
