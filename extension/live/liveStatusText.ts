// What the recording's status bar item says, as pure functions: the state, the recording time
// (paused time not counted) and a small level meter, and the choices its click offers.
import { clockTime } from '../../common/formats/time';
import type { LiveState } from './liveNotesSession';

const CELLS = 6;

/** A six-cell meter of a dBFS level: empty at -60 dBFS and below, full at 0. */
export function levelMeter(dbfs: number): string {
  const filled = Math.max(0, Math.min(CELLS, Math.round(((dbfs + 60) / 60) * CELLS)));
  return '█'.repeat(filled) + '░'.repeat(CELLS - filled);
}

export interface LiveStatus {
  state: LiveState;
  recordedSec: number;
  levelDbfs: number;
}

export function liveStatusText(s: LiveStatus): string {
  const time = clockTime(s.recordedSec);
  switch (s.state) {
    case 'recording':
      return `$(record) ${time} ${levelMeter(s.levelDbfs)}`;
    case 'paused':
      return `$(debug-pause) Paused ${time}`;
    case 'stopping':
      return `$(loading~spin) Finishing notes ${time}`;
    case 'interrupted':
      return `$(warning) Recording interrupted ${time}`;
    case 'finished':
      return `$(check) Recorded ${time}`;
  }
}

/** The commands the status bar's click offers in a state, first the likeliest. */
export function liveActions(state: LiveState): { command: string; label: string }[] {
  const stop = { command: 'sensevoice.stopRecording', label: '$(debug-stop) Stop Recording' };
  if (state === 'recording') return [{ command: 'sensevoice.pauseRecording', label: '$(debug-pause) Pause' }, stop];
  if (state === 'paused') return [{ command: 'sensevoice.resumeRecording', label: '$(debug-continue) Resume' }, stop];
  if (state === 'interrupted')
    return [{ command: 'sensevoice.finishTranscribing', label: '$(sync) Finish Transcribing' }];
  return [];
}
