// Keeps every consumer of a stage alive: a subscription whose consumer stops by itself (evicted
// from its group, a fatal client error) or cannot start is subscribed again with backoff, and the
// stage's condition is on the health board meanwhile, so /health tells the truth. Wraps any Bus.
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import type { HealthBoard } from '../health.ts';
import type { Bus, BusRecord, ConsumedRecord, SubscribeOptions, Subscription, TopicSpec } from './bus.ts';
import { abortableSleep } from './sleep.ts';

export interface SupervisionOptions {
  health: HealthBoard;
  /** Counts restarts by stage (the consumer group). */
  restarts: Counter<'stage'>;
  logger: Logger;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export class SupervisedBus implements Bus {
  private readonly stages = new Set<SupervisedStage>();

  constructor(
    private readonly inner: Bus,
    private readonly options: SupervisionOptions,
  ) {}

  ensureTopics(topics: TopicSpec[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  publish(topic: string, records: BusRecord[]): Promise<void> {
    return this.inner.publish(topic, records);
  }

  removedByRetention(topic: string): Promise<number> {
    return this.inner.removedByRetention(topic);
  }

  readAll(topic: string, visit: (record: ConsumedRecord) => Promise<void> | void): Promise<void> {
    return this.inner.readAll(topic, visit);
  }

  /** Resolves after the first attempt to subscribe, whether it consumes yet or is being retried. */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const stage = new SupervisedStage(this.inner, options, this.options);
    this.stages.add(stage);
    await stage.started;
    return {
      ended: new Promise(() => {}),
      stop: async () => {
        await stage.stop();
        this.stages.delete(stage);
      },
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.stages].map((s) => s.stop()));
    await this.inner.close();
  }
}

class SupervisedStage {
  readonly started: Promise<void>;
  private readonly stopping = new AbortController();
  private current?: Subscription;
  private readonly loop: Promise<void>;
  private readonly name: string;

  constructor(
    private readonly inner: Bus,
    private readonly options: SubscribeOptions,
    private readonly supervision: SupervisionOptions,
  ) {
    this.name = options.groupId;
    supervision.health.failing(this.name, 'joining its consumer group');
    let started!: () => void;
    this.started = new Promise((resolve) => (started = resolve));
    this.loop = this.run(started);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.current?.stop();
    this.supervision.health.remove(this.name);
  }

  private async run(started: () => void): Promise<void> {
    const { health, restarts, logger } = this.supervision;
    const initial = this.supervision.initialBackoffMs ?? 500;
    const max = this.supervision.maxBackoffMs ?? 30_000;
    const stopped = new Promise<void>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
    for (let delay = initial; !this.stopping.signal.aborted; delay = Math.min(delay * 2, max)) {
      try {
        this.current = await this.inner.subscribe(this.options);
        health.ok(this.name);
        started();
        delay = initial;
        const reason = await Promise.race([this.current.ended, stopped]);
        if (!reason) return;
        health.failing(this.name, `consumer stopped: ${reason.message}`);
        logger.error({ stage: this.name, err: reason }, 'stage consumer stopped; subscribing again');
        await this.current.stop().catch(() => {});
        this.current = undefined;
      } catch (error) {
        health.failing(this.name, `cannot consume: ${(error as Error).message}`);
        logger.error({ stage: this.name, err: error, retryInMs: delay }, 'stage cannot subscribe; trying again');
        started();
      }
      await abortableSleep(delay, this.stopping.signal);
      if (!this.stopping.signal.aborted) restarts.inc({ stage: this.name });
    }
  }
}
