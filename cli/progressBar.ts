// Download progress on stderr: one line redrawn in place on a terminal; on a pipe or a log file,
// a plain line when the step changes, at every 10 %, and at least every `periodMs`.
import { bytesText } from '../common/units';

export interface BarStream {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface BarUpdate {
  bytes?: number;
  total?: number;
  fraction?: number;
  message?: string;
}

export class ProgressBar {
  private samples: { at: number; bytes: number }[] = [];
  private lastDraw = 0;
  private lastLine = { at: 0, message: '', step: -1 };
  private drawn = false;

  constructor(
    private readonly out: BarStream,
    private readonly now: () => number = () => Date.now(),
    private readonly periodMs = 15_000,
  ) {}

  update(p: BarUpdate): void {
    const t = this.now();
    const message = p.message ?? '';
    if (p.bytes !== undefined) {
      this.samples.push({ at: t, bytes: p.bytes });
      while (this.samples.length > 2 && t - this.samples[0]!.at > 5000) this.samples.shift();
    }
    const fraction = p.fraction ?? (p.total ? (p.bytes ?? 0) / p.total : undefined);
    if (this.out.isTTY) {
      const final = fraction !== undefined && fraction >= 1;
      if (!final && t - this.lastDraw < 100 && message === this.lastLine.message) return;
      this.lastDraw = t;
      this.lastLine.message = message;
      this.out.write(`\r${this.ttyLine(message, p, fraction)}\x1b[K`);
      this.drawn = true;
      return;
    }
    const step = fraction === undefined ? -1 : Math.floor(fraction * 10);
    if (message === this.lastLine.message && step === this.lastLine.step && t - this.lastLine.at < this.periodMs)
      return;
    this.lastLine = { at: t, message, step };
    this.out.write(`${this.plainLine(message, p, fraction)}\n`);
  }

  /** Ends the bar: a terminal gets its line cleared for what follows. */
  done(): void {
    if (this.out.isTTY && this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  /** Bytes per second over the last few seconds, once there is enough to tell. */
  rate(): number | undefined {
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    if (!a || !b || b.at - a.at < 500) return undefined;
    return ((b.bytes - a.bytes) * 1000) / (b.at - a.at);
  }

  private amounts(p: BarUpdate): string {
    if (p.bytes === undefined) return '';
    return p.total ? `${bytesText(p.bytes)} / ${bytesText(p.total)}` : bytesText(p.bytes);
  }

  private ttyLine(message: string, p: BarUpdate, fraction: number | undefined): string {
    const width = Math.max(40, (this.out.columns ?? 80) - 1);
    const rate = this.rate();
    const eta = rate && p.total && p.bytes !== undefined && rate > 0 ? ` ETA ${clock((p.total - p.bytes) / rate)}` : '';
    const tail = [
      fraction !== undefined ? `${(fraction * 100).toFixed(0).padStart(3)}%` : '',
      this.amounts(p),
      rate ? `${bytesText(rate)}/s${eta}` : '',
    ]
      .filter(Boolean)
      .join('  ');
    // The label keeps its words where it can; the bar gives way first (30 wide at most, 10 at least).
    const barWidth = fraction !== undefined ? Math.min(30, Math.max(10, width - tail.length - message.length - 5)) : 0;
    const filled = Math.round((fraction ?? 0) * barWidth);
    const bar = barWidth
      ? ` [${'='.repeat(Math.max(0, filled - 1))}${filled ? (filled === barWidth ? '=' : '>') : ''}${' '.repeat(barWidth - filled)}]`
      : '';
    const room = width - tail.length - bar.length - 2;
    const label = message.length > room ? message.slice(0, Math.max(0, room - 1)) + '…' : message;
    return `${label}${bar}  ${tail}`;
  }

  private plainLine(message: string, p: BarUpdate, fraction: number | undefined): string {
    const rate = this.rate();
    const parts = [this.amounts(p), rate ? `${bytesText(rate)}/s` : ''].filter(Boolean).join(', ');
    return `${message}${fraction !== undefined ? `: ${(fraction * 100).toFixed(0)}%` : ''}${parts ? ` (${parts})` : ''}`;
  }
}

function clock(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}
