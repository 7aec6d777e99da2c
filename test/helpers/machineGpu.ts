// What this machine really has for CUDA, found without the code under test: a card nvidia-smi lists,
// the driver's libcuda, and onnxruntime-node's CUDA provider library (a separate download at install).
// Tests that touch real hardware decide from this which outcome is right here, so they hold on a
// machine without a GPU and on one where CUDA works.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface MachineCuda {
  /** nvidia-smi -L listed at least one GPU. */
  card: boolean;
  /** The driver's user-space library is known to the loader. */
  libcuda: boolean;
  /** onnxruntime-node's libonnxruntime_providers_cuda sits beside its binary. */
  providerLibrary: boolean;
  /** All three: CUDA may work here (it can still fail for a missing cuDNN or CUDA runtime). */
  mayWork: boolean;
}

let found: MachineCuda | undefined;

export function machineCuda(): MachineCuda {
  if (found) return found;
  const smi = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 30_000 });
  const card = smi.status === 0 && /^GPU \d+:/m.test(smi.stdout ?? '');
  const ldconfig = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  const libcuda =
    /\blibcuda\.so\.1\b/.test(ldconfig.stdout ?? '') ||
    ['/usr/lib/x86_64-linux-gnu/libcuda.so.1', '/usr/lib64/libcuda.so.1', '/usr/lib/wsl/lib/libcuda.so.1'].some((p) =>
      fs.existsSync(p),
    );
  const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
  // bin/napi-v*/<platform>/<arch>: only this platform's folder counts.
  const bin = path.join(pkg, 'bin');
  const here = fs.existsSync(bin)
    ? fs
        .readdirSync(bin)
        .map((napi) => path.join(bin, napi, process.platform, process.arch))
        .filter((d) => fs.existsSync(d))
    : [];
  const providerLibrary = here.some((d) =>
    fs.readdirSync(d).some((f) => /^(lib)?onnxruntime_providers_cuda\.(so|dll)$/.test(f)),
  );
  found = { card, libcuda, providerLibrary, mayWork: card && libcuda && providerLibrary };
  return found;
}
