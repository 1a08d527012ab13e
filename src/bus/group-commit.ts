// Group commit: whatever is handed in while a write is under way goes out together in the next
// one, so concurrent publishes share one fsync (embedded) or one produce request (Kafka), and
// each caller still resolves only once its own items are durable.

interface Waiting<T> {
  items: T[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T> {
  private waiting: Waiting<T>[] = [];
  private writing?: Promise<void>;

  /**
   * @param write makes a group durable; one call at a time.
   * @param lingerMs how long the first item of a group waits for company (0: the next turn of
   *   the event loop, so publishes of one tick share a write).
   */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly lingerMs = 0,
  ) {}

  add(items: T[]): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ items, resolve, reject }));
    this.writing ??= this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      await new Promise((resolve) => (this.lingerMs > 0 ? setTimeout(resolve, this.lingerMs) : setImmediate(resolve)));
      const group = this.waiting;
      this.waiting = [];
      try {
        await this.write(group.flatMap((w) => w.items));
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.writing = undefined;
  }
}
