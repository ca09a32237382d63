/**
 * A part of the daemon's work done every so often, and on demand (`start --once`):
 * passes never overlap (a pass asked for while one runs waits for it), and a pass that
 * fails is told to `onError` and tried again at the next tick.
 */
export class PeriodicPass<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly everyMs: number,
    private readonly pass: () => Promise<T>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.run().catch(this.onError), this.everyMs);
  }

  /** Stops the ticks and waits for the pass in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running.catch(() => undefined);
  }

  run(): Promise<T> {
    const pass = this.running.catch(() => undefined).then(() => this.pass());
    this.running = pass;
    return pass;
  }
}
