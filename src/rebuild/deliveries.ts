// What the delivery worker keeps in the store, derived from the delivery topics: the marker of
// every delivery the receiver acknowledged (`delivered:<id>`, so it is never sent again) and the
// request of every delivery that gave up (`delivery-failed:<id>`, for POST …/replay), plus the
// deliveries requested that have no final outcome yet.
import type { CloudEvent } from '../canonical/envelope.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { DeliveryRequestedData } from '../canonical/schemas/index.ts';
import { queuedTask } from '../routing/delivery-queue.ts';
import { deliveredKey, failedKey } from '../routing/delivery-worker.ts';
import type { TaskStore } from '../store/store.ts';

/** How long the worker keeps both records (its own constant is private). */
export const DELIVERY_RECORDS_KEEP_MS = 90 * 24 * 3600 * 1000;

export interface ExpectedValue {
  key: string;
  value: string;
  /** Remaining time to live, as the worker's 90 days counted from the outcome. */
  ttlMs: number;
}

/** A delivery the log shows requested with neither `delivery.succeeded` nor a later `delivery.failed`. */
export interface PendingDelivery {
  deliveryId: string;
  orderId?: string;
  /** The latest request event, as it is on deliveries.requests.v1. */
  requestEventId: string;
  requestedAt: string;
  /** The request's data (delivery id, order id, inbox, event), as the worker reads it. */
  request: DeliveryRequestedData;
}

/**
 * Puts deliveries with no final outcome back in their system's delivery queue: a lost store lost
 * their queued attempts. One still queued stays as it is. Returns how many were put back.
 */
export async function requeuePending(store: TaskStore, now: number, pending: PendingDelivery[]): Promise<number> {
  let requeued = 0;
  for (const p of pending) {
    const delivery = { request: p.request, requestEventId: p.requestEventId, requestedAt: p.requestedAt, attempts: 0 };
    if (await store.scheduleTask(queuedTask(delivery, now), 'if-absent')) requeued++;
  }
  return requeued;
}

interface DeliveryState {
  /** The latest request; its data is dropped once the delivery succeeded (memory). */
  lastRequest?: { eventId: string; time: string; orderId?: string; data?: string };
  /** The latest request is later than the last outcome. */
  open: boolean;
  succeeded?: { time: string; receipt?: string };
  /** The last failure and the request that gave up (matched by its causation id). */
  failed?: { time: string; request?: string };
  /** Failed at least once (the worker removes the failed record once it gets through). */
  everFailed?: boolean;
}

interface DeliveryData {
  deliveryId?: string;
  orderId?: string;
  receipt?: string;
}

export class DeliveryLedger {
  private readonly deliveries = new Map<string, DeliveryState>();

  /** Feed every record of deliveries.requests.v1 and deliveries.outcomes.v1 in log order. */
  apply(event: CloudEvent): void {
    const data = event.data as DeliveryData;
    if (!data.deliveryId) return;
    let state = this.deliveries.get(data.deliveryId);
    if (!state) this.deliveries.set(data.deliveryId, (state = { open: false }));
    if (event.type === EVENT_TYPES.deliveryRequested) {
      state.lastRequest = { eventId: event.id, time: event.time, orderId: data.orderId, ...(state.succeeded ? {} : { data: JSON.stringify(event.data) }) };
      state.open = true;
    } else if (event.type === EVENT_TYPES.deliverySucceeded) {
      state.succeeded = { time: event.time, ...(data.receipt ? { receipt: data.receipt } : {}) };
      if (state.lastRequest) delete state.lastRequest.data;
      delete state.failed;
      state.open = false;
    } else if (event.type === EVENT_TYPES.deliveryFailed) {
      const request = state.lastRequest?.eventId === event.causationid ? state.lastRequest?.data : undefined;
      state.failed = { time: event.time, ...(request ? { request } : {}) };
      state.everFailed = true;
      state.open = false;
    }
    // Other outcomes (e.g. a retry scheduled) are not final: the delivery stays open.
  }

  /** `delivered:<id>` of every acknowledged delivery whose 90 days have not run out. */
  delivered(now: number): ExpectedValue[] {
    const out: ExpectedValue[] = [];
    for (const [id, s] of this.deliveries) {
      const ttlMs = s.succeeded ? Date.parse(s.succeeded.time) + DELIVERY_RECORDS_KEEP_MS - now : 0;
      if (s.succeeded && ttlMs > 0) out.push({ key: deliveredKey(id), value: s.succeeded.receipt ?? 'ok', ttlMs });
    }
    return out;
  }

  /** `delivery-failed:<id>`: the request that gave up, for a delivery never acknowledged. */
  failed(now: number): { expected: ExpectedValue[]; unmatched: string[] } {
    const expected: ExpectedValue[] = [];
    const unmatched: string[] = [];
    for (const [id, s] of this.deliveries) {
      if (!s.failed || s.succeeded) continue;
      const ttlMs = Date.parse(s.failed.time) + DELIVERY_RECORDS_KEEP_MS - now;
      if (ttlMs <= 0) continue;
      if (s.failed.request) expected.push({ key: failedKey(id), value: s.failed.request, ttlMs });
      else unmatched.push(failedKey(id));
    }
    return { expected, unmatched };
  }

  /** `delivery-failed:<id>` of deliveries that got through after failing: the worker removed them. */
  cleared(): string[] {
    return [...this.deliveries].filter(([, s]) => s.succeeded && s.everFailed).map(([id]) => failedKey(id));
  }

  pending(): PendingDelivery[] {
    const out: PendingDelivery[] = [];
    for (const [deliveryId, s] of this.deliveries) {
      if (s.succeeded || !s.open || !s.lastRequest) continue;
      out.push({
        deliveryId,
        ...(s.lastRequest.orderId ? { orderId: s.lastRequest.orderId } : {}),
        requestEventId: s.lastRequest.eventId,
        requestedAt: s.lastRequest.time,
        request: JSON.parse(s.lastRequest.data ?? 'null') as DeliveryRequestedData,
      });
    }
    return out;
  }
}
