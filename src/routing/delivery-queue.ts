// The durable queue of deliveries waiting for their next attempt: one store task queue per
// receiving system, the task id being the delivery id (so a delivery is queued at most once).
import type { DeliveryRequestedData } from '../canonical/schemas/index.ts';
import type { ScheduledTask } from '../store/store.ts';

/** What a queued delivery carries between attempts. */
export interface QueuedDelivery {
  /** The router's request as it was on the bus (what a dead letter keeps). */
  request: DeliveryRequestedData;
  /** The id of the delivery.requested event, for causation. */
  requestEventId: string;
  /** When the delivery was first requested; every attempt sends this same time. */
  requestedAt: string;
  /** Attempts made so far. */
  attempts: number;
}

export const deliveryQueueOf = (system: string): string => `delivery:${system}`;

export function queuedTask(delivery: QueuedDelivery, dueAt: number): ScheduledTask {
  return { queue: deliveryQueueOf(delivery.request.inbox.system), id: delivery.request.deliveryId, dueAt, payload: JSON.stringify(delivery) };
}

export const queuedDeliveryOf = (task: ScheduledTask): QueuedDelivery => JSON.parse(task.payload) as QueuedDelivery;

/** Backoff before attempt `attempts + 1`: doubling from the initial wait, capped. */
export function backoffMs(attempts: number, policy: { initialBackoffMs: number; maxBackoffMs: number }): number {
  return Math.min(policy.initialBackoffMs * 2 ** Math.min(attempts - 1, 40), policy.maxBackoffMs);
}
