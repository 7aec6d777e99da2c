// onnxruntime-node as installed: its version, the providers its build offers, and which provider
// libraries actually sit beside its native binary (the CUDA ones are a separate download that an
// install with ONNXRUNTIME_NODE_INSTALL=skip, or without network, never made).
import fs from 'node:fs';
import path from 'node:path';
import type { OnnxRuntimeFacts } from '../../common/protocol';
import { onnxRuntimeVersion } from '../systemInfo';

type ListBackends = () => unknown;

export interface OnnxRuntimeFactsOptions {
  /** onnxruntime-node's package folder; found with require.resolve by default. */
  packageDir?: string | null;
  /** Seam: the binding's listSupportedBackends. */
  listBackends?: ListBackends;
  platform?: NodeJS.Platform;
  arch?: string;
}

const PROVIDER_LIBRARY = /^(lib)?onnxruntime_providers_\w+\.(so|dll|dylib)$/;

export function collectOnnxRuntimeFacts(options: OnnxRuntimeFactsOptions = {}): OnnxRuntimeFacts {
  const packageDir = options.packageDir !== undefined ? options.packageDir : onnxRuntimePackageDir();
  const binDir = packageDir
    ? findBinDir(packageDir, options.platform ?? process.platform, options.arch ?? process.arch)
    : null;
  let providerLibraries: string[] = [];
  if (binDir) {
    try {
      providerLibraries = fs
        .readdirSync(binDir)
        .filter((f) => PROVIDER_LIBRARY.test(f))
        .sort();
    } catch {
      providerLibraries = [];
    }
  }
  const { backends, error } = listBackends(options.listBackends);
  return {
    version: packageDir ? readVersion(packageDir) : onnxRuntimeVersion(),
    backends,
    ...(error ? { backendsError: error } : {}),
    binDir,
    providerLibraries,
  };
}

/** listSupportedBackends() is internal API: any change in its shape is reported, never thrown. */
export function listBackends(list?: ListBackends): { backends: OnnxRuntimeFacts['backends']; error?: string } {
  let raw: unknown;
  try {
    const fn =
      list ??
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('onnxruntime-node/dist/binding.js') as { binding?: { listSupportedBackends?: ListBackends } }).binding
        ?.listSupportedBackends;
    if (typeof fn !== 'function')
      return { backends: null, error: 'this onnxruntime-node has no binding.listSupportedBackends (internal API).' };
    raw = fn();
  } catch (err) {
    return {
      backends: null,
      error: `listSupportedBackends failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (!Array.isArray(raw))
    return { backends: null, error: 'listSupportedBackends returned something other than a list.' };
  const backends = raw
    .filter((b): b is { name: unknown; bundled?: unknown } => typeof b === 'object' && b !== null && 'name' in b)
    .filter((b) => typeof b.name === 'string')
    .map((b) => ({ name: b.name as string, bundled: b.bundled === true }));
  return { backends };
}

export function onnxRuntimePackageDir(): string | null {
  try {
    return path.dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return null;
  }
}

/** bin/napi-v*\/<platform>/<arch>, whichever N-API version this release uses. */
export function findBinDir(packageDir: string, platform: string, arch: string): string | null {
  const bin = path.join(packageDir, 'bin');
  let napi: string[];
  try {
    napi = fs
      .readdirSync(bin)
      .filter((d) => d.startsWith('napi-v'))
      .sort()
      .reverse();
  } catch {
    return null;
  }
  for (const d of napi) {
    const dir = path.join(bin, d, platform, arch);
    if (fs.existsSync(dir)) return dir;
  }
  return null;
}

function readVersion(packageDir: string): string | null {
  try {
    return (
      (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: string }).version ??
      null
    );
  } catch {
    return null;
  }
}
