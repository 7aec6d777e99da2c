// The notice a window shows when another window or a `sensevoice` command changes the shared engine
// (its model, or the daemon-wide batching): the rule is "the last to ask wins", and this is where a
// window learns it lost. Pure (no vscode import) so the wording and the throttle are unit-tested.
import path from 'node:path';
import type { EngineChangedParams } from '../common/protocol';
import { providerLabel } from '../common/providerLabels';

/** Clients name themselves at `initialize`: `cli`, `vscode 1.99.0`, `bench-window-2`… */
function who(by: string): string {
  if (by === 'cli') return 'A sensevoice command';
  if (by.startsWith('vscode')) return 'Another VS Code window';
  return `Another client (${by})`;
}

export function engineChangedText(p: EngineChangedParams): string {
  if (p.change === 'model' && p.model) {
    const threads = p.model.threads > 0 ? `, ${p.model.threads} threads` : '';
    return (
      `SenseVoice: ${who(p.by)} loaded the model in ${path.basename(p.model.path)} on ${providerLabel(p.model.provider)}${threads} ` +
      `in the shared engine. This window's next transcription loads its own model again (the last to ask wins).`
    );
  }
  return (
    `SenseVoice: ${who(p.by)} set the shared engine to batches of ${p.batchSize ?? '?'} and ${p.concurrency ?? '?'} file(s) at once; ` +
    `these apply to every window (the last to send them wins).`
  );
}

/** Shows at most one notice per kind of change in `quietMs`, so a busy neighbour does not flood a window. */
export class EngineNotice {
  private last = new Map<string, number>();

  constructor(
    private readonly show: (text: string) => void,
    private readonly quietMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  changed(p: EngineChangedParams): void {
    const t = this.now();
    const prev = this.last.get(p.change);
    if (prev !== undefined && t - prev < this.quietMs) return;
    this.last.set(p.change, t);
    this.show(engineChangedText(p));
  }
}
