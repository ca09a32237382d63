/**
 * Wakes the outbox sender as soon as mail is queued, instead of at its next poll: a
 * customer's acknowledgement should leave within the SMTP round trip, not wait for a
 * timer. A ring while the sender is busy is kept, so the pass after it starts at once.
 * The poll stays as the safety net (mail queued by another process on SQLite, a
 * missed notification).
 */
export class OutboxBell {
  private rung = false;
  private wake: (() => void) | null = null;

  ring(): void {
    this.rung = true;
    this.wake?.();
  }

  /** Resolves after `ms`, when rung (at once if rung since the last wait), or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = null;
        this.rung = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
      if (this.rung || signal.aborted) done();
    });
  }
}
