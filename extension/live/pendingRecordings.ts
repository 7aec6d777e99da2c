// Recordings whose notes are not final yet, kept in the extension's global state from start to final
// notes: when the extension host (or the whole window) dies mid-recording, the next start finds them
// and offers to finish transcribing the file into the notes.
import type { DeviceMemory } from './devicePicks';
import type { LiveRecordingInfo } from './liveNotesSession';

export const PENDING_KEY = 'sensevoice.live.pending';

/** A recording whose notes are not final, and the document they are in. */
export interface PendingRecording extends LiveRecordingInfo {
  documentUri: string;
}

function isPending(v: unknown): v is PendingRecording {
  const p = v as PendingRecording;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.markerId === 'string' &&
    typeof p.path === 'string' &&
    typeof p.documentUri === 'string' &&
    typeof p.date === 'string' &&
    typeof p.headingLevel === 'number'
  );
}

export function pendingRecordings(memory: DeviceMemory): PendingRecording[] {
  const v = memory.get<unknown>(PENDING_KEY);
  return Array.isArray(v) ? v.filter(isPending) : [];
}

export function addPending(memory: DeviceMemory, p: PendingRecording): Thenable<void> {
  return memory.update(PENDING_KEY, [...pendingRecordings(memory).filter((x) => x.markerId !== p.markerId), p]);
}

export function removePending(memory: DeviceMemory, markerId: string): Thenable<void> {
  return memory.update(
    PENDING_KEY,
    pendingRecordings(memory).filter((x) => x.markerId !== markerId),
  );
}
