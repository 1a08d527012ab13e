// What rebuild derives from the delivery topics: delivered markers, failed deliveries kept for
// replay, and deliveries requested with no final outcome (a scheduled retry is not final).
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES, type EventType } from '../../src/canonical/event-types.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELIVERY_RECORDS_KEEP_MS, DeliveryLedger, requeuePending } from '../../src/rebuild/deliveries.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function event(type: EventType, id: string, minutes: number, data: Record<string, unknown>, causationid?: string): CloudEvent {
  return { specversion: '1.0', id, source: '/test', type, time: at(minutes), subject: 'ord-1', datacontenttype: 'application/json', correlationid: 'ord-1', data, ...(causationid ? { causationid } : {}) };
}

const request = (deliveryId: string, id: string, minutes: number) =>
  event(EVENT_TYPES.deliveryRequested, id, minutes, { deliveryId, orderId: 'ord-1', inbox: { inboxId: 'central', system: 'lifecare' }, event: { id: 'e-1' } });
const succeeded = (deliveryId: string, cause: string, minutes: number, receipt?: string) =>
  event(EVENT_TYPES.deliverySucceeded, `${deliveryId}-ok`, minutes, { deliveryId, orderId: 'ord-1', attempts: 1, ...(receipt ? { receipt } : {}) }, cause);
const failed = (deliveryId: string, cause: string, minutes: number) =>
  event(EVENT_TYPES.deliveryFailed, `${deliveryId}-failed-${cause}`, minutes, { deliveryId, orderId: 'ord-1', attempts: 8, errorCode: 'BRY_DELIVERY_FAILED' }, cause);

function ledgerOf(...events: CloudEvent[]): DeliveryLedger {
  const ledger = new DeliveryLedger();
  for (const e of events) ledger.apply(e);
  return ledger;
}

describe('rebuild: delivery records from the log', () => {
  it('marks an acknowledged delivery delivered, with its receipt and the rest of its 90 days', () => {
    const ledger = ledgerOf(request('d1', 'r1', 0), succeeded('d1', 'r1', 1, 'LC-KVITTO-9'), request('d2', 'r2', 2), succeeded('d2', 'r2', 3));
    expect(ledger.delivered(T0 + 60_000)).toEqual([
      { key: 'delivered:d1', value: 'LC-KVITTO-9', ttlMs: DELIVERY_RECORDS_KEEP_MS },
      { key: 'delivered:d2', value: 'ok', ttlMs: DELIVERY_RECORDS_KEEP_MS + 2 * 60_000 },
    ]);
    expect(ledger.failed(T0).expected).toEqual([]);
    expect(ledger.pending()).toEqual([]);
  });

  it('keeps no marker whose 90 days have run out', () => {
    expect(ledgerOf(request('d1', 'r1', 0), succeeded('d1', 'r1', 1)).delivered(T0 + DELIVERY_RECORDS_KEEP_MS + 60_000)).toEqual([]);
  });

  it('keeps the request of a delivery that gave up, as the worker stored it', () => {
    const r1 = request('d1', 'r1', 0);
    const { expected, unmatched } = ledgerOf(r1, failed('d1', 'r1', 5)).failed(T0);
    expect(expected).toEqual([{ key: 'delivery-failed:d1', value: JSON.stringify(r1.data), ttlMs: DELIVERY_RECORDS_KEEP_MS + 5 * 60_000 }]);
    expect(unmatched).toEqual([]);
  });

  it('a replayed delivery: pending until its outcome, then delivered and its failed record gone', () => {
    const replayed = ledgerOf(request('d1', 'r1', 0), failed('d1', 'r1', 5), request('d1', 'replay-1', 60));
    expect(replayed.pending().map((p) => [p.deliveryId, p.requestEventId, p.requestedAt])).toEqual([['d1', 'replay-1', at(60)]]);
    expect(replayed.failed(T0).expected.map((v) => v.key)).toEqual(['delivery-failed:d1']);

    const through = ledgerOf(request('d1', 'r1', 0), failed('d1', 'r1', 5), request('d1', 'replay-1', 60), succeeded('d1', 'replay-1', 61));
    expect(through.pending()).toEqual([]);
    expect(through.failed(T0).expected).toEqual([]);
    expect(through.cleared()).toEqual(['delivery-failed:d1']);
    expect(through.delivered(T0).map((v) => v.key)).toEqual(['delivered:d1']);
  });

  it('a scheduled retry is not an outcome: the delivery is pending, with the request to queue again', () => {
    const r1 = request('d1', 'r1', 0);
    const retry = event(EVENT_TYPES.deliveryRetryScheduled, 'd1-retry-1', 1, { deliveryId: 'd1', orderId: 'ord-1', attempts: 1, errorCode: 'BRY_DELIVERY_FAILED' }, 'r1');
    expect(ledgerOf(r1, retry).pending()).toEqual([{ deliveryId: 'd1', orderId: 'ord-1', requestEventId: 'r1', requestedAt: at(0), request: r1.data }]);
  });

  it('puts a pending delivery back in its system\'s queue once; one still queued stays as it is', async () => {
    const store = new EmbeddedStore({ dataDir: mkdtempSync(join(tmpdir(), 'brygga-requeue-')) });
    try {
      const pending = ledgerOf(request('d1', 'r1', 0), request('d2', 'r2', 1)).pending();
      await store.scheduleTask({ queue: 'delivery:lifecare', id: 'd2', dueAt: T0 + 60_000, payload: 'attempt 3 waiting' }, 'if-absent');
      expect(await requeuePending(store, T0, pending)).toBe(1);
      expect(await requeuePending(store, T0, pending)).toBe(0);
      const [task] = await store.claimTasks('delivery:lifecare', T0, 10, 1000);
      expect(task!.id).toBe('d1');
      expect(JSON.parse(task!.payload)).toEqual({ request: pending[0]!.request, requestEventId: 'r1', requestedAt: at(0), attempts: 0 });
      expect((await store.getTask('delivery:lifecare', 'd2'))?.payload).toBe('attempt 3 waiting');
    } finally {
      await store.close();
    }
  });

  it('reports a failure whose request is not in the log as not restorable', () => {
    expect(ledgerOf(failed('d9', 'r-gone', 5)).failed(T0)).toEqual({ expected: [], unmatched: ['delivery-failed:d9'] });
  });
});
