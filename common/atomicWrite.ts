// Writes a file so that readers see the old content or the new, never half of it: the data goes to
// a temporary file in the same folder, which then takes the target's name in one step. Without
// `overwrite`, an existing target is never replaced, even one that appeared a moment ago. The one
// copy for the transcript cache, the model store's manifests and the extension's exports.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export class TargetExistsError extends Error {
  readonly code = 'EEXIST';
  constructor(readonly target: string) {
    super(`${target} already exists.`);
    this.name = 'TargetExistsError';
  }
}

export async function atomicWrite(
  target: string,
  data: string | Uint8Array,
  options: { overwrite: boolean },
): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  await fs.promises.writeFile(temp, data, { flag: 'wx' });
  try {
    if (options.overwrite) {
      await fs.promises.rename(temp, target);
      return;
    }
    // link() fails with EEXIST when the target exists: a no-clobber rename without a race.
    try {
      await fs.promises.link(temp, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new TargetExistsError(target);
      // File systems without hard links (FAT, some network shares): check, then rename.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
        if (fs.existsSync(target)) throw new TargetExistsError(target);
        await fs.promises.rename(temp, target);
        return;
      }
      throw err;
    }
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
}
