// Turns the daemon's `$/progress` (bytes so far, total) into what `withProgress` wants: increments
// of a 0..100 bar and a message with the amounts. No vscode import, so it is unit-tested.
import type { ProgressParams } from '../../common/protocol';

export interface ProgressStep {
  /** Percent to add to the bar (withProgress adds increments up). */
  increment?: number;
  message: string;
}

export class DownloadProgress {
  private reported = 0;

  next(p: ProgressParams): ProgressStep {
    const fraction = p.fraction ?? (p.total ? (p.bytes ?? 0) / p.total : undefined);
    const amounts = p.bytes === undefined ? '' : p.total ? ` — ${mb(p.bytes)} of ${mb(p.total)}` : ` — ${mb(p.bytes)}`;
    const message = `${p.message ?? ''}${amounts}`;
    if (fraction === undefined) return { message };
    const percent = Math.max(0, Math.min(100, fraction * 100));
    const increment = percent - this.reported;
    // The bar never runs backwards: a restarted file (server ignored the Range) only holds it still.
    if (increment <= 0) return { message };
    this.reported = percent;
    return { increment, message };
  }
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 * 1024
    ? `${(bytes / 1024 ** 3).toFixed(2)} GB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
