// The behaviour every Bus adapter owes Brygga, run against each adapter by the *.test.ts files.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Bus, BusRecord, ConsumedRecord, Subscription } from '../../src/bus/bus.ts';

const WAIT = { timeout: 30_000, interval: 50 };
/** How long to watch for records that must not arrive. */
const QUIET_MS = 1_500;

export function busContract(name: string, makeBus: () => Promise<Bus>): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    const subscriptions: Subscription[] = [];

    beforeAll(async () => {
      bus = await makeBus();
    });
    afterAll(async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await bus?.close();
    });

    async function topic(label: string, partitions = 1): Promise<string> {
      const name = `contract.${label}.${randomUUID().slice(0, 8)}`;
      await bus.ensureTopics([{ name, partitions, retentionMs: -1 }]);
      return name;
    }

    async function consume(
      topics: string[],
      groupId: string,
      options: { fromBeginning?: boolean; handler?: (r: ConsumedRecord) => Promise<void> } = {},
    ): Promise<{ seen: ConsumedRecord[]; subscription: Subscription }> {
      const seen: ConsumedRecord[] = [];
      const subscription = await bus.subscribe({
        groupId,
        topics,
        fromBeginning: options.fromBeginning,
        handler: async (record) => {
          await options.handler?.(record);
          seen.push(record);
        },
      });
      subscriptions.push(subscription);
      return { seen, subscription };
    }

    it('ensureTopics creates missing topics and leaves existing ones alone', async () => {
      const a = await topic('ensure');
      await bus.publish(a, [record('k', 0)]);
      const b = `contract.ensure.${randomUUID().slice(0, 8)}`;
      await bus.ensureTopics([
        { name: a, partitions: 1, retentionMs: -1 },
        { name: b, partitions: 1, retentionMs: 60_000 },
      ]);
      await bus.ensureTopics([{ name: b, partitions: 1, retentionMs: 60_000 }]);
      expect(await readAll(bus, a)).toHaveLength(1);
      expect(await readAll(bus, b)).toHaveLength(0);
    });

    it('delivers key, value bytes and headers intact, in order per key', async () => {
      const t = await topic('order', 2);
      const sent = ['a', 'b', 'c'].flatMap((key) => [0, 1, 2, 3].map((i) => record(key, i)));
      await bus.publish(t, interleave(sent));
      await bus.publish(t, [record('a', 4), record('b', 4)]);
      const { seen } = await consume([t], group());
      await vi.waitFor(() => expect(seen).toHaveLength(14), WAIT);

      for (const key of ['a', 'b', 'c']) {
        const mine = seen.filter((r) => r.key === key);
        expect(mine.map((r) => r.headers.seq)).toEqual(mine.map((_, i) => String(i)));
        expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
        expect([0, 1]).toContain(mine[0]!.partition);
        for (const r of mine) {
          const expected = record(key, Number(r.headers.seq));
          expect(r.value.equals(expected.value)).toBe(true);
          expect(r.headers).toEqual(expected.headers);
          expect(r.topic).toBe(t);
          expect(BigInt(r.offset) >= 0n).toBe(true);
          expect(r.timestamp).toBeGreaterThan(Date.now() - 600_000);
        }
      }
    });

    it('takes a record as large as its topic was created for (maxRecordBytes)', async () => {
      const t = `contract.large.${randomUUID().slice(0, 8)}`;
      await bus.ensureTopics([{ name: t, partitions: 1, retentionMs: -1, maxRecordBytes: 4 * 1024 * 1024 }]);
      const large = { ...record('big', 0), value: Buffer.alloc(3 * 1024 * 1024, 0xa5) };
      await bus.publish(t, [large]);
      const { seen } = await consume([t], group());
      await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT);
      expect(seen[0]!.value.equals(large.value)).toBe(true);
    });

    it('publishes adding up to more than a topic takes in one batch (1 MiB on Kafka) all arrive, in order', async () => {
      const t = await topic('many');
      // 600 records of 4 KiB from three callers at once: one group of 2.4 MiB for the adapter.
      const many = Array.from({ length: 600 }, (_, i) => ({ ...record('many', i), value: Buffer.alloc(4096, i % 256) }));
      await Promise.all([0, 1, 2].map((n) => bus.publish(t, many.slice(n * 200, n * 200 + 200))));
      const { seen } = await consume([t], group());
      await vi.waitFor(() => expect(seen).toHaveLength(600), WAIT);
      const seqs = seen.map((r) => Number(r.headers.seq));
      for (const n of [0, 1, 2]) {
        const mine = seqs.filter((s) => s >= n * 200 && s < n * 200 + 200);
        expect(mine).toEqual(Array.from({ length: 200 }, (_, i) => n * 200 + i));
      }
    });

    it('redelivers a record whose handler failed, before any later record', async () => {
      const t = await topic('retry');
      await bus.publish(t, [0, 1, 2, 3].map((i) => record('k', i)));
      const attempts: string[] = [];
      let failed = false;
      const { seen } = await consume([t], group(), {
        handler: async (r) => {
          attempts.push(r.headers.seq!);
          if (r.headers.seq === '1' && !failed) {
            failed = true;
            throw new Error('transient');
          }
        },
      });
      await vi.waitFor(() => expect(seen).toHaveLength(4), WAIT);
      expect(attempts).toEqual(['0', '1', '1', '2', '3']);
      expect(seen.map((r) => r.headers.seq)).toEqual(['0', '1', '2', '3']);
    });

    it('hands records of different keys over concurrently, one key strictly in order (a batch)', async () => {
      const t = await topic('batch');
      const keys = Array.from({ length: 8 }, (_, i) => `order-${i}`);
      await bus.publish(t, interleave(keys.flatMap((key) => Array.from({ length: 10 }, (_, i) => record(key, i)))));
      const active = new Map<string, number>();
      let running = 0;
      let mostAtOnce = 0;
      let sameKeyOverlap = false;
      const { seen } = await consume([t], group(), {
        handler: async (r) => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          if ((active.get(r.key) ?? 0) > 0) sameKeyOverlap = true;
          active.set(r.key, (active.get(r.key) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 5));
          active.set(r.key, active.get(r.key)! - 1);
          running--;
        },
      });
      await vi.waitFor(() => expect(seen).toHaveLength(80), WAIT);
      for (const key of keys) expect(seen.filter((r) => r.key === key).map((r) => r.headers.seq)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
      expect(sameKeyOverlap).toBe(false);
      expect(mostAtOnce).toBeGreaterThan(1);
    });

    it('a failing record holds back its own key only, and its batch commits once it succeeds', async () => {
      const t = await topic('hold');
      await bus.publish(t, [record('a', 0), ...[0, 1, 2, 3].map((i) => record('b', i)), record('a', 1)]);
      const g = group();
      let failures = 0;
      const first = await consume([t], g, {
        handler: async (r) => {
          if (r.key === 'a' && r.headers.seq === '0' && failures < 2) {
            failures++;
            throw new Error('transient');
          }
        },
      });
      await vi.waitFor(() => expect(first.seen).toHaveLength(6), WAIT);
      const order = first.seen.map((r) => `${r.key}${r.headers.seq}`);
      expect(order.indexOf('b3')).toBeLessThan(order.indexOf('a0'));
      expect(order.indexOf('a0')).toBeLessThan(order.indexOf('a1'));
      await first.subscription.stop();

      const again = await consume([t], g);
      await bus.publish(t, [record('c', 0)]);
      await vi.waitFor(() => expect(again.seen).toHaveLength(1), WAIT);
      await sleep(QUIET_MS);
      expect(again.seen.map((r) => `${r.key}${r.headers.seq}`)).toEqual(['c0']);
    });

    it('resumes a group from its committed offsets; a new group reads from the beginning', async () => {
      const t = await topic('commit');
      const g = group();
      await bus.publish(t, [0, 1, 2].map((i) => record('k', i)));
      const first = await consume([t], g);
      await vi.waitFor(() => expect(first.seen).toHaveLength(3), WAIT);
      await first.subscription.stop();

      await bus.publish(t, [3, 4].map((i) => record('k', i)));
      const again = await consume([t], g);
      await vi.waitFor(() => expect(again.seen).toHaveLength(2), WAIT);
      await sleep(QUIET_MS);
      expect(again.seen.map((r) => r.headers.seq)).toEqual(['3', '4']);

      const fresh = await consume([t], group(), { fromBeginning: true });
      await vi.waitFor(() => expect(fresh.seen).toHaveLength(5), WAIT);
      expect(fresh.seen.map((r) => r.headers.seq)).toEqual(['0', '1', '2', '3', '4']);
    });

    it('starts a new group at the end when fromBeginning is false', async () => {
      const t = await topic('latest');
      await bus.publish(t, [record('k', 0)]);
      const { seen } = await consume([t], group(), { fromBeginning: false });
      await bus.publish(t, [record('k', 1)]);
      await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT);
      await sleep(QUIET_MS);
      expect(seen.map((r) => r.headers.seq)).toEqual(['1']);
    });

    it('readAll returns every record up to the end, in order per partition', async () => {
      const empty = await topic('readall-empty', 2);
      expect(await readAll(bus, empty)).toEqual([]);

      const t = await topic('readall', 3);
      const keys = ['a', 'b', 'c', 'd'];
      const sent = keys.flatMap((key) => [0, 1, 2, 3, 4].map((i) => record(key, i)));
      await bus.publish(t, interleave(sent));
      const read = await readAll(bus, t);
      expect(read).toHaveLength(sent.length);
      for (const key of keys) {
        expect(read.filter((r) => r.key === key).map((r) => r.headers.seq)).toEqual(['0', '1', '2', '3', '4']);
      }
      for (const records of groupBy(read, (r) => String(r.partition)).values()) {
        const offsets = records.map((r) => Number(r.offset));
        expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
      }
    });

    // Kafka removes whole segments on the broker's schedule, so here it usually removes nothing
    // yet; the embedded bus trims on append. Either way what is kept is the newest, contiguous,
    // with stable offsets, and the head removed is what removedByRetention counts.
    it('a topic with retention keeps the newest records contiguous and counts what it removed', async () => {
      const t = `contract.retention.${randomUUID().slice(0, 8)}`;
      await bus.ensureTopics([{ name: t, partitions: 1, retentionMs: 3_600_000, retentionBytes: 4096 }]);
      for (let i = 0; i < 40; i++) await bus.publish(t, [record('k', i)]);
      await vi.waitFor(async () => {
        const removed = await bus.removedByRetention(t);
        const read = await readAll(bus, t);
        expect(await bus.removedByRetention(t)).toBe(removed);
        expect(read.map((r) => Number(r.offset))).toEqual(Array.from({ length: 40 - removed }, (_, i) => removed + i));
        expect(read.map((r) => r.headers.seq)).toEqual(Array.from({ length: 40 - removed }, (_, i) => String(removed + i)));
      }, WAIT);
      const removed = await bus.removedByRetention(t);
      const { seen } = await consume([t], group(), { fromBeginning: true });
      await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(40 - removed), WAIT);
      expect(seen.at(-1)!.headers.seq).toBe('39');
      expect(Number(seen[0]!.offset)).toBeGreaterThanOrEqual(removed);
    });

    // Kafka splits the partitions between the members. The embedded bus gives one member all of
    // a topic's partitions and the other stands by, as a Kafka member without a partition would.
    it('shares a group between subscriptions without processing a record twice', async () => {
      const t = await topic('group', 2);
      const g = group();
      const processed: Array<{ member: string; at: string }> = [];
      const member = (id: string) => async (r: ConsumedRecord) => void processed.push({ member: id, at: `${r.partition}:${r.offset}` });
      const a = await consume([t], g, { handler: member('a') });
      const b = await consume([t], g, { handler: member('b') });
      const keys = Array.from({ length: 10 }, (_, i) => `order-${i}`);
      await bus.publish(t, keys.flatMap((key) => [0, 1, 2].map((i) => record(key, i))));
      await vi.waitFor(() => expect(processed).toHaveLength(30), WAIT);

      // A member that took records stops; the other carries on from the committed offsets.
      const leaving = processed[0]!.member === 'a' ? a : b;
      await leaving.subscription.stop();
      await bus.publish(t, keys.map((key) => record(key, 3)));
      await vi.waitFor(() => expect(processed).toHaveLength(40), WAIT);
      await sleep(QUIET_MS);
      expect(processed).toHaveLength(40);
      expect(new Set(processed.map((p) => p.at)).size).toBe(40);
    });
  });
}

let groups = 0;
function group(): string {
  return `contract-${randomUUID().slice(0, 8)}-${++groups}`;
}

/** Values hold bytes that are not UTF-8 text, so a lossy string round trip would show. */
function record(key: string, i: number): BusRecord {
  return {
    key,
    value: Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, i]), Buffer.from(`${key}/${i} åäö`)]),
    headers: { seq: String(i), ce_id: `${key}-${i}`, 'content-type': 'application/json' },
  };
}

/** Round-robin by key, keeping each key's own order. */
function interleave(records: BusRecord[]): BusRecord[] {
  const byKey = [...groupBy(records, (r) => r.key).values()];
  const out: BusRecord[] = [];
  for (let i = 0; out.length < records.length; i++) for (const list of byKey) if (list[i]) out.push(list[i]!);
  return out;
}

// Map.groupBy needs Node 21.
function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
  return map;
}

async function readAll(bus: Bus, topic: string): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  await bus.readAll(topic, (r) => void out.push(r));
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
