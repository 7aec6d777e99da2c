// Reading and changing the speaker profiles file on disk, apart from VS Code (unit-tested on a temp
// folder). A change is read-modify-write: the file is read and checked (a file the user broke by hand
// is reported, never overwritten), the change applied to what is there now, and the result written
// atomically, but only if the file still holds what was read; if someone wrote it in between (the
// user saving an edit, another window), the change is made again on their version.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { atomicWrite } from '../../common/atomicWrite';
import type { SpeakerProfilesFile } from '../../common/protocol';
import { formatSpeakerProfilesFile, parseSpeakerProfilesFile } from '../../common/speakerProfiles/profilesFile';

const EMPTY: SpeakerProfilesFile = { version: 1, profiles: [] };
/** Tries when the file keeps changing under us; then the user is told. */
const ATTEMPTS = 3;

async function readText(file: string): Promise<string | null> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The file's profiles (none when there is no file); a file that does not parse throws, naming the place. */
export async function readProfilesFile(file: string): Promise<SpeakerProfilesFile> {
  const text = await readText(file);
  return text === null ? EMPTY : parseSpeakerProfilesFile(text, file);
}

/**
 * Applies `change` to the file's current content and writes the result (the folder is made if need
 * be). `change` may run more than once (see the header); it returns the new content and a result.
 */
export async function updateProfilesFile<R>(
  file: string,
  change: (current: SpeakerProfilesFile) => { file: SpeakerProfilesFile; result: R },
): Promise<{ file: SpeakerProfilesFile; result: R }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await readText(file);
    const current = before === null ? EMPTY : parseSpeakerProfilesFile(before, file);
    const next = change(current);
    if ((await readText(file)) !== before) continue;
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await atomicWrite(file, formatSpeakerProfilesFile(next.file), { overwrite: true });
    return next;
  }
  throw new Error(`${file} kept changing while SenseVoice was saving a voice into it; try again.`);
}
