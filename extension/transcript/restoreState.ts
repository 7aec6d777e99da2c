// What a transcript view keeps across a window reload: the page saves it with its filters
// (vscode.setState), VS Code hands it back to the panel serializer, and the host checks it like any
// other input from the page before acting on it. No vscode import (unit-tested).

/** Enough to bring a view back: the audio file, and the saved JSON when the view showed one. */
export interface RestoreState {
  filePath: string;
  transcriptFile: string | null;
}

/** The state the page saved, or null when it is not one a transcript view could have saved. */
export function parseRestoreState(raw: unknown): RestoreState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = (raw as Record<string, unknown>).restore;
  if (typeof r !== 'object' || r === null) return null;
  const { filePath, transcriptFile } = r as Record<string, unknown>;
  if (typeof filePath !== 'string' || !isAbsolute(filePath)) return null;
  if (
    transcriptFile !== null &&
    transcriptFile !== undefined &&
    (typeof transcriptFile !== 'string' || !isAbsolute(transcriptFile))
  )
    return null;
  return { filePath, transcriptFile: typeof transcriptFile === 'string' ? transcriptFile : null };
}

function isAbsolute(p: string): boolean {
  return (
    p.length > 0 &&
    p.length < 4096 &&
    !p.includes('\0') &&
    (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\'))
  );
}
