// Reads members out of a .zip (a .nupkg is one) without a dependency: the central directory gives
// each member's name, sizes, CRC-32 and offset; a member is streamed through inflateRaw into its
// file, and its size and CRC are checked before it is renamed into place. No zip library ships in
// node_modules (adm-zip, which onnxruntime-node's installer uses, is not installed with it), and
// only three named members are ever taken out, so a reader of ~150 lines does. Zip64 is read too.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';

/** One member as the central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function invalid(file: string, why: string): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.ExtractFailed,
    `${file} is not a readable zip archive (${why}). Delete it and run the setup again.`,
  );
}

async function readAt(fh: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

function u64(buf: Buffer, at: number): number {
  return Number(buf.readBigUInt64LE(at));
}

/** Every member of the archive, from its central directory. */
export async function readZipEntries(file: string): Promise<ZipEntry[]> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    // The end record is 22 bytes plus a comment of at most 65,535.
    const tailLength = Math.min(size, 22 + 65_535);
    const tail = await readAt(fh, size - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw invalid(file, 'no end of central directory');
    let count = tail.readUInt16LE(at + 10);
    let cdSize = tail.readUInt32LE(at + 12);
    let cdOffset = tail.readUInt32LE(at + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locatorAt = at - 20;
      if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) throw invalid(file, 'no zip64 locator');
      const record = await readAt(fh, u64(tail, locatorAt + 8), 56);
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw invalid(file, 'no zip64 end record');
      count = u64(record, 32);
      cdSize = u64(record, 40);
      cdOffset = u64(record, 48);
    }
    if (cdOffset + cdSize > size) throw invalid(file, 'the central directory lies past the end: truncated');
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw invalid(file, `central entry ${i} is damaged`);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        name: cd.toString('utf8', p + 46, p + 46 + nameLength),
        method: cd.readUInt16LE(p + 10),
        crc32: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
      };
      readZip64Extra(cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength), entry);
      entries.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** The zip64 extra field holds, in this order, the 64-bit values whose 32-bit fields are all ones. */
function readZip64Extra(extra: Buffer, e: ZipEntry): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => {
        const v = q + 8 <= p + 4 + length ? u64(extra, q) : 0;
        q += 8;
        return v;
      };
      if (e.size === 0xffffffff) e.size = next();
      if (e.compressedSize === 0xffffffff) e.compressedSize = next();
      if (e.localHeaderOffset === 0xffffffff) e.localHeaderOffset = next();
      return;
    }
    p += 4 + length;
  }
}

/** Streams one member into `dest` (through `dest`.tmp), checking its size and CRC-32; resolves to its sha256 (hex). */
export async function extractZipEntry(
  file: string,
  entry: ZipEntry,
  dest: string,
  signal?: AbortSignal,
): Promise<string> {
  if (entry.method !== 0 && entry.method !== 8)
    throw invalid(file, `${entry.name} uses compression method ${entry.method}, not stored or deflate`);
  const fh = await fs.open(file, 'r');
  let dataStart: number;
  try {
    const local = await readAt(fh, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw invalid(file, `${entry.name}'s header is damaged`);
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  const tmp = `${dest}.tmp`;
  let crc = 0;
  let size = 0;
  // Hashed on the way through, so the cache's manifest costs no second read of the library.
  const sha256 = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = zlib.crc32(chunk, crc);
      sha256.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  // An empty member has no bytes to read (a stream's `end` is inclusive).
  const source =
    entry.compressedSize === 0
      ? Readable.from([])
      : createReadStream(file, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  const stages = entry.method === 8 ? [zlib.createInflateRaw(), check] : [check];
  try {
    await pipeline([source, ...stages, createWriteStream(tmp)], signal ? { signal } : {});
  } catch (err) {
    await fs.rm(tmp, { force: true });
    if ((err as Error).name === 'AbortError')
      throw new SenseVoiceError(ErrorCode.Cancelled, 'GPU setup cancelled while unpacking.');
    if (err instanceof SenseVoiceError) throw err;
    throw invalid(file, `${entry.name}: ${(err as Error).message}`);
  }
  if (size !== entry.size || crc >>> 0 !== entry.crc32 >>> 0) {
    await fs.rm(tmp, { force: true });
    throw invalid(
      file,
      `${entry.name} unpacked to ${size} bytes with CRC ${crc >>> 0}, expected ${entry.size} with ${entry.crc32}`,
    );
  }
  await fs.rename(tmp, dest);
  return sha256.digest('hex');
}
