// How many unexpected daemon exits are restarted automatically: `maxRestarts` within `windowMs`,
// then the extension stops and asks the user (vscode-eslint and rust-analyzer do the same).

export interface CrashBudgetOptions {
  maxRestarts: number;
  windowMs: number;
  now?: () => number;
}

export class CrashBudget {
  private crashes: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: CrashBudgetOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Records a crash; true when a restart is still within the budget. */
  recordCrash(): boolean {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.options.windowMs);
    this.crashes.push(t);
    return this.crashes.length <= this.options.maxRestarts;
  }

  /** Crashes counted in the current window. */
  get recent(): number {
    const t = this.now();
    return this.crashes.filter((c) => t - c < this.options.windowMs).length;
  }

  /** A restart the user asked for starts a fresh budget. */
  reset(): void {
    this.crashes = [];
  }
}

export const DEFAULT_CRASH_BUDGET = { maxRestarts: 3, windowMs: 3 * 60_000 };
