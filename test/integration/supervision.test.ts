// Nothing stops silently: a stage whose consumer dies is subscribed again with backoff, counted
// in brygga_stage_restarts_total, and /health and /ready answer 503 naming it while it cannot
// consume.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, inject } from 'vitest';
import type { Bus, BusRecord, SubscribeOptions, Subscription } from '../../src/bus/bus.ts';
import { KafkaBus } from '../../src/bus/kafka.ts';
import { SupervisedBus } from '../../src/bus/supervised.ts';
import { HealthBoard } from '../../src/health.ts';
import { createMetrics, type Metrics } from '../../src/metrics.ts';
import type { RunningBrygga } from '../../src/main.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { testLogger } from '../support/logs.ts';
import { waitFor } from '../support/wait.ts';

/** A health board that also remembers every failure it was told of. */
class RecordingBoard extends HealthBoard {
  readonly failures: string[] = [];
  override failing(component: string, reason: string): void {
    this.failures.push(`${component}: ${reason}`);
    super.failing(component, reason);
  }
}

const restartsOf = async (metrics: Metrics, stage: string): Promise<number> =>
  (await metrics.stageRestarts.get()).values.find((v) => v.labels.stage === stage)?.value ?? 0;

const record = (key: string): BusRecord => ({ key, value: Buffer.from(key), headers: {} });

describe('supervised stages', () => {
  let running: { close(): Promise<void> } | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('a Kafka consumer evicted from its group (a handler past the session timeout) comes back and consumes on', async () => {
    const metrics = createMetrics();
    const health = new RecordingBoard(() => Date.now());
    const bus = new SupervisedBus(new KafkaBus({ brokers: inject('kafkaBrokers').split(','), clientId: 'brygga-supervision', logger: testLogger() }), {
      health, restarts: metrics.stageRestarts, logger: testLogger(), initialBackoffMs: 100,
    });
    running = bus;
    const topic = `supervision-${randomUUID().slice(0, 8)}`;
    const groupId = `${topic}-stage`;
    await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: -1 }]);
    const handled: string[] = [];
    await bus.subscribe({
      groupId,
      topics: [topic],
      handler: async (r) => {
        handled.push(r.key);
        // No heartbeat for longer than the 10 s session: the broker evicts the member, as a
        // delivery retried inside the handler did before deliveries got their own queue.
        if (handled.length === 1) await new Promise((resolve) => setTimeout(resolve, 13_000));
      },
    });
    await bus.publish(topic, [record('first')]);
    await waitFor(() => handled.length, (n) => n >= 1, 'the first record handled');
    await bus.publish(topic, [record('second')]);

    // kafkajs rejoins by itself once the late batch is done (its commit is not part of the batch,
    // src/bus/kafka-offsets.ts); had it given the consumer up, the supervisor would subscribe
    // again (next test). Either way the stage consumes on and ends healthy.
    await waitFor(() => handled, (h) => h.includes('second'), 'the record published while the consumer was evicted', 60_000);
    await waitFor(() => health.snapshot(), (s) => s.length === 1 && s[0]!.ok, 'the stage healthy');
    // At least once: the record whose commit the eviction refused is handled again.
    expect(handled.filter((k) => k === 'first').length).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('a stage whose consumer stops by itself is failing, counted and subscribed again, then consumes', async () => {
    const metrics = createMetrics();
    const health = new RecordingBoard(() => Date.now());
    const handled: string[] = [];
    const inner = new FlakyBus(() => false);
    const bus = new SupervisedBus(inner, { health, restarts: metrics.stageRestarts, logger: testLogger(), initialBackoffMs: 20 });
    running = bus;
    await bus.subscribe({ groupId: 'brygga-trace', topics: ['t'], handler: async (r) => void handled.push(r.key) });
    inner.endSubscriptions(new Error('evicted from the group'));
    await waitFor(() => health.failures, (f) => f.includes('brygga-trace: consumer stopped: evicted from the group'), 'the stage failing');
    await waitFor(() => restartsOf(metrics, 'brygga-trace'), (n) => n === 1, 'the restart counted');
    await waitFor(() => health.healthy, Boolean, 'the stage subscribed again');
    await inner.deliver('t', record('after'));
    expect(handled).toEqual(['after']);
  });

  it('a stage that cannot subscribe is failing until it can, then consumes', async () => {
    const metrics = createMetrics();
    const health = new RecordingBoard(() => Date.now());
    let refusals = 2;
    const handled: string[] = [];
    const inner = new FlakyBus(() => refusals-- > 0);
    const bus = new SupervisedBus(inner, { health, restarts: metrics.stageRestarts, logger: testLogger(), initialBackoffMs: 20 });
    running = bus;
    await bus.subscribe({ groupId: 'brygga-router', topics: ['t'], handler: async (r) => void handled.push(r.key) });
    expect(health.healthy).toBe(false);
    expect(health.snapshot()[0]).toMatchObject({ component: 'brygga-router', ok: false, reason: 'cannot consume: broker unreachable' });
    await waitFor(() => health.healthy, Boolean, 'the stage subscribed');
    await inner.deliver('t', record('after'));
    expect(handled).toEqual(['after']);
    expect(await restartsOf(metrics, 'brygga-router')).toBe(2);
  });

  describe('Brygga', () => {
    let lifecare: LifecareStandIn;
    let brygga: RunningBrygga | undefined;
    afterEach(async () => {
      await brygga?.stop();
      await lifecare.stop();
    });

    it('/health and /ready name each stage; 503 with the reason while the store cannot be read', async () => {
      lifecare = new LifecareStandIn();
      await lifecare.start();
      brygga = await startTestBrygga(testSettings('kafka+redis', lifecare.url));
      for (const path of ['/health', '/ready']) {
        const response = await fetch(`${brygga.url}${path}`);
        expect(response.status).toBe(200);
        const body = (await response.json()) as { status: string; components: { component: string; ok: boolean }[] };
        expect(body.status).toBe('ok');
        expect(body.components.map((c) => c.component)).toEqual(
          expect.arrayContaining(['brygga-router', 'brygga-delivery', 'brygga-trace', 'brygga-deadlines', 'delivery:lifecare']),
        );
      }
      await brygga.store.close();
      const down = await fetch(`${brygga.url}/health`);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { status: string }).status).toBe('unavailable');
    });
  });
});

/** A bus that refuses to subscribe while `refuse()` says so; records are handed over by hand. */
class FlakyBus implements Bus {
  private readonly handlers = new Map<string, SubscribeOptions['handler']>();
  constructor(private readonly refuse: () => boolean) {}
  async ensureTopics(): Promise<void> {}
  async publish(): Promise<void> {}
  async readAll(): Promise<void> {}
  async removedByRetention(): Promise<number> {
    return 0;
  }
  private readonly ends: Array<(reason: Error) => void> = [];
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.refuse()) throw new Error('broker unreachable');
    for (const topic of options.topics) this.handlers.set(topic, options.handler);
    const ended = new Promise<Error>((resolve) => this.ends.push(resolve));
    return { ended, stop: async () => void options.topics.forEach((t) => this.handlers.delete(t)) };
  }
  /** Every subscription so far stops by itself, as an evicted Kafka consumer that kafkajs gave up does. */
  endSubscriptions(reason: Error): void {
    for (const end of this.ends.splice(0)) end(reason);
  }
  async deliver(topic: string, r: BusRecord): Promise<void> {
    await this.handlers.get(topic)!({ ...r, topic, partition: 0, offset: '0', timestamp: Date.now() });
  }
  async close(): Promise<void> {}
}
