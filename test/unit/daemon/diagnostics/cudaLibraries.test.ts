// The CUDA libraries the provider loads, found in faked folders: a complete CUDA 12 + cuDNN 9 set,
// one without cuDNN, a toolkit folder that is not on the loader path, CUDA 13 where 12 is needed,
// the ldconfig cache, and Windows file names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseLdconfig, parseLibraryName, scanCudaLibraries } from '../../../../daemon/diagnostics/cudaLibraries';
import { CUDA12_FILES, fakeLibraryFolder, without } from './fakeMachine';

const scan = (o: { ld?: string[]; toolkit?: string[]; ldconfig?: string | null; ortBin?: string | null }) =>
  scanCudaLibraries({
    platform: 'linux',
    libraryPathEnv: (o.ld ?? []).join(':'),
    ortBinDir: o.ortBin ?? null,
    toolkitDirs: o.toolkit ?? [],
    ldconfigOutput: o.ldconfig ?? null,
  });

test('versions come from file names, following symlinks to the most specific one', () => {
  assert.deepEqual(parseLibraryName('libcudart.so.12.4.127', 'linux'), {
    name: 'cudart',
    version: '12.4.127',
    major: 12,
  });
  assert.deepEqual(parseLibraryName('libcudnn.so.9', 'linux'), { name: 'cudnn', version: '9', major: 9 });
  assert.deepEqual(parseLibraryName('libcublasLt.so.12', 'linux'), { name: 'cublasLt', version: '12', major: 12 });
  assert.deepEqual(parseLibraryName('libcudnn.so', 'linux'), { name: 'cudnn', version: null, major: null });
  assert.equal(parseLibraryName('libcudnn_adv.so.9', 'linux'), null, 'cuDNN sub-libraries are not the library itself');
  assert.equal(parseLibraryName('libz.so.1', 'linux'), null);
  assert.deepEqual(parseLibraryName('cudnn64_9.dll', 'win32'), { name: 'cudnn', version: '9', major: 9 });
  assert.deepEqual(parseLibraryName('cublasLt64_12.dll', 'win32'), { name: 'cublasLt', version: '12', major: 12 });
  assert.deepEqual(parseLibraryName('cudart64_12.dll', 'win32'), { name: 'cudart', version: '12', major: 12 });
});

test('a complete CUDA 12 + cuDNN 9 folder on LD_LIBRARY_PATH satisfies every requirement', async () => {
  const dir = fakeLibraryFolder(CUDA12_FILES);
  const s = await scan({ ld: [dir] });
  assert.deepEqual(s.missing, []);
  assert.ok(s.requirements.every((r) => r.status === 'ok'));
  const cudnn = s.found.filter((f) => f.name === 'cudnn');
  assert.equal(cudnn.length, 1, 'libcudnn.so, .so.9 and .so.9.1.0 are one library');
  assert.equal(cudnn[0]?.version, '9.1.0');
  assert.equal(s.found.find((f) => f.name === 'cudart')?.version, '12.4.127');
  assert.ok(s.found.every((f) => f.source === 'LD_LIBRARY_PATH' && f.onLoaderPath));
  assert.ok(s.searched.includes(`${dir} (LD_LIBRARY_PATH)`));
});

test('without libcudnn: libcudnn.so.9 is missing, everything else is there', async () => {
  const dir = fakeLibraryFolder(without(CUDA12_FILES, /cudnn/));
  const s = await scan({ ld: [dir] });
  assert.deepEqual(s.missing, ['libcudnn.so.9']);
  assert.equal(s.requirements.find((r) => r.library === 'cudnn')?.status, 'missing');
});

test('libraries only in a CUDA toolkit folder are found but not on the loader path', async () => {
  const toolkit = fakeLibraryFolder(CUDA12_FILES);
  const s = await scan({ toolkit: [toolkit] });
  assert.equal(s.requirements.find((r) => r.library === 'cudnn')?.status, 'off-loader-path');
  assert.match(
    s.requirements.find((r) => r.library === 'cudnn')?.found[0] ?? '',
    /9\.1\.0 at .*not on the loader path/,
  );
  assert.equal(s.missing.length, 6);
});

test('CUDA 13 where the provider needs 12 is a wrong version, with what was found', async () => {
  const dir = fakeLibraryFolder({ 'libcudart.so.13': null, 'libcudart.so': 'libcudart.so.13' });
  const s = await scan({ ld: [dir] });
  const r = s.requirements.find((x) => x.library === 'cudart');
  assert.equal(r?.status, 'wrong-version');
  assert.match(r?.found.join() ?? '', /^13 at .*libcudart\.so\.13$/);
});

test('the ldconfig cache counts as the loader path; other libraries in it are ignored', async () => {
  const dir = fakeLibraryFolder(CUDA12_FILES);
  const ldconfig = [
    "728 libs found in cache `/etc/ld.so.cache'",
    `\tlibz.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libz.so.1`,
    `\tlibcudnn.so.9 (libc6,x86-64) => ${path.join(dir, 'libcudnn.so.9')}`,
    `\tlibcublas.so.12 (libc6,x86-64) => ${path.join(dir, 'libcublas.so.12')}`,
  ].join('\n');
  assert.deepEqual(parseLdconfig(ldconfig), [path.join(dir, 'libcudnn.so.9'), path.join(dir, 'libcublas.so.12')]);
  const s = await scan({ ldconfig });
  assert.equal(s.requirements.find((r) => r.library === 'cudnn')?.status, 'ok');
  assert.equal(s.found.find((f) => f.name === 'cudnn')?.source, 'ldconfig');
  assert.equal(s.found.find((f) => f.name === 'cudnn')?.version, '9.1.0');
  assert.ok(s.missing.includes('libcudart.so.12'));
});

test("libraries beside onnxruntime-node's binary are on the loader path (the provider looks there)", async () => {
  const bin = fakeLibraryFolder({ 'libcudnn.so.9': null });
  const s = await scan({ ortBin: bin });
  assert.equal(s.found[0]?.source, 'onnxruntime-node');
  assert.equal(s.requirements.find((r) => r.library === 'cudnn')?.status, 'ok');
});

test('macOS has no CUDA requirements', async () => {
  const s = await scanCudaLibraries({ platform: 'darwin', libraryPathEnv: undefined, ortBinDir: null });
  assert.deepEqual([s.requirements, s.missing], [[], []]);
});
