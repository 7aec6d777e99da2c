// What a transcript view keeps across a window reload: the page saves it with its filters
// (vscode.setState), VS Code hands it back to the panel serializer, and the host checks it like any
// other input from the page before acting on it. No vscode import (unit-tested).

/** Enough to bring a view back: the audio file, the saved JSON when the view showed one, and the speaker count set in it. */
export interface RestoreState {
  filePath: string;
  transcriptFile: string | null;
  /** The count the view was re-diarized with (speakerCountFlow.ts); absent: the window's setting. */
  speakerCount?: number | 'auto';
}

/** The state the page saved, or null when it is not one a transcript view could have saved. */
export function parseRestoreState(raw: unknown): RestoreState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = (raw as Record<string, unknown>).restore;
  if (typeof r !== 'object' || r === null) return null;
  const { filePath, transcriptFile, speakerCount } = r as Record<string, unknown>;
  if (typeof filePath !== 'string' || !isAbsolute(filePath)) return null;
  if (
    transcriptFile !== null &&
    transcriptFile !== undefined &&
    (typeof transcriptFile !== 'string' || !isAbsolute(transcriptFile))
  )
    return null;
  const count =
    speakerCount === 'auto' ||
    (typeof speakerCount === 'number' && Number.isInteger(speakerCount) && speakerCount >= 1 && speakerCount <= 100)
      ? speakerCount
      : undefined;
  return {
    filePath,
    transcriptFile: typeof transcriptFile === 'string' ? transcriptFile : null,
    // Anything else (null, a page's nonsense) is the window's setting: nothing to override.
    ...(count !== undefined ? { speakerCount: count } : {}),
  };
}

function isAbsolute(p: string): boolean {
  return (
    p.length > 0 &&
    p.length < 4096 &&
    !p.includes('\0') &&
    (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\'))
  );
}
