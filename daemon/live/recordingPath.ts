// Where a recording goes. A recording is never overwritten: an explicit path that exists is refused,
// and a name picked in a folder skips every name already taken. ffmpeg is also run with `-n`, so a
// file that appears between this check and ffmpeg's open is refused rather than replaced.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type RecordingFormat } from '../../common/protocol';

export function recordingPath(o: { out?: string; dir?: string; format: RecordingFormat; now?: Date }): string {
  if (o.out) {
    const abs = path.resolve(o.out);
    if (fs.existsSync(abs))
      throw new SenseVoiceError(
        ErrorCode.RecordingExists,
        `${abs} exists; a recording never replaces a file. Choose another name, or leave the name out to get a new one.`,
        { path: abs },
      );
    checkFolder(path.dirname(abs));
    return abs;
  }
  const dir = path.resolve(o.dir ?? os.homedir());
  checkFolder(dir);
  const stem = `recording-${stamp(o.now ?? new Date())}`;
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${stem}${n === 1 ? '' : `-${n}`}.${o.format}`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}

function checkFolder(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new SenseVoiceError(ErrorCode.FileNotFound, `The folder for the recording does not exist: ${dir}.`, {
      path: dir,
    });
  }
  if (!st.isDirectory()) throw new SenseVoiceError(ErrorCode.NotAFile, `Not a folder: ${dir}.`, { path: dir });
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new SenseVoiceError(
      ErrorCode.RecordingWriteFailed,
      `Permission denied: the recording cannot be written in ${dir}. Choose a folder you can write to.`,
      { path: dir },
    );
  }
}

/** Local date and time, sortable and valid in file names everywhere: 2026-12-04-193005. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
