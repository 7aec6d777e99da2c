// An organisation's own pins (SENSEVOICE_MODEL_PINS): the file's format and its errors, which pin
// a URL's file gets, and whole downloads from a local server: a matching pin verifies the model, a
// wrong one refuses it and leaves nothing in the store, and files no pin names behave as before.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  declaredPinFor,
  declaredPins,
  enforced,
  MODEL_PINS_ENV,
  PINS,
  type DeclaredPin,
} from '../../../../daemon/modelStore/pins';
import { urlPlan } from '../../../../daemon/modelStore/plans';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';
import { LocalServer, sha256 } from './localServer';
import { harness, serveModels, type Served } from './storeFixture';

const HEX = 'ab'.repeat(32);

function pinsFile(content: unknown): string {
  const file = path.join(tempDir('pins'), 'pins.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function invalid(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof SenseVoiceError, String(e));
    assert.equal(e.code, ErrorCode.InvalidParams, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('the pins file', () => {
  test('unset: no declared pins', () => {
    assert.deepEqual(declaredPins({}), []);
    assert.deepEqual(declaredPins({ [MODEL_PINS_ENV]: '  ' }), []);
  });

  test('entries by URL and by name, with or without the {"pins": [...]} wrapper; sha256 lower-cased; each marked with its file', () => {
    const entries = [
      { url: 'https://mirror.example/sense voice/model.int8.onnx', size: 12, sha256: HEX.toUpperCase() },
      { name: 'tokens.txt', size: 3, sha256: HEX },
    ];
    for (const content of [{ pins: entries }, entries]) {
      const file = pinsFile(content);
      assert.deepEqual(declaredPins({ [MODEL_PINS_ENV]: file }), [
        {
          name: 'model.int8.onnx',
          url: 'https://mirror.example/sense%20voice/model.int8.onnx',
          size: 12,
          sha256: HEX,
          declaredIn: file,
        },
        { name: 'tokens.txt', size: 3, sha256: HEX, declaredIn: file },
      ]);
    }
  });

  test('a file that cannot be read, or a malformed entry, is an error that names it (never a silent pass)', () => {
    const env = (content: unknown) => ({ [MODEL_PINS_ENV]: pinsFile(content) });
    assert.throws(
      () => declaredPins({ [MODEL_PINS_ENV]: '/nonexistent/pins.json' }),
      invalid(/SENSEVOICE_MODEL_PINS=\/nonexistent\/pins\.json: cannot read the pins file \(no such file\)/),
    );
    assert.throws(() => declaredPins(env('{ not json')), invalid(/cannot read the pins file/));
    assert.throws(() => declaredPins(env({ files: [] })), invalid(/expected \{"pins"/));
    assert.throws(() => declaredPins(env([{ size: 1, sha256: HEX }])), invalid(/entry 1 names no file/));
    assert.throws(
      () => declaredPins(env([{ name: 'a/b.onnx', size: 1, sha256: HEX }])),
      invalid(/entry 1: "name" must be a file name/),
    );
    assert.throws(
      () =>
        declaredPins(
          env([
            { name: 'tokens.txt', size: 1, sha256: HEX },
            { url: 'ftp://x/model.onnx', size: 1, sha256: HEX },
          ]),
        ),
      invalid(/entry 2: "url" must be an http\(s\) URL/),
    );
    assert.throws(
      () => declaredPins(env([{ url: 'https://x.example/models/', size: 1, sha256: HEX }])),
      invalid(/names a folder/),
    );
    assert.throws(() => declaredPins(env([{ name: 'tokens.txt', size: -1, sha256: HEX }])), invalid(/"size" must be/));
    assert.throws(() => declaredPins(env([{ name: 'tokens.txt', size: '3', sha256: HEX }])), invalid(/"size" must be/));
    assert.throws(
      () => declaredPins(env([{ name: 'tokens.txt', size: 3, sha256: 'abc' }])),
      invalid(/"sha256" must be 64 hex digits/),
    );
  });
});

describe('which pin a file of a URL download gets', () => {
  const declared: DeclaredPin[] = [
    {
      name: 'model.int8.onnx',
      url: 'https://mirror.example/a/model.int8.onnx',
      size: 1,
      sha256: '1'.repeat(64),
      declaredIn: '/p.json',
    },
    { name: 'model.int8.onnx', size: 2, sha256: '2'.repeat(64), declaredIn: '/p.json' },
    { name: 'custom-export.onnx', size: 3, sha256: '3'.repeat(64), declaredIn: '/p.json' },
  ];

  test('its exact URL first, else its name (as served or as stored), else none', () => {
    assert.equal(declaredPinFor(declared, 'https://mirror.example/a/model.int8.onnx', 'model.int8.onnx')?.size, 1);
    assert.equal(declaredPinFor(declared, 'https://other.example/b/model.int8.onnx', 'model.int8.onnx')?.size, 2);
    assert.equal(declaredPinFor(declared, 'https://other.example/b/custom-export.onnx', 'model.int8.onnx')?.size, 3);
    assert.equal(
      declaredPinFor(declared, undefined, 'model.int8.onnx')?.size,
      2,
      'a file taken out of an archive: by name',
    );
    assert.equal(declaredPinFor(declared, 'https://other.example/b/tokens.txt', 'tokens.txt'), undefined);
    assert.equal(
      'url' in declaredPinFor(declared, 'https://mirror.example/a/model.int8.onnx', 'model.int8.onnx')!,
      false,
    );
  });

  test('a declared pin is enforced even in a URL plan; a published one only there where the plan is strict', () => {
    assert.equal(enforced(declared[1], false), true);
    assert.equal(enforced(PINS.sherpaTokens, false), false);
    assert.equal(enforced(PINS.sherpaTokens, true), true);
    assert.equal(enforced(undefined, true), false);
  });

  test('urlPlan: declared pins take precedence over published ones of the same name', () => {
    const file = pinsFile({ pins: [{ url: 'https://mirror.example/m/tokens.txt', size: 9, sha256: HEX }] });
    const plan = urlPlan('https://mirror.example/m/', 'int8', { [MODEL_PINS_ENV]: file });
    const tokens = plan.sets[0]!.files.find((f) => f.name === 'tokens.txt')!;
    assert.deepEqual(tokens.pin, { name: 'tokens.txt', size: 9, sha256: HEX, declaredIn: file });
    assert.deepEqual(
      urlPlan('https://other.example/m/', 'int8', { [MODEL_PINS_ENV]: file }).sets[0]!.files.find(
        (f) => f.name === 'tokens.txt',
      )!.pin,
      PINS.sherpaTokens,
    );
    const archive = urlPlan('https://mirror.example/m/model.tar.bz2', 'int8', {
      [MODEL_PINS_ENV]: pinsFile([{ name: 'model.tar.bz2', size: 5, sha256: HEX }]),
    }).archive!;
    assert.equal(archive.pin?.size, 5);
  });
});

describe('URL downloads against declared pins', () => {
  let server: LocalServer;
  let served: Served;
  before(async () => {
    server = await LocalServer.start();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    served = serveModels(server);
  });
  const modelPin = (url: string, over: Partial<{ size: number; sha256: string }> = {}) => {
    const data = server.files.get('/url/sherpa/model.int8.onnx')!;
    return { url, size: data.length, sha256: sha256(data), ...over };
  };

  test('a matching pin: the model is verified, and the notes say by which pins file', async () => {
    const file = pinsFile({ pins: [modelPin(`${server.origin}/url/sherpa/model.int8.onnx`)] });
    const h = harness(server, served, { env: { [MODEL_PINS_ENV]: file } });
    const r = await h.download({ url: `${server.origin}/url/sherpa/` });
    assert.equal(r.verified, true);
    assert.deepEqual(
      r.files.map((f) => [f.name, f.verified]),
      [
        ['model.int8.onnx', true],
        ['tokens.txt', true],
      ],
    );
    assert.ok(r.notes.includes(`model.int8.onnx matches its pin in ${file}.`), r.notes.join(' | '));
    assert.ok(r.notes.includes('tokens.txt matches its published checksum.'), r.notes.join(' | '));
    const list = await h.service.list({ provider: 'cpu' });
    assert.deepEqual(
      list.models.map((m) => m.verified),
      [true],
    );
    assert.equal(list.fallback?.path, r.path);
  });

  test('a wrong pin: ChecksumMismatch naming the pins file, and nothing is left in the store', async () => {
    const file = pinsFile({ pins: [modelPin(`${server.origin}/url/sherpa/model.int8.onnx`, { sha256: HEX })] });
    const h = harness(server, served, { env: { [MODEL_PINS_ENV]: file } });
    await assert.rejects(h.download({ url: `${server.origin}/url/sherpa/` }), (e: unknown) => {
      assert.ok(e instanceof SenseVoiceError && e.code === ErrorCode.ChecksumMismatch, String(e));
      assert.match(
        e.message,
        new RegExp(
          `model\\.int8\\.onnx from .* has \\d+ bytes with sha256 [0-9a-f]{64}; the pin in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has \\d+ bytes with sha256 ${HEX}\\. The file was deleted\\.`,
        ),
      );
      assert.ok(e.message.endsWith(`or the pin is out of date: check it with whoever maintains ${file}.`), e.message);
      assert.doesNotMatch(
        e.message,
        /--source/,
        'no advice to try the public sources: the organisation pinned its own file',
      );
      return true;
    });
    const left = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? left(path.join(dir, e.name)) : [e.name]));
    assert.deepEqual(
      left(h.store).filter((n) => !n.endsWith('.lock')),
      [],
      'no model file, .part or manifest left',
    );
    assert.deepEqual((await h.service.list({ provider: 'cpu' })).models, []);
  });

  test('a wrong size is refused as soon as the server announces its length', async () => {
    const file = pinsFile([modelPin(`${server.origin}/url/sherpa/model.int8.onnx`, { size: 10 })]);
    const h = harness(server, served, { env: { [MODEL_PINS_ENV]: file } });
    await assert.rejects(
      h.download({ url: `${server.origin}/url/sherpa/` }),
      (e: unknown) =>
        e instanceof SenseVoiceError &&
        e.code === ErrorCode.ChecksumMismatch &&
        /offers \d+ bytes but the pin in .* \(model\.int8\.onnx\) has 10/.test(e.message),
    );
  });

  test('a pin by name applies to every URL; a pin for another URL does not, and the file is only NOT VERIFIED', async () => {
    const byName = pinsFile([{ name: 'model.int8.onnx', size: 1, sha256: HEX }]);
    await assert.rejects(
      harness(server, served, { env: { [MODEL_PINS_ENV]: byName } }).download({ url: `${server.origin}/url/sherpa/` }),
      (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.ChecksumMismatch,
    );
    const elsewhere = pinsFile([modelPin('https://mirror.example/sherpa/model.int8.onnx', { sha256: HEX })]);
    const r = await harness(server, served, { env: { [MODEL_PINS_ENV]: elsewhere } }).download({
      url: `${server.origin}/url/sherpa/`,
    });
    assert.equal(r.verified, false);
    assert.match(r.notes.join(' '), /NOT VERIFIED: model\.int8\.onnx/);
  });

  test('an archive URL: its members are checked against pins by name', async () => {
    const model = server.files.get('/url/sherpa/model.int8.onnx')!;
    const good = pinsFile([{ name: 'model.int8.onnx', size: model.length, sha256: sha256(model) }]);
    const r = await harness(server, served, { env: { [MODEL_PINS_ENV]: good } }).download({
      url: `${server.origin}/gh/sherpa-int8-test.tar.bz2`,
    });
    assert.equal(r.verified, true);
    const bad = pinsFile([{ name: 'model.int8.onnx', size: model.length, sha256: HEX }]);
    const h = harness(server, served, { env: { [MODEL_PINS_ENV]: bad } });
    await assert.rejects(
      h.download({ url: `${server.origin}/gh/sherpa-int8-test.tar.bz2` }),
      (e: unknown) =>
        e instanceof SenseVoiceError &&
        e.code === ErrorCode.ChecksumMismatch &&
        /in sherpa-int8-test\.tar\.bz2 .*; the pin in /.test(e.message),
    );
    assert.deepEqual(
      fs.readdirSync(h.store).filter((n) => n !== '.partial'),
      [],
    );
  });

  test('a broken pins file fails the download before anything is fetched', async () => {
    const h = harness(server, served, { env: { [MODEL_PINS_ENV]: pinsFile('[{"name": "tokens.txt"}]') } });
    await assert.rejects(h.download({ url: `${server.origin}/url/sherpa/` }), invalid(/entry 1: "size"/));
    assert.equal(server.seen.length, 0);
  });
});
