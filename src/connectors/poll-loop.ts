// The loop of a connector that fetches by itself (a folder, a mailbox): one look, then a wait of
// the interval, until stopped. A failing look is logged once per kind of failure, not once per
// poll, and its recovery once; the next look simply tries again.
import type { Logger } from 'pino';

export interface PollLoopOptions {
  intervalMs: number;
  /** One look; it should return early once `stopping()` says so. */
  pollOnce: () => Promise<void>;
  /** Why a look failed, for an operator (no personal data, no secrets). */
  reasonOf: (error: unknown) => string;
  logger: Logger;
  /** Log fields naming the source, e.g. `{ system: 'mail' }`. */
  source: Record<string, string>;
  /** What is polled, in log lines: "mailbox", "file exchange". */
  what: string;
}

export class PollLoop {
  private running = false;
  private stopRequested = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastFailure?: string;

  constructor(private readonly options: PollLoopOptions) {}

  /** True once stop() was called: a look in progress finishes the item in hand and returns. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopRequested = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopRequested = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { intervalMs, pollOnce, reasonOf, logger, source, what } = this.options;
    while (this.running) {
      try {
        await pollOnce();
        if (this.lastFailure) logger.info(source, `${what} reachable again`);
        this.lastFailure = undefined;
      } catch (error) {
        const reason = reasonOf(error);
        if (reason !== this.lastFailure) logger.warn({ ...source, err: { type: (error as Error).name, message: reason } }, `${what} poll failed; trying again`);
        this.lastFailure = reason;
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
