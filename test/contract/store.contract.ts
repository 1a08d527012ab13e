// The behaviour every Store adapter owes Brygga, run against each adapter by the *.test.ts files.
// Each test gets a fresh, empty store (its own prefix or data dir), so tests are independent.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimedTimer, Deadline, ScheduledTask, Store } from '../../src/store/store.ts';

const T0 = Date.UTC(2025, 2, 3, 8, 0, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const LEASE = 5 * MINUTE;

type NewDeadline = Omit<Deadline, 'status' | 'warned'>;

export function deadline(overrides: Partial<NewDeadline> = {}): NewDeadline {
  const orderId = overrides.orderId ?? `order-${randomUUID().slice(0, 8)}`;
  const kind = overrides.kind ?? 'kvittens';
  return {
    id: `${orderId}:${kind}`,
    orderId,
    kind,
    rule: 'R-KVITTENS-3VD',
    openedAt: T0,
    dueAt: T0 + 3 * DAY,
    context: { providerId: 'provider-17', unitId: 'unit-4' },
    ...overrides,
  };
}

const label = (t: ClaimedTimer): string => `${t.deadline.id}|${t.phase}`;

/**
 * @param makeStore a fresh, empty store
 * @param reopen closes `store` and opens the same data again (a restart)
 */
export function storeContract(name: string, makeStore: () => Promise<Store>, reopen?: (store: Store) => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.clearDeadlines();
      await store.close();
    });

    async function opened(...overrides: Partial<NewDeadline>[]): Promise<NewDeadline[]> {
      const all = (overrides.length > 0 ? overrides : [{}]).map((o) => deadline(o));
      for (const d of all) expect(await store.openDeadline(d)).toBe(true);
      return all;
    }

    describe('open and close', () => {
      it('opens a deadline as open, with its fields and context', async () => {
        const [d] = await opened({ warnAt: T0 + 2 * DAY });
        expect(await store.getDeadline(d!.id)).toEqual({ ...d, status: 'open' });
        expect(await store.getDeadline('no-such:deadline')).toBeUndefined();
      });

      it('keeps an empty context and an absent warnAt as they are', async () => {
        const [d] = await opened({ context: {} });
        const stored = await store.getDeadline(d!.id);
        expect(stored).toEqual({ ...d, status: 'open' });
        expect(stored).not.toHaveProperty('warnAt');
        expect(stored).not.toHaveProperty('warned');
      });

      it('is idempotent: opening an existing id returns false and changes nothing', async () => {
        const [d] = await opened({ warnAt: T0 + DAY });
        expect(await store.openDeadline({ ...d!, dueAt: T0 + 9 * DAY, rule: 'R-OTHER' })).toBe(false);
        expect(await store.getDeadline(d!.id)).toEqual({ ...d, status: 'open' });
        expect(await store.countDeadlines('open')).toBe(1);
        const claimed = await store.claimDue(T0 + 10 * DAY, 10, LEASE);
        expect(claimed.map(label)).toEqual([`${d!.id}|warn`, `${d!.id}|due`]);
      });

      it('does not reopen a closed deadline', async () => {
        const [d] = await opened();
        await store.closeDeadline(d!.id, 'met', T0 + DAY, 'event-1');
        expect(await store.openDeadline(d!)).toBe(false);
        expect((await store.getDeadline(d!.id))?.status).toBe('met');
      });

      it('closing as met removes both timers: they are never claimed', async () => {
        const [d, other] = await opened({ warnAt: T0 + DAY }, { dueAt: T0 + 2 * DAY });
        const closed = await store.closeDeadline(d!.id, 'met', T0 + 1000, 'event-7');
        expect(closed).toEqual({ ...d, status: 'met', closedAt: T0 + 1000, closedBy: 'event-7' });
        expect(await store.getDeadline(d!.id)).toEqual(closed);
        const claimed = await store.claimDue(T0 + 30 * DAY, 100, LEASE);
        expect(claimed.map(label)).toEqual([`${other!.id}|due`]);
      });

      it('closing removes a timer that is claimed, and its completion then returns false', async () => {
        const [d] = await opened({ dueAt: T0 + MINUTE });
        expect(await store.claimDue(T0 + MINUTE, 10, LEASE)).toHaveLength(1);
        expect(await store.closeDeadline(d!.id, 'met', T0 + 2 * MINUTE, 'event-late')).toBeDefined();
        expect(await store.completeTimer(d!.id, 'due', T0 + 3 * MINUTE)).toBe(false);
        expect(await store.claimDue(T0 + MINUTE + LEASE + 1, 10, LEASE)).toEqual([]);
        expect((await store.getDeadline(d!.id))?.status).toBe('met');
      });

      it('cancelling keeps the reason; closing again or closing an unknown id returns undefined', async () => {
        const [d] = await opened();
        const cancelled = await store.closeDeadline(d!.id, 'cancelled', T0 + 5, 'operator:anna', 'order withdrawn');
        expect(cancelled).toMatchObject({ status: 'cancelled', closedAt: T0 + 5, closedBy: 'operator:anna', reason: 'order withdrawn' });
        expect(await store.closeDeadline(d!.id, 'met', T0 + 6, 'event-9')).toBeUndefined();
        expect(await store.closeDeadline(d!.id, 'cancelled', T0 + 6, 'event-9', 'again')).toBeUndefined();
        expect(await store.getDeadline(d!.id)).toEqual(cancelled);
        expect(await store.closeDeadline('unknown:kvittens', 'met', T0, 'event-0')).toBeUndefined();
      });
    });

    describe('queries', () => {
      it('lists deadlines per status, soonest due first, at most limit, and counts them', async () => {
        const ds = await opened(
          { dueAt: T0 + 5 * DAY },
          { dueAt: T0 + 1 * DAY },
          { dueAt: T0 + 4 * DAY },
          { dueAt: T0 + 2 * DAY },
          { dueAt: T0 + 3 * DAY },
        );
        await store.closeDeadline(ds[0]!.id, 'met', T0 + 1, 'e1');
        await store.closeDeadline(ds[2]!.id, 'cancelled', T0 + 1, 'e2', 'withdrawn');
        const ids = (list: Deadline[]): string[] => list.map((d) => d.id);

        expect(ids(await store.listDeadlines('open', 10))).toEqual([ds[1]!.id, ds[3]!.id, ds[4]!.id]);
        expect(ids(await store.listDeadlines('open', 2))).toEqual([ds[1]!.id, ds[3]!.id]);
        expect(await store.listDeadlines('open', 0)).toEqual([]);
        expect(ids(await store.listDeadlines('met', 10))).toEqual([ds[0]!.id]);
        expect((await store.listDeadlines('cancelled', 10))[0]).toMatchObject({ id: ds[2]!.id, status: 'cancelled', reason: 'withdrawn' });
        expect(await store.listDeadlines('breached', 10)).toEqual([]);
        expect(await store.countDeadlines('open')).toBe(3);
        expect(await store.countDeadlines('met')).toBe(1);
        expect(await store.countDeadlines('cancelled')).toBe(1);
        expect(await store.countDeadlines('breached')).toBe(0);
      });

      it('finds the deadlines of an order in every status, and only those', async () => {
        const orderId = `order-${randomUUID().slice(0, 8)}`;
        const [kvittens, start] = await opened({ orderId, kind: 'kvittens', dueAt: T0 + 3 * DAY }, { orderId, kind: 'start', dueAt: T0 + 1 * DAY });
        await opened({ orderId: `${orderId}x` }, {});
        await store.closeDeadline(kvittens!.id, 'met', T0 + 10, 'event-3');
        const mine = await store.deadlinesOfOrder(orderId);
        expect(mine.map((d) => [d.id, d.status])).toEqual([
          [start!.id, 'open'],
          [kvittens!.id, 'met'],
        ]);
        expect(await store.deadlinesOfOrder('order-unknown')).toEqual([]);
      });

      it('clearDeadlines removes every deadline, index and timer, and leaves keys and lists', async () => {
        const [d] = await opened({ warnAt: T0 + DAY }, {});
        await store.claimDue(T0 + DAY, 1, LEASE);
        await store.set('kept', 'yes');
        await store.append('kept-list', 'a');
        await store.clearDeadlines();
        expect(await store.getDeadline(d!.id)).toBeUndefined();
        expect(await store.countDeadlines('open')).toBe(0);
        expect(await store.listDeadlines('open', 10)).toEqual([]);
        expect(await store.deadlinesOfOrder(d!.orderId)).toEqual([]);
        expect(await store.claimDue(T0 + 100 * DAY, 100, LEASE)).toEqual([]);
        expect(await store.get('kept')).toBe('yes');
        expect(await store.range('kept-list')).toEqual(['a']);
        expect(await store.openDeadline(d!)).toBe(true);
        expect(await store.countDeadlines('open')).toBe(1);
      });
    });

    describe('timers', () => {
      it('claims only due timers, soonest first, at most limit per call', async () => {
        const ds = await opened(
          { dueAt: T0 + 30 * MINUTE },
          { dueAt: T0 + 10 * MINUTE },
          { dueAt: T0 + 20 * MINUTE, warnAt: T0 + 5 * MINUTE },
          { dueAt: T0 + 40 * MINUTE },
        );
        expect(await store.claimDue(T0, 10, LEASE)).toEqual([]);
        const first = await store.claimDue(T0 + 30 * MINUTE, 2, LEASE);
        expect(first.map(label)).toEqual([`${ds[2]!.id}|warn`, `${ds[1]!.id}|due`]);
        expect(first[1]!.deadline).toEqual({ ...ds[1], status: 'open' });
        const second = await store.claimDue(T0 + 30 * MINUTE, 10, LEASE);
        expect(second.map(label)).toEqual([`${ds[2]!.id}|due`, `${ds[0]!.id}|due`]);
        expect(await store.claimDue(T0 + 30 * MINUTE, 10, LEASE)).toEqual([]);
        expect(await store.claimDue(T0 + 30 * MINUTE, 0, LEASE)).toEqual([]);
      });

      it('a timer is due at its instant, not before', async () => {
        const [d] = await opened({ dueAt: T0 + MINUTE });
        expect(await store.claimDue(T0 + MINUTE - 1, 10, LEASE)).toEqual([]);
        expect((await store.claimDue(T0 + MINUTE, 10, LEASE)).map(label)).toEqual([`${d!.id}|due`]);
      });

      it('concurrent claims never hand out one timer twice', async () => {
        const ds = await opened(...Array.from({ length: 40 }, (_, i) => ({ dueAt: T0 + i })));
        const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimDue(T0 + DAY, 7, LEASE)));
        const all = claims.flat().map(label);
        expect(new Set(all).size).toBe(all.length);
        const rest = await store.claimDue(T0 + DAY, 100, LEASE);
        expect(new Set([...all, ...rest.map(label)])).toEqual(new Set(ds.map((d) => `${d.id}|due`)));
        expect(all.length + rest.length).toBe(40);
      });

      it('hands an unacknowledged claim out again once its lease expires, not before', async () => {
        const [d] = await opened({ dueAt: T0 });
        expect(await store.claimDue(T0, 10, LEASE)).toHaveLength(1);
        expect(await store.claimDue(T0 + LEASE - 1, 10, LEASE)).toEqual([]);
        const again = await store.claimDue(T0 + LEASE, 10, LEASE);
        expect(again.map(label)).toEqual([`${d!.id}|due`]);
        expect(await store.claimDue(T0 + 2 * LEASE - 1, 10, LEASE)).toEqual([]);
        expect(await store.completeTimer(d!.id, 'due', T0 + LEASE + 1)).toBe(true);
        expect(await store.claimDue(T0 + 10 * LEASE, 10, LEASE)).toEqual([]);
      });

      it('re-queued leases wait their turn behind earlier timers when the limit is small', async () => {
        const [late] = await opened({ dueAt: T0 + 10 * MINUTE });
        expect(await store.claimDue(T0 + 10 * MINUTE, 1, LEASE)).toHaveLength(1);
        const early = await opened({ dueAt: T0 + MINUTE }, { dueAt: T0 + 2 * MINUTE });
        const now = T0 + 10 * MINUTE + LEASE;
        expect((await store.claimDue(now, 2, LEASE)).map(label)).toEqual(early.map((d) => `${d.id}|due`));
        expect((await store.claimDue(now, 2, LEASE)).map(label)).toEqual([`${late!.id}|due`]);
      });

      it('completing the due timer breaches the deadline; a second completion returns false', async () => {
        const [d] = await opened({ dueAt: T0 + MINUTE });
        const [claim] = await store.claimDue(T0 + MINUTE, 10, LEASE);
        expect(claim!.phase).toBe('due');
        expect(await store.completeTimer(d!.id, 'due', T0 + MINUTE + 5)).toBe(true);
        expect(await store.completeTimer(d!.id, 'due', T0 + MINUTE + 6)).toBe(false);
        expect(await store.getDeadline(d!.id)).toEqual({ ...d, status: 'breached', closedAt: T0 + MINUTE + 5 });
        expect(await store.countDeadlines('open')).toBe(0);
        expect((await store.listDeadlines('breached', 10)).map((x) => x.id)).toEqual([d!.id]);
        expect(await store.claimDue(T0 + 100 * LEASE, 10, LEASE)).toEqual([]);
      });

      it('fires warn, then due', async () => {
        const [d] = await opened({ warnAt: T0 + 2 * DAY, dueAt: T0 + 3 * DAY });
        const warn = await store.claimDue(T0 + 2 * DAY, 10, LEASE);
        expect(warn.map(label)).toEqual([`${d!.id}|warn`]);
        expect(await store.completeTimer(d!.id, 'warn', T0 + 2 * DAY + 1)).toBe(true);
        expect(await store.completeTimer(d!.id, 'warn', T0 + 2 * DAY + 2)).toBe(false);
        expect(await store.getDeadline(d!.id)).toEqual({ ...d, status: 'open', warned: true });
        expect(await store.claimDue(T0 + 3 * DAY - 1, 10, LEASE)).toEqual([]);
        const due = await store.claimDue(T0 + 3 * DAY, 10, LEASE);
        expect(due.map(label)).toEqual([`${d!.id}|due`]);
        expect(due[0]!.deadline.warned).toBe(true);
        expect(await store.completeTimer(d!.id, 'due', T0 + 3 * DAY)).toBe(true);
        expect(await store.getDeadline(d!.id)).toMatchObject({ status: 'breached', warned: true, closedAt: T0 + 3 * DAY });
      });

      it('a breach drops a warning that has not been completed', async () => {
        const [d] = await opened({ warnAt: T0 + MINUTE, dueAt: T0 + 2 * MINUTE });
        expect(await store.claimDue(T0 + 2 * MINUTE, 10, LEASE)).toHaveLength(2);
        expect(await store.completeTimer(d!.id, 'due', T0 + 2 * MINUTE)).toBe(true);
        expect(await store.completeTimer(d!.id, 'warn', T0 + 2 * MINUTE)).toBe(false);
        expect(await store.getDeadline(d!.id)).not.toHaveProperty('warned');
        expect(await store.claimDue(T0 + 100 * LEASE, 10, LEASE)).toEqual([]);
      });

      it('completes a timer that was never claimed (it is still pending)', async () => {
        const [d] = await opened({ dueAt: T0 + DAY });
        expect(await store.completeTimer(d!.id, 'due', T0 + DAY)).toBe(true);
        expect((await store.getDeadline(d!.id))?.status).toBe('breached');
        expect(await store.completeTimer('unknown:kvittens', 'due', T0)).toBe(false);
      });

      it('closeDeadline after a breach returns undefined and keeps the breach', async () => {
        const [d] = await opened({ dueAt: T0 });
        await store.claimDue(T0, 10, LEASE);
        await store.completeTimer(d!.id, 'due', T0 + 1);
        expect(await store.closeDeadline(d!.id, 'met', T0 + 2, 'event-late')).toBeUndefined();
        expect(await store.getDeadline(d!.id)).toMatchObject({ status: 'breached', closedAt: T0 + 1 });
        expect(await store.countDeadlines('breached')).toBe(1);
        expect(await store.countDeadlines('met')).toBe(0);
      });

      it('sweeping in batches hands out every due timer exactly once, in due order', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), async (offsets, limit) => {
            await store.clearDeadlines();
            await opened(...offsets.map((o) => ({ dueAt: T0 + o * MINUTE })));
            const now = T0 + 25 * MINUTE;
            const seen: ClaimedTimer[] = [];
            for (let batch = await store.claimDue(now, limit, LEASE); batch.length > 0; batch = await store.claimDue(now, limit, LEASE)) {
              expect(batch.length).toBeLessThanOrEqual(limit);
              seen.push(...batch);
            }
            const dues = seen.map((t) => t.deadline.dueAt);
            expect(dues).toEqual([...dues].sort((a, b) => a - b));
            expect(seen.length).toBe(offsets.filter((o) => o <= 25).length);
            expect(new Set(seen.map(label)).size).toBe(seen.length);
          }),
          { numRuns: 15 },
        );
      });
    });

    describe('keys and lists', () => {
      it('setIfAbsent sets once', async () => {
        expect(await store.setIfAbsent('idem:1', 'first')).toBe(true);
        expect(await store.setIfAbsent('idem:1', 'second')).toBe(false);
        expect(await store.get('idem:1')).toBe('first');
        expect(await store.get('idem:none')).toBeUndefined();
      });

      it('set overwrites, delete removes the value and the list', async () => {
        await store.set('k', 'v1');
        await store.set('k', 'v2');
        expect(await store.get('k')).toBe('v2');
        await store.append('k', 'x');
        await store.delete('k');
        await store.delete('never-set');
        expect(await store.get('k')).toBeUndefined();
        expect(await store.range('k')).toEqual([]);
        expect(await store.setIfAbsent('k', 'v3')).toBe(true);
      });

      it('honours TTLs: expired keys read as absent and can be set again', async () => {
        expect(await store.setIfAbsent('ttl:a', 'a', 80)).toBe(true);
        await store.set('ttl:b', 'b', 80);
        await store.set('ttl:c', 'c', 80);
        await store.set('ttl:c', 'c2');
        expect(await store.get('ttl:a')).toBe('a');
        await new Promise((r) => setTimeout(r, 200));
        expect(await store.get('ttl:a')).toBeUndefined();
        expect(await store.get('ttl:b')).toBeUndefined();
        expect(await store.get('ttl:c')).toBe('c2');
        expect(await store.setIfAbsent('ttl:a', 'again', 60_000)).toBe(true);
        expect(await store.get('ttl:a')).toBe('again');
      });

      it('append keeps insertion order; an unknown list is empty', async () => {
        for (const v of ['received', 'validated', 'routed', 'delivered']) await store.append('trace:o1', v);
        await Promise.all(['a', 'b', 'c'].map((v) => store.append('trace:o2', v)));
        expect(await store.range('trace:o1')).toEqual(['received', 'validated', 'routed', 'delivered']);
        expect(await store.range('trace:o2')).toEqual(['a', 'b', 'c']);
        expect(await store.range('trace:none')).toEqual([]);
      });

      it('keeps keys and deadlines apart', async () => {
        const [d] = await opened();
        await store.set(d!.id, 'a value');
        expect((await store.getDeadline(d!.id))?.status).toBe('open');
        expect(await store.get(d!.id)).toBe('a value');
      });
    });

    describe('scheduled tasks', () => {
      const task = (id: string, dueAt: number, queue = 'delivery:test'): ScheduledTask => ({ queue, id, dueAt, payload: JSON.stringify({ id }) });
      const ids = (tasks: ScheduledTask[]): string[] => tasks.map((t) => t.id);

      it('schedules a task once with if-absent; replace sets its time and payload', async () => {
        expect(await store.scheduleTask(task('d1', T0), 'if-absent')).toBe(true);
        expect(await store.scheduleTask({ ...task('d1', T0 + DAY), payload: 'other' }, 'if-absent')).toBe(false);
        expect(await store.getTask('delivery:test', 'd1')).toEqual(task('d1', T0));
        expect(await store.scheduleTask({ ...task('d1', T0 + MINUTE), payload: 'next' }, 'replace')).toBe(true);
        expect(await store.getTask('delivery:test', 'd1')).toEqual({ ...task('d1', T0 + MINUTE), payload: 'next' });
        expect(await store.getTask('delivery:test', 'none')).toBeUndefined();
        expect(await store.countTasks('delivery:test')).toBe(1);
      });

      it('hands out due tasks soonest first, each once, and keeps queues apart', async () => {
        for (const [id, at] of [['late', T0 + 2 * MINUTE], ['first', T0], ['second', T0 + MINUTE], ['future', T0 + DAY]] as const) {
          await store.scheduleTask(task(id, at), 'if-absent');
        }
        await store.scheduleTask(task('elsewhere', T0, 'delivery:other'), 'if-absent');
        expect(ids(await store.claimTasks('delivery:test', T0 + 2 * MINUTE, 2, LEASE))).toEqual(['first', 'second']);
        const [late] = await store.claimTasks('delivery:test', T0 + 2 * MINUTE, 10, LEASE);
        expect(late).toEqual(task('late', T0 + 2 * MINUTE));
        expect(await store.claimTasks('delivery:test', T0 + 2 * MINUTE, 10, LEASE)).toEqual([]);
        expect(ids(await store.claimTasks('delivery:other', T0, 10, LEASE))).toEqual(['elsewhere']);
        expect(await store.countTasks('delivery:test')).toBe(4);
      });

      it('peeks at the tasks soonest due first, scheduled and claimed, changing nothing', async () => {
        for (const [id, at] of [['late', T0 + 2 * MINUTE], ['first', T0], ['second', T0 + MINUTE]] as const) {
          await store.scheduleTask(task(id, at), 'if-absent');
        }
        expect(ids(await store.claimTasks('delivery:test', T0, 1, LEASE))).toEqual(['first']);
        expect(await store.peekTasks('delivery:test', 10)).toEqual([task('first', T0), task('second', T0 + MINUTE), task('late', T0 + 2 * MINUTE)]);
        expect(ids(await store.peekTasks('delivery:test', 2))).toEqual(['first', 'second']);
        expect(await store.peekTasks('delivery:none', 10)).toEqual([]);
        expect(ids(await store.claimTasks('delivery:test', T0 + MINUTE, 10, LEASE))).toEqual(['second']);
      });

      it('hands a claimed task out again only once its lease ran out (the claimant died)', async () => {
        await store.scheduleTask(task('d1', T0), 'if-absent');
        expect(ids(await store.claimTasks('delivery:test', T0, 10, LEASE))).toEqual(['d1']);
        expect(await store.scheduleTask(task('d1', T0), 'if-absent')).toBe(false);
        expect(await store.claimTasks('delivery:test', T0 + LEASE - 1, 10, LEASE)).toEqual([]);
        expect(ids(await store.claimTasks('delivery:test', T0 + LEASE, 10, LEASE))).toEqual(['d1']);
      });

      it('replace ends the lease: the next attempt is handed out at its own time', async () => {
        await store.scheduleTask(task('d1', T0), 'if-absent');
        await store.claimTasks('delivery:test', T0, 10, LEASE);
        await store.scheduleTask({ ...task('d1', T0 + MINUTE), payload: 'attempt 2' }, 'replace');
        expect(await store.claimTasks('delivery:test', T0 + MINUTE - 1, 10, LEASE)).toEqual([]);
        expect(await store.claimTasks('delivery:test', T0 + MINUTE, 10, LEASE)).toEqual([{ ...task('d1', T0 + MINUTE), payload: 'attempt 2' }]);
      });

      it('removes scheduled and claimed tasks for good, idempotently', async () => {
        await store.scheduleTask(task('scheduled', T0), 'if-absent');
        await store.scheduleTask(task('claimed', T0), 'if-absent');
        await store.claimTasks('delivery:test', T0, 1, LEASE);
        await store.removeTask('delivery:test', 'scheduled');
        await store.removeTask('delivery:test', 'claimed');
        await store.removeTask('delivery:test', 'never');
        expect(await store.countTasks('delivery:test')).toBe(0);
        expect(await store.claimTasks('delivery:test', T0 + 10 * LEASE, 10, LEASE)).toEqual([]);
        expect(await store.scheduleTask(task('claimed', T0), 'if-absent')).toBe(true);
      });

      it('concurrent claimants never get the same task', async () => {
        for (let i = 0; i < 60; i++) await store.scheduleTask(task(`t${i}`, T0 + i), 'if-absent');
        const rounds = await Promise.all(Array.from({ length: 6 }, () => store.claimTasks('delivery:test', T0 + 100, 7, LEASE)));
        const claimed = rounds.flatMap(ids);
        expect(new Set(claimed).size).toBe(claimed.length);
        const rest = await store.claimTasks('delivery:test', T0 + 100, 100, LEASE);
        expect(claimed.length + rest.length).toBe(60);
      });
    });

    describe.runIf(reopen)('restart', () => {
      it('keeps deadlines, statuses, leases, keys and lists across a reopen', async () => {
        const [open, met, breached, warned] = await opened(
          { dueAt: T0 + 2 * DAY },
          {},
          { dueAt: T0 + MINUTE },
          { warnAt: T0 + MINUTE, dueAt: T0 + 3 * DAY },
        );
        await store.closeDeadline(met!.id, 'met', T0 + 1, 'event-1');
        expect(await store.claimDue(T0 + MINUTE, 10, LEASE)).toHaveLength(2);
        await store.completeTimer(breached!.id, 'due', T0 + MINUTE);
        await store.setIfAbsent('idem:x', '1');
        await store.set('ttl:x', '1', 60_000);
        await store.append('trace:x', 'a');
        await store.append('trace:x', 'b');
        await store.scheduleTask({ queue: 'delivery:test', id: 'waiting', dueAt: T0 + DAY, payload: 'w' }, 'if-absent');
        await store.scheduleTask({ queue: 'delivery:test', id: 'leased', dueAt: T0, payload: 'l' }, 'if-absent');
        expect(await store.claimTasks('delivery:test', T0 + MINUTE, 10, LEASE)).toHaveLength(1);
        const before = await Promise.all([open, met, breached, warned].map((d) => store.getDeadline(d!.id)));

        store = await reopen!(store);

        expect(await Promise.all([open, met, breached, warned].map((d) => store.getDeadline(d!.id)))).toEqual(before);
        expect(await store.countDeadlines('open')).toBe(2);
        expect(await store.countDeadlines('met')).toBe(1);
        expect(await store.countDeadlines('breached')).toBe(1);
        // The warn timer is still leased: not handed out before its lease expires, then once.
        expect(await store.claimDue(T0 + MINUTE + LEASE - 1, 10, LEASE)).toEqual([]);
        expect((await store.claimDue(T0 + MINUTE + LEASE, 10, LEASE)).map(label)).toEqual([`${warned!.id}|warn`]);
        expect(await store.setIfAbsent('idem:x', '2')).toBe(false);
        expect(await store.get('ttl:x')).toBe('1');
        expect(await store.range('trace:x')).toEqual(['a', 'b']);
        expect(await store.openDeadline(open!)).toBe(false);
        expect(await store.getTask('delivery:test', 'waiting')).toEqual({ queue: 'delivery:test', id: 'waiting', dueAt: T0 + DAY, payload: 'w' });
        expect(await store.claimTasks('delivery:test', T0 + MINUTE + LEASE - 1, 10, LEASE)).toEqual([]);
        expect((await store.claimTasks('delivery:test', T0 + MINUTE + LEASE, 10, LEASE)).map((t) => t.id)).toEqual(['leased']);
      });
    });
  });
}
