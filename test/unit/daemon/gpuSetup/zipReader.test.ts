// The zip reader that unpacks the .nupkg: members by name from the central directory, deflated and
// stored, checked by size and CRC-32; a damaged or truncated archive is a coded error, not a crash
// and not a half-written library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { extractZipEntry, readZipEntries } from '../../../../daemon/gpuSetup/zipReader';
import { buildZip, standInLibraries } from '../../../helpers/fakeNugetFeed';
import { tempDir } from '../../../helpers/paths';

const LIBS = standInLibraries(['a.so', 'b.so'], 200_000);

function writeZip(bytes: Buffer): string {
  const file = path.join(tempDir('zip'), 'p.nupkg');
  fs.writeFileSync(file, bytes);
  return file;
}

test('lists the members and unpacks each to its exact bytes', async () => {
  const file = writeZip(
    buildZip({ 'runtimes/x/a.so': LIBS['a.so']!, 'b.so': LIBS['b.so']!, 'empty.txt': Buffer.alloc(0) }),
  );
  const entries = await readZipEntries(file);
  assert.deepEqual(
    entries.map((e) => [e.name, e.size, e.method]),
    [
      ['runtimes/x/a.so', 200_000, 8],
      ['b.so', 201_000, 8],
      ['empty.txt', 0, 8],
    ],
  );
  const out = tempDir('unzip');
  const hashes: string[] = [];
  for (const e of entries) hashes.push(await extractZipEntry(file, e, path.join(out, path.basename(e.name))));
  assert.equal(hashes[0], createHash('sha256').update(LIBS['a.so']!).digest('hex'), 'the sha256 of the bytes written');
  assert.deepEqual(fs.readFileSync(path.join(out, 'a.so')), LIBS['a.so']);
  assert.deepEqual(fs.readFileSync(path.join(out, 'b.so')), LIBS['b.so']);
  assert.equal(fs.readFileSync(path.join(out, 'empty.txt')).length, 0);
});

test('a stored (uncompressed) member is copied as it is', async () => {
  // The member as stored: method 0, the raw bytes, sizes equal.
  const data = LIBS['a.so']!;
  const name = Buffer.from('a.so');
  const crc = zlib.crc32(data) >>> 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + data.length, 16);
  const file = writeZip(Buffer.concat([local, name, data, central, name, end]));
  const [entry] = await readZipEntries(file);
  assert.equal(entry?.method, 0);
  const dest = path.join(tempDir('unzip'), 'a.so');
  await extractZipEntry(file, entry!, dest);
  assert.deepEqual(fs.readFileSync(dest), data);
});

async function extractFails(bytes: Buffer, pattern: RegExp): Promise<string> {
  const file = writeZip(bytes);
  const out = tempDir('unzip');
  let caught: unknown;
  try {
    const entries = await readZipEntries(file);
    for (const e of entries) await extractZipEntry(file, e, path.join(out, path.basename(e.name)));
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof SenseVoiceError, `expected a SenseVoiceError, got ${String(caught)}`);
  assert.equal(caught.code, ErrorCode.ExtractFailed);
  assert.match(caught.message, pattern);
  assert.deepEqual(fs.readdirSync(out), [], 'no partial file is left');
  return caught.message;
}

test('a flipped byte inside a member fails its CRC (or its inflate) and leaves no file', async () => {
  const zip = buildZip({ 'a.so': LIBS['a.so']! });
  const damaged = Buffer.from(zip);
  damaged[30 + 4 + 5000] = (damaged[30 + 4 + 5000] ?? 0) ^ 0xff;
  await extractFails(damaged, /a\.so/);
});

test('a truncated archive (a download cut short) has no readable end record', async () => {
  const zip = buildZip({ 'a.so': LIBS['a.so']! });
  await extractFails(zip.subarray(0, Math.floor(zip.length / 2)), /no end of central directory/);
});

test('a file that is not a zip at all', async () => {
  await extractFails(Buffer.from('<html>proxy login page</html>'), /not a readable zip/);
});

/** One deflated member written the Zip64 way (sizes and offset in the extra field, a Zip64 end record). */
function zip64Of(name: string, data: Buffer): Buffer {
  const n = Buffer.from(name);
  const packed = zlib.deflateRawSync(data);
  const crc = zlib.crc32(data) >>> 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(45, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(0xffffffff, 18);
  local.writeUInt32LE(0xffffffff, 22);
  local.writeUInt16LE(n.length, 26);
  local.writeUInt16LE(20, 28);
  const localExtra = Buffer.alloc(20);
  localExtra.writeUInt16LE(0x0001, 0);
  localExtra.writeUInt16LE(16, 2);
  localExtra.writeBigUInt64LE(BigInt(data.length), 4);
  localExtra.writeBigUInt64LE(BigInt(packed.length), 12);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(45, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(0xffffffff, 20);
  central.writeUInt32LE(0xffffffff, 24);
  central.writeUInt16LE(n.length, 28);
  central.writeUInt16LE(28, 30);
  central.writeUInt32LE(0xffffffff, 42);
  const extra = Buffer.alloc(28);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(24, 2);
  extra.writeBigUInt64LE(BigInt(data.length), 4); // size first, then compressed size, then offset
  extra.writeBigUInt64LE(BigInt(packed.length), 12);
  extra.writeBigUInt64LE(0n, 20);
  const cdOffset = 30 + n.length + localExtra.length + packed.length;
  const cdSize = 46 + n.length + extra.length;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeBigUInt64LE(1n, 24);
  record.writeBigUInt64LE(1n, 32);
  record.writeBigUInt64LE(BigInt(cdSize), 40);
  record.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([local, n, localExtra, packed, central, n, extra, record, locator, end]);
}

test('a Zip64 archive: sizes and offsets from the extra field and the Zip64 end record', async () => {
  const file = writeZip(zip64Of('runtimes/linux-x64/native/a.so', LIBS['a.so']!));
  const [entry, ...rest] = await readZipEntries(file);
  assert.equal(rest.length, 0);
  assert.equal(entry?.size, LIBS['a.so']!.length);
  assert.equal(entry?.localHeaderOffset, 0);
  const dest = path.join(tempDir('unzip'), 'a.so');
  await extractZipEntry(file, entry!, dest);
  assert.deepEqual(fs.readFileSync(dest), LIBS['a.so']);
});
