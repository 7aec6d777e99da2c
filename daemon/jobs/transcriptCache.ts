// Finished transcripts by file content + model + settings, so a repeat returns at once, also after
// a restart. Kept in memory and on disk; disk writes are atomic (temp file + rename) and the
// folder is pruned to the newest entries.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atomicWrite } from '../../common/atomicWrite';
import { ErrorCode, SenseVoiceError, type Transcript } from '../../common/protocol';

// 2: transcripts carry the source file's warnings (a cut file cached before would show none).
const VERSION = 2;

export function defaultCacheDir(): string {
  if (process.env.SENSEVOICE_CACHE_DIR) return process.env.SENSEVOICE_CACHE_DIR;
  if (process.platform === 'win32')
    return path.join(
      process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'),
      'sensevoice',
      'Cache',
      'transcripts',
    );
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'sensevoice', 'transcripts');
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'sensevoice', 'transcripts');
}

/** sha256 of a file's bytes, streamed; a file gone meanwhile is FileNotFound, as anywhere else. */
export async function contentHash(file: string, signal?: AbortSignal): Promise<string> {
  const hash = crypto.createHash('sha256');
  try {
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20, signal });
    for await (const chunk of stream) hash.update(chunk as Buffer);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new SenseVoiceError(
        ErrorCode.FileNotFound,
        `The file was moved or deleted before it could be read: ${file}.`,
        { path: file },
      );
    if (code === 'ABORT_ERR') throw new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
    if (code === 'EACCES' || code === 'EPERM')
      throw new SenseVoiceError(
        ErrorCode.FileNotFound,
        `The file cannot be read (permission denied): ${file}. Check its permissions.`,
        { path: file },
      );
    throw err;
  }
  return hash.digest('hex');
}

export class TranscriptCache {
  private readonly memory = new Map<string, Transcript>();

  constructor(
    private readonly dir: string | null,
    private readonly maxEntries = 500,
  ) {}

  static key(parts: unknown): string {
    return crypto
      .createHash('sha256')
      .update(JSON.stringify([VERSION, parts]))
      .digest('hex');
  }

  async get(key: string): Promise<Transcript | null> {
    const m = this.memory.get(key);
    if (m) return m;
    if (!this.dir) return null;
    try {
      const t = JSON.parse(await fs.promises.readFile(path.join(this.dir, `${key}.json`), 'utf8')) as Transcript;
      this.remember(key, t);
      return t;
    } catch {
      return null;
    }
  }

  async set(key: string, t: Transcript): Promise<void> {
    this.remember(key, t);
    if (!this.dir) return;
    try {
      await fs.promises.mkdir(this.dir, { recursive: true });
      const file = path.join(this.dir, `${key}.json`);
      await atomicWrite(file, JSON.stringify(t), { overwrite: true });
      await this.prune();
    } catch {
      // A cache that cannot be written is only slower; the transcript itself is not affected.
    }
  }

  private remember(key: string, t: Transcript): void {
    this.memory.delete(key);
    this.memory.set(key, t);
    while (this.memory.size > 64) this.memory.delete(this.memory.keys().next().value as string);
  }

  private async prune(): Promise<void> {
    const names = (await fs.promises.readdir(this.dir!)).filter((n) => n.endsWith('.json'));
    if (names.length <= this.maxEntries) return;
    const stats = await Promise.all(
      names.map(async (n) => ({ n, t: (await fs.promises.stat(path.join(this.dir!, n))).mtimeMs })),
    );
    stats.sort((a, b) => a.t - b.t);
    for (const s of stats.slice(0, stats.length - this.maxEntries))
      await fs.promises.rm(path.join(this.dir!, s.n), { force: true });
  }
}
