// Tokens sent by clients with long requests, mapped to AbortControllers so `$/cancel` can stop them.

export class CancellationRegistry {
  private readonly controllers = new Map<string, AbortController>();
  /** Cancels that arrived before their request registered its token (both can come in one read). */
  private readonly early = new Set<string>();
  /** Requests without a token: `$/cancel` cannot reach them, but cancelAll (the client left) must. */
  private readonly untokened = new Set<AbortController>();

  /** Runs `work` with a signal that `$/cancel` for `token` aborts; without a token, one that only cancelAll aborts. */
  async run<T>(token: string | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (token === undefined) {
      this.untokened.add(controller);
      try {
        return await work(controller.signal);
      } finally {
        this.untokened.delete(controller);
      }
    }
    if (this.early.delete(token)) controller.abort();
    this.controllers.get(token)?.abort();
    this.controllers.set(token, controller);
    try {
      return await work(controller.signal);
    } finally {
      if (this.controllers.get(token) === controller) this.controllers.delete(token);
    }
  }

  cancel(token: string): boolean {
    const c = this.controllers.get(token);
    if (!c) {
      this.early.add(token);
      // Tokens that never come are forgotten, oldest first.
      if (this.early.size > 1024) this.early.delete(this.early.values().next().value as string);
      return false;
    }
    c.abort();
    return true;
  }

  cancelAll(): void {
    for (const c of this.controllers.values()) c.abort();
    for (const c of this.untokened) c.abort();
  }

  /** Requests running, with a token or without. */
  get size(): number {
    return this.controllers.size + this.untokened.size;
  }
}
