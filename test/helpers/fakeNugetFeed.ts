// A NuGet v3 feed on 127.0.0.1 for the GPU setup tests, shaped like nuget.org's: the service index,
// the flat container (versions list and the .nupkg, with Range support), and a registration leaf
// whose catalogEntry is the URL of a catalog item holding packageHash (base64 SHA-512),
// packageHashAlgorithm and packageSize. The .nupkg is a real zip built here around stand-in
// libraries. It rides on the download tests' LocalServer, so drops and request counts come free.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { LocalServer } from '../unit/daemon/modelStore/localServer';

export interface FakePackage {
  id: string;
  version: string;
  /** The .nupkg's bytes. */
  nupkg: Buffer;
  /** What the catalog publishes; the real hash by default (a test sets a wrong one). */
  packageHash?: string;
  /** false: the catalog entry has no packageHash. */
  publishHash?: boolean;
}

export interface FakeFeed {
  server: LocalServer;
  /** The service index: what --feed takes. */
  indexUrl: string;
  /** The .nupkg's path on the server (to count its requests or make it misbehave). */
  nupkgPath: string;
  close(): Promise<void>;
}

export function sha512Base64(data: Buffer): string {
  return createHash('sha512').update(data).digest('base64');
}

export async function startFakeNugetFeed(pkg: FakePackage): Promise<FakeFeed> {
  const server = await LocalServer.start();
  const o = server.origin;
  const id = pkg.id.toLowerCase();
  const v = pkg.version.toLowerCase();
  const json = (x: unknown) => Buffer.from(JSON.stringify(x));
  const nupkgPath = `/v3-flatcontainer/${id}/${v}/${id}.${v}.nupkg`;
  const catalogPath = `/v3/catalog0/data/2026.01.01.00.00.00/${id}.${v}.json`;
  server.files.set(
    '/v3/index.json',
    json({
      version: '3.0.0',
      resources: [
        { '@id': `${o}/v3/search`, '@type': 'SearchQueryService' },
        { '@id': `${o}/v3-flatcontainer/`, '@type': 'PackageBaseAddress/3.0.0' },
        { '@id': `${o}/v3/registration5-semver1/`, '@type': 'RegistrationsBaseUrl' },
        { '@id': `${o}/v3/catalog0/index.json`, '@type': 'Catalog/3.0.0' },
      ],
    }),
  );
  server.files.set(`/v3-flatcontainer/${id}/index.json`, json({ versions: ['1.0.0', v] }));
  server.files.set(nupkgPath, pkg.nupkg);
  server.files.set(
    `/v3/registration5-semver1/${id}/${v}.json`,
    json({
      '@id': `${o}/v3/registration5-semver1/${id}/${v}.json`,
      '@type': ['Package', 'http://schema.nuget.org/catalog#Permalink'],
      catalogEntry: `${o}${catalogPath}`,
      listed: true,
      packageContent: `${o}${nupkgPath}`,
      registration: `${o}/v3/registration5-semver1/${id}/index.json`,
    }),
  );
  server.files.set(
    catalogPath,
    json({
      '@type': ['PackageDetails', 'catalog:Permalink'],
      id: pkg.id,
      version: pkg.version,
      ...(pkg.publishHash === false
        ? {}
        : { packageHash: pkg.packageHash ?? sha512Base64(pkg.nupkg), packageHashAlgorithm: 'SHA512' }),
      packageSize: pkg.nupkg.length,
    }),
  );
  return { server, indexUrl: `${o}/v3/index.json`, nupkgPath, close: () => server.close() };
}

/** A zip (deflated members, as NuGet writes them) of these files, by their paths inside it. */
export function buildZip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = zlib.deflateRawSync(data);
    const crc = zlib.crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Stand-in provider libraries: distinct, incompressible-ish bytes (they are not real ELF files). */
export function standInLibraries(names: readonly string[], size = 300_000): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  names.forEach((name, i) => {
    const b = Buffer.alloc(size + i * 1000);
    let x = 0x9e3779b9 ^ (i + 1);
    for (let j = 0; j < b.length; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[j] = x & 0xff;
    }
    b.write(`stand-in ${name}, not a shared library\n`, 0);
    out[name] = b;
  });
  return out;
}
