// A PyPI JSON API on 127.0.0.1 for the CUDA library tests, shaped like pypi.org's: for each pinned
// package, /pypi/<project>/<version>/json lists its files (an aarch64 wheel first, then the x86_64
// wheel) with `digests.sha256`, `size` and `url`, and the wheels are served with Range support
// from /packages/. Each wheel is a real zip laid out like NVIDIA's (nvidia/<folder>/lib/<lib>,
// plus headers, a library setup must not take, and the dist-info) around stand-in bytes.
import { createHash } from 'node:crypto';
import { CUDA_REDIST, type CudaRedistPackage } from '../../daemon/gpuSetup/cudaRedist';
import { LocalServer } from '../unit/daemon/modelStore/localServer';
import { buildZip, standInLibraries } from './fakeNugetFeed';

/** The libraries each real wheel carries in nvidia/<folder>/lib/ (those setup keeps and those it leaves). */
export const WHEEL_LIBS: Record<string, string[]> = {
  'nvidia-cuda-runtime-cu12': ['libcudart.so.12'],
  'nvidia-cublas-cu12': ['libcublas.so.12', 'libcublasLt.so.12', 'libnvblas.so.12'],
  'nvidia-cudnn-cu12': [
    'libcudnn.so.9',
    'libcudnn_adv.so.9',
    'libcudnn_cnn.so.9',
    'libcudnn_engines_precompiled.so.9',
    'libcudnn_engines_runtime_compiled.so.9',
    'libcudnn_graph.so.9',
    'libcudnn_heuristic.so.9',
    'libcudnn_ops.so.9',
  ],
  'nvidia-cufft-cu12': ['libcufft.so.11', 'libcufftw.so.11'],
  'nvidia-curand-cu12': ['libcurand.so.10'],
  'nvidia-cuda-nvrtc-cu12': ['libnvrtc.so.12', 'libnvrtc-builtins.so.12.8', 'libnvrtc.alt.so.12'],
  'nvidia-nvjitlink-cu12': ['libnvJitLink.so.12'],
};

/** The libraries setup must keep from the wheels above. */
export const KEPT_LIBS = Object.values(WHEEL_LIBS)
  .flat()
  .filter((n) => !['libnvblas.so.12', 'libcufftw.so.11', 'libnvrtc.alt.so.12'].includes(n))
  .sort();

export interface FakeWheel {
  pin: CudaRedistPackage;
  filename: string;
  /** Path on the server. */
  path: string;
  bytes: Buffer;
  /** What is served and published now (bytes unless a test swapped it). */
  served: Buffer;
  /** The stand-in libraries inside, by name. */
  libs: Record<string, Buffer>;
}

export interface FakePypi {
  server: LocalServer;
  /** What --pypi-feed takes (…/pypi). */
  feedUrl: string;
  wheels: FakeWheel[];
  wheel(name: string): FakeWheel;
  /** Publish this sha256 for a package's wheel instead of the real one ('' for the real one again). */
  publishSha256(name: string, sha256: string): void;
  /** Serve (and publish, with its real sha256 and size) other bytes as a package's wheel; the built ones when omitted. */
  serveWheel(name: string, bytes?: Buffer): void;
  close(): Promise<void>;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export async function startFakePypi(libBytes = 20_000, pins: readonly CudaRedistPackage[] = CUDA_REDIST) {
  const server = await LocalServer.start();
  const o = server.origin;
  const wheels: FakeWheel[] = pins.map((pin, i) => {
    const names = WHEEL_LIBS[pin.name] ?? [];
    const libs = standInLibraries(names, libBytes + i * 100);
    const dist = `${pin.name.replace(/-/g, '_')}-${pin.version}`;
    const bytes = buildZip({
      'nvidia/__init__.py': Buffer.from(''),
      [`nvidia/${pin.folder}/include/${pin.folder}.h`]: Buffer.from('/* header */\n'),
      ...Object.fromEntries(Object.entries(libs).map(([n, b]) => [`nvidia/${pin.folder}/lib/${n}`, b])),
      [`${dist}.dist-info/METADATA`]: Buffer.from(`Name: ${pin.name}\nVersion: ${pin.version}\n`),
    });
    const filename = `${dist}-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl`;
    return { pin, filename, path: `/packages/${i}/${filename}`, bytes, served: bytes, libs };
  });
  const published = new Map<string, string>();
  const publish = () => {
    for (const w of wheels) {
      const arm = `${w.pin.name.replace(/-/g, '_')}-${w.pin.version}-py3-none-manylinux_2_27_aarch64.whl`;
      server.files.set(
        `/pypi/${w.pin.name}/${w.pin.version}/json`,
        Buffer.from(
          JSON.stringify({
            info: { name: w.pin.name, version: w.pin.version, license: 'NVIDIA Proprietary Software' },
            urls: [
              {
                filename: arm,
                packagetype: 'bdist_wheel',
                url: `${o}/packages/arm/${arm}`,
                size: 10,
                digests: { sha256: '0'.repeat(64), md5: '0'.repeat(32) },
                yanked: false,
              },
              {
                filename: w.filename,
                packagetype: 'bdist_wheel',
                url: `${o}${w.path}`,
                size: w.served.length,
                digests: { sha256: published.get(w.pin.name) || sha256(w.served), md5: '0'.repeat(32) },
                yanked: false,
              },
            ],
          }),
        ),
      );
      server.files.set(w.path, w.served);
    }
  };
  publish();
  const fake: FakePypi = {
    server,
    feedUrl: `${o}/pypi`,
    wheels,
    wheel: (name) => {
      const w = wheels.find((x) => x.pin.name === name);
      if (!w) throw new Error(`no fake wheel ${name}`);
      return w;
    },
    publishSha256: (name, digest) => {
      published.set(name, digest);
      publish();
    },
    serveWheel: (name, bytes) => {
      const w = fake.wheel(name);
      w.served = bytes ?? w.bytes;
      publish();
    },
    close: () => server.close(),
  };
  return fake;
}
