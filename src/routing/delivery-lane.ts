// One receiving system's lane: claims the deliveries due for an attempt from that system's durable
// queue and makes at most `concurrency` attempts at once. A slow or unreachable system fills only
// its own lane; nothing waits inside a bus handler.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { HealthBoard } from '../health.ts';
import type { ScheduledTask, TaskStore } from '../store/store.ts';
import { deliveryQueueOf } from './delivery-queue.ts';

export interface LanePolicy {
  /** Attempts under way at once, per system. */
  concurrency: number;
  /** How long a claimed delivery is held before another instance may take it (it must exceed an attempt's timeout). */
  leaseMs: number;
  /** How often the queue is looked at when nothing woke the lane. */
  pollIntervalMs: number;
}

export interface DeliveryLaneDeps {
  system: string;
  store: TaskStore;
  clock: Clock;
  policy: LanePolicy;
  health: HealthBoard;
  logger: Logger;
  /** Makes one attempt of a claimed delivery and records its outcome. */
  attempt: (task: ScheduledTask) => Promise<void>;
}

export class DeliveryLane {
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;
  private woken = false;
  private waiter?: () => void;
  private loop?: Promise<void>;
  readonly component: string;

  constructor(private readonly deps: DeliveryLaneDeps) {
    this.component = `delivery:${deps.system}`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Looks at the queue now (a delivery was queued, or an attempt finished). */
  wake(): void {
    this.woken = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Stops claiming and waits for the attempts under way (each bounded by its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inflight]);
    this.deps.health.remove(this.component);
  }

  private async run(): Promise<void> {
    const { store, clock, policy, health, logger, system } = this.deps;
    const queue = deliveryQueueOf(system);
    while (!this.stopped) {
      this.woken = false;
      const free = policy.concurrency - this.inflight.size;
      let claimed: ScheduledTask[] = [];
      if (free > 0) {
        try {
          claimed = await store.claimTasks(queue, clock.now(), free, policy.leaseMs);
          health.ok(this.component);
        } catch (error) {
          health.failing(this.component, `cannot claim deliveries from the store: ${(error as Error).message}`);
          logger.error({ err: error, system }, 'claiming deliveries failed; trying again');
        }
      }
      for (const task of claimed) this.track(task);
      if (claimed.length > 0 && claimed.length === free) continue;
      await this.idle(policy.pollIntervalMs);
    }
  }

  /** Waits up to `ms`, or less when woken meanwhile. */
  private idle(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiter = done;
    });
  }

  private track(task: ScheduledTask): void {
    const { health, logger, system } = this.deps;
    const running: Promise<void> = this.deps
      .attempt(task)
      .catch((error: unknown) => {
        // The outcome could not be recorded (store or bus down): the lease runs out and the
        // delivery is attempted again, under the same delivery id.
        health.failing(this.component, `cannot record a delivery outcome: ${(error as Error).message}`);
        logger.error({ err: error, system, deliveryId: task.id }, 'recording a delivery outcome failed; it is attempted again after its lease');
      })
      .finally(() => {
        this.inflight.delete(running);
        this.wake();
      });
    this.inflight.add(running);
  }
}
