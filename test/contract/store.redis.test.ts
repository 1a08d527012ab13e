import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { redisKeys } from '../../src/store/redis/keys.ts';
import { RedisStore } from '../../src/store/redis/redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { deadline, storeContract } from './store.contract.ts';

const url = inject('redisUrl');
const prefixes = new Set<string>();
const prefixOf = new WeakMap<Store, string>();

function newPrefix(): string {
  const prefix = `brygga-test-${randomUUID().slice(0, 8)}:`;
  prefixes.add(prefix);
  return prefix;
}

function storeOn(prefix: string, redis: string | Redis = url): RedisStore {
  const store = new RedisStore({ redis, prefix });
  prefixOf.set(store, prefix);
  return store;
}

let admin: Redis;
beforeAll(() => {
  admin = new Redis(url);
});
afterAll(async () => {
  for (const prefix of prefixes) {
    for await (const keys of admin.scanStream({ match: `${prefix}*`, count: 1_000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await admin.unlink(...keys);
    }
  }
  await admin.quit();
});

storeContract(
  'redis',
  async () => storeOn(newPrefix()),
  async (store) => {
    await store.close();
    return storeOn(prefixOf.get(store)!);
  },
);

describe('RedisStore', () => {
  const T0 = Date.UTC(2025, 2, 3, 8);

  async function openDue(store: Store, count: number): Promise<string[]> {
    const ds = Array.from({ length: count }, (_, i) => deadline({ dueAt: T0 + (i % 97) }));
    for (let i = 0; i < ds.length; i += 200) await Promise.all(ds.slice(i, i + 200).map((d) => store.openDeadline(d)));
    return ds.map((d) => `${d.id}|due`);
  }

  it('two instances on two connections racing over 2,000 due deadlines claim disjoint sets covering all', async () => {
    const prefix = newPrefix();
    const [a, b] = [storeOn(prefix), storeOn(prefix)];
    try {
      const expected = await openDue(a, 2_000);
      const sweep = async (store: Store): Promise<string[]> => {
        const mine: string[] = [];
        for (;;) {
          const batch = await store.claimDue(T0 + 1_000, 37, 60_000);
          if (batch.length === 0) return mine;
          mine.push(...batch.map((t) => `${t.deadline.id}|${t.phase}`));
        }
      };
      const [fromA, fromB] = await Promise.all([sweep(a), sweep(b)]);
      expect(fromA.length).toBeGreaterThan(0);
      expect(fromB.length).toBeGreaterThan(0);
      const setA = new Set(fromA);
      expect(setA.size).toBe(fromA.length);
      expect(fromB.filter((m) => setA.has(m))).toEqual([]);
      expect(new Set([...fromA, ...fromB])).toEqual(new Set(expected));
    } finally {
      await a.clearDeadlines();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a lease expiry hands the timer to the other instance', async () => {
    const prefix = newPrefix();
    const [a, b] = [storeOn(prefix), storeOn(prefix)];
    try {
      const d = deadline({ dueAt: T0 });
      await a.openDeadline(d);
      expect(await a.claimDue(T0, 10, 1_000)).toHaveLength(1);
      expect(await b.claimDue(T0 + 999, 10, 1_000)).toEqual([]);
      expect((await b.claimDue(T0 + 1_000, 10, 1_000)).map((t) => t.deadline.id)).toEqual([d.id]);
      expect(await b.completeTimer(d.id, 'due', T0 + 1_001)).toBe(true);
      expect(await a.completeTimer(d.id, 'due', T0 + 1_002)).toBe(false);
    } finally {
      await a.clearDeadlines();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('shares a caller-owned client between prefixes without mixing them, and leaves it open', async () => {
    const client = new Redis(url);
    const [p1, p2] = [newPrefix(), newPrefix()];
    const [one, two] = [storeOn(p1, client), storeOn(p2, client)];
    try {
      const d = deadline();
      await one.openDeadline(d);
      await one.set('k', 'one');
      await two.openDeadline(deadline());
      await one.clearDeadlines();
      expect(await one.countDeadlines('open')).toBe(0);
      expect(await two.countDeadlines('open')).toBe(1);
      expect(await one.get('k')).toBe('one');
      expect(await two.get('k')).toBeUndefined();
      await one.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await two.clearDeadlines();
      await two.close();
      await client.quit();
    }
  });

  it('keeps a deadline small: one listpack hash, and every deadline key in one cluster slot', async () => {
    const prefix = newPrefix();
    const store = storeOn(prefix);
    try {
      const d = deadline({ orderId: 'ORD-2025-000123', kind: 'kvittens', warnAt: T0 + 2 * 86_400_000, dueAt: T0 + 3 * 86_400_000 });
      d.id = `${d.orderId}:${d.kind}`;
      await store.openDeadline(d);
      const keys = redisKeys(prefix);
      expect(await admin.object('ENCODING', keys.deadline(d.id))).toBe('listpack');
      expect(await admin.memory('USAGE', keys.deadline(d.id))).toBeLessThan(300);
      const tags = [keys.deadline(d.id), keys.status('open'), keys.order(d.orderId), keys.timers, keys.leases, keys.deadlinePrefix].map(
        (k) => /\{([^}]+)\}/.exec(k)?.[1],
      );
      expect(new Set(tags)).toEqual(new Set(['dl']));
    } finally {
      await store.clearDeadlines();
      await store.close();
    }
  });
});
