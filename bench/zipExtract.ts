// `npx tsx bench/zipExtract.ts [MB]`: how fast GPU setup's own zip reader (daemon/gpuSetup/zipReader.ts,
// written because no zip library ships in node_modules) unpacks a provider-library-sized member,
// against the system's `unzip` where one is installed. The member is half random bytes, half runs
// of zeros, so it deflates about as well as a shared library (~50%).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { extractZipEntry, readZipEntries } from '../daemon/gpuSetup/zipReader';

const mb = Number(process.argv[2] ?? 300);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sensevoice-zipbench-'));

function member(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  let x = 0x12345678;
  for (let i = 0; i < bytes; i += 8192) {
    if ((i / 8192) % 2 === 1) continue; // zeros
    for (let j = i; j < Math.min(bytes, i + 8192); j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[j] = x & 0xff;
    }
  }
  return b;
}

function zipOf(name: string, data: Buffer): Buffer {
  const n = Buffer.from(name);
  const packed = zlib.deflateRawSync(data);
  const crc = zlib.crc32(data) >>> 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + packed.length, 16);
  return Buffer.concat([local, n, packed, central, n, end]);
}

async function main(): Promise<void> {
  const data = member(mb * 1024 * 1024);
  const zip = path.join(dir, 'p.nupkg');
  fs.writeFileSync(zip, zipOf('runtimes/linux-x64/native/lib.so', data));
  const zipMb = fs.statSync(zip).size / 1024 / 1024;
  const ours: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const [entry] = await readZipEntries(zip);
    await extractZipEntry(zip, entry!, path.join(dir, 'ours.so'));
    ours.push(performance.now() - t);
    fs.rmSync(path.join(dir, 'ours.so'));
  }
  const best = Math.min(...ours);
  console.log(
    `${mb} MB member (${zipMb.toFixed(0)} MB deflated): zipReader best of 3 ${best.toFixed(0)} ms (${((mb * 1000) / best).toFixed(0)} MB/s), runs ${ours.map((m) => m.toFixed(0)).join(', ')} ms`,
  );
  try {
    const t = performance.now();
    execFileSync('unzip', ['-o', '-q', zip, '-d', path.join(dir, 'unzip')]);
    const ms = performance.now() - t;
    console.log(`system unzip: ${ms.toFixed(0)} ms (${((mb * 1000) / ms).toFixed(0)} MB/s)`);
  } catch {
    console.log('system unzip: not installed here');
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
