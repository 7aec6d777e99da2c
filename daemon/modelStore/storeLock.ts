// One download per store folder at a time, across processes (the cli and the extension each run a
// daemon): a lock file holding the pid, taken over when that process is gone.
import fs from 'node:fs/promises';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';

const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws Busy; resolves to its release. */
export async function acquireLock(file: string, what: string): Promise<() => Promise<void>> {
  // Claimed before the first await, so two requests in this daemon cannot both get past here.
  if (held.has(file)) throw busy(what, process.pid);
  held.add(file);
  const release = async () => {
    held.delete(file);
    await fs.rm(file, { force: true });
  };
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(file, String(process.pid), { flag: 'wx' });
        return release;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw busy(what, pid);
        await fs.rm(file, { force: true }); // left by a process that is gone
      }
    }
    throw busy(what, 0);
  } catch (err) {
    held.delete(file);
    throw err;
  }
}

function busy(what: string, pid: number): SenseVoiceError {
  return new SenseVoiceError(
    ErrorCode.Busy,
    `Another download of ${what} is running${pid ? ` (process ${pid})` : ''}: wait for it to finish, or cancel it, then try again.`,
  );
}
