// R-KVITTENS-3VD: two deadline-service instances on one Redis fire each of 10,000 due deadlines
// exactly once: one breach event per deadline on the bus, every deadline breached.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { TOPICS, EVENT_TYPES } from '../../src/canonical/event-types.ts';
import { ManualClock } from '../../src/clock.ts';
import { RedisStore } from '../../src/store/redis/redis-store.ts';
import { deadlineServiceOn } from '../support/deadline-service.ts';
import { testLogger } from '../support/logs.ts';

const COUNT = 10_000;

describe('two deadline-service instances on one Redis', () => {
  const prefix = `scale-${randomUUID().slice(0, 8)}:`;
  const stores = [new RedisStore({ redis: inject('redisUrl'), prefix }), new RedisStore({ redis: inject('redisUrl'), prefix })];
  const bus = new EmbeddedBus({ dataDir: mkdtempSync(join(tmpdir(), 'brygga-scale-')), logger: testLogger() });

  afterAll(async () => {
    await stores[0]!.clearDeadlines();
    await Promise.all(stores.map((s) => s.close()));
    await bus.close();
  });

  it(`fire each of ${COUNT} due deadlines exactly once`, async () => {
    await bus.ensureTopics([{ name: TOPICS.deadlineEvents, partitions: 1, retentionMs: -1 }]);
    const now = Date.parse('2026-11-27T00:00:00+01:00');
    for (let i = 0; i < COUNT; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, COUNT - i) }, (_, j) =>
          stores[0]!.openDeadline({ id: `ord-scale-${i + j}:kvittens`, orderId: `ord-scale-${i + j}`, kind: 'kvittens', rule: 'R-KVITTENS-3VD', openedAt: now - 86_400_000 * 4, dueAt: now - (i + j), context: {} }),
        ),
      );
    }
    const clock = new ManualClock(now);
    const services = stores.map((store) => deadlineServiceOn(bus, store, clock));
    const fired = await Promise.all(services.map((s) => s.sweep()));
    expect(fired[0]! + fired[1]!).toBe(COUNT);
    expect(fired.every((n) => n > 0)).toBe(true);

    const breaches: string[] = [];
    await bus.readAll(TOPICS.deadlineEvents, (r) => {
      if (r.headers.ce_type === EVENT_TYPES.deadlineBreached) breaches.push(r.headers.ce_subject!);
    });
    expect(breaches).toHaveLength(COUNT);
    expect(new Set(breaches).size).toBe(COUNT);
    expect(await stores[1]!.countDeadlines('breached')).toBe(COUNT);
    expect(await stores[1]!.countDeadlines('open')).toBe(0);
    expect(await Promise.all(services.map((s) => s.sweep()))).toEqual([0, 0]);
  });
});
