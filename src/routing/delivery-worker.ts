// Delivers each requested delivery to its receiving system, at least once. The consumer of
// deliveries.requests only puts the request in its system's durable queue (the store), so the
// partition moves on at once; each system's lane makes the attempts, and a failed attempt worth
// retrying is scheduled again with backoff in the same queue, surviving restarts and crashes.
// The delivery id is the idempotency key: a delivery the receiver acknowledged is never sent
// again, and a resend after a crash carries the same id (Lifecare: MeddelandeId).
import type { Logger } from 'pino';
import type { Bus, ConsumedRecord, Subscription } from '../bus/bus.ts';
import { fromBusRecord, stableId } from '../canonical/envelope.ts';
import { EVENT_TYPES, TOPICS } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { DeliveryRequestedData } from '../canonical/schemas/index.ts';
import type { Clock } from '../clock.ts';
import { BryggaError } from '../errors.ts';
import type { HealthBoard } from '../health.ts';
import type { Metrics } from '../metrics.ts';
import type { KeyValueStore, ScheduledTask, TaskStore } from '../store/store.ts';
import type { DeliveryChannel } from './channel.ts';
import type { ContactHours } from './contact-hours.ts';
import type { DeadLetters } from './dead-letters.ts';
import { DeliveryLane, type LanePolicy } from './delivery-lane.ts';
import { backoffMs, queuedDeliveryOf, queuedTask, type QueuedDelivery } from './delivery-queue.ts';

export interface DeliveryPolicy extends LanePolicy {
  /** Attempts before a delivery gives up and is dead-lettered. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

const KEEP_MS = 90 * 24 * 3600 * 1000;

export const deliveredKey = (deliveryId: string): string => `delivered:${deliveryId}`;
/** The request of a delivery that gave up, kept so an operator can replay it. */
export const failedKey = (deliveryId: string): string => `delivery-failed:${deliveryId}`;

export interface DeliveryWorkerDeps {
  bus: Bus;
  store: KeyValueStore & TaskStore;
  publisher: EventPublisher;
  deadLetters: DeadLetters;
  channels: Map<string, DeliveryChannel>;
  policy: DeliveryPolicy;
  clock: Clock;
  /** R-CONTACT-HOURS: when a delivery's first attempt may be made (none: at once). */
  contactHours?: ContactHours;
  health: HealthBoard;
  metrics: Metrics;
  logger: Logger;
}

export class DeliveryWorker {
  private subscription?: Subscription;
  private readonly lanes = new Map<string, DeliveryLane>();

  constructor(private readonly deps: DeliveryWorkerDeps) {}

  async start(): Promise<void> {
    const { store, clock, policy, health, logger } = this.deps;
    for (const channel of this.deps.channels.values()) {
      const lane = new DeliveryLane({
        system: channel.system, store, clock, policy, health, logger,
        attempt: (task) => this.attempt(channel, task),
      });
      this.lanes.set(channel.system, lane);
      lane.start();
    }
    this.subscription = await this.deps.bus.subscribe({
      groupId: 'brygga-delivery',
      topics: [TOPICS.deliveryRequests],
      fromBeginning: true,
      handler: (record) => this.enqueue(record),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await Promise.all([...this.lanes.values()].map((lane) => lane.stop()));
  }

  /** The consumer's whole job: the request is durably queued (once) before its record commits. */
  private async enqueue(record: ConsumedRecord): Promise<void> {
    const event = fromBusRecord<DeliveryRequestedData>(record);
    const delivery: QueuedDelivery = { request: event.data, requestEventId: event.id, requestedAt: event.time, attempts: 0 };
    const { deliveryId, inbox } = delivery.request;
    const lane = this.lanes.get(inbox.system);
    const now = this.deps.clock.now();
    const firstAttemptAt = lane ? (this.deps.contactHours?.firstAttemptAt(delivery.request, now) ?? now) : now;
    // A request read again after its delivery is queued and dropped by the attempt, which checks
    // the delivered marker before sending; the marker is read here only when queueing would
    // first tell or dead-letter something.
    if ((!lane || firstAttemptAt > now) && (await this.deps.store.get(deliveredKey(deliveryId)))) {
      this.deps.logger.info({ deliveryId }, 'already delivered; skipped');
      return;
    }
    if (!lane) {
      await this.giveUp(delivery, 0, new BryggaError('BRY_DELIVERY_REJECTED', `no connector delivers to system '${inbox.system}'`));
      return;
    }
    // Told before it is queued: a crash in between tells it again under the same event id.
    if (firstAttemptAt > now) await this.waitingForWindow(delivery, firstAttemptAt);
    if (await this.deps.store.scheduleTask(queuedTask(delivery, firstAttemptAt), 'if-absent')) lane.wake();
  }

  private async waitingForWindow(delivery: QueuedDelivery, plannedAt: number): Promise<void> {
    const { request, requestEventId } = delivery;
    await this.publishOutcome(delivery, stableId(request.deliveryId, 'waiting-for-window', requestEventId), EVENT_TYPES.deliveryWaitingForWindow, {
      plannedAt: new Date(plannedAt).toISOString(), rule: 'R-CONTACT-HOURS',
    });
    this.deps.logger.info({ deliveryId: request.deliveryId, inboxId: request.inbox.inboxId, plannedAt: new Date(plannedAt).toISOString() }, 'notice waits for the inbox\'s contact window');
  }

  /** One attempt of a claimed delivery, and what follows from its outcome. */
  private async attempt(channel: DeliveryChannel, task: ScheduledTask): Promise<void> {
    const { store, clock, policy, metrics } = this.deps;
    const delivery = queuedDeliveryOf(task);
    const { request } = delivery;
    const log = this.deps.logger.child({ deliveryId: request.deliveryId, inboxId: request.inbox.inboxId, orderId: request.orderId });
    if (await store.get(deliveredKey(request.deliveryId))) {
      await store.removeTask(task.queue, task.id);
      return;
    }
    const attempts = delivery.attempts + 1;
    let receipt: string | undefined;
    try {
      ({ receipt } = await channel.deliver({ deliveryId: request.deliveryId, requestedAt: delivery.requestedAt, inbox: request.inbox, event: request.event }));
    } catch (cause) {
      const error = cause instanceof BryggaError ? cause : new BryggaError('BRY_DELIVERY_FAILED', (cause as Error).message, [], { cause });
      const retry = error.retryable && attempts < policy.maxAttempts;
      metrics.deliveries.inc({ system: channel.system, route: request.inbox.kind, outcome: retry ? 'retry' : error.retryable ? 'failed' : 'rejected' });
      if (retry) {
        const nextAttemptAt = clock.now() + backoffMs(attempts, policy);
        await this.retryScheduled(delivery, attempts, error, nextAttemptAt);
        await store.scheduleTask(queuedTask({ ...delivery, attempts }, nextAttemptAt), 'replace');
        log.warn({ attempts, code: error.code, detail: error.message, nextAttemptAt: new Date(nextAttemptAt).toISOString() }, 'delivery attempt failed; retry scheduled');
      } else {
        await this.giveUp(delivery, attempts, error);
        await store.removeTask(task.queue, task.id);
      }
      return;
    }
    metrics.deliveries.inc({ system: channel.system, route: request.inbox.kind, outcome: 'delivered' });
    metrics.deliveryLatency.observe({ system: channel.system, route: request.inbox.kind }, Math.max(0, clock.now() - Date.parse(request.event.time)) / 1000);
    await this.succeeded(delivery, attempts, receipt);
    await store.removeTask(task.queue, task.id);
    log.info({ attempts }, 'delivered');
  }

  private async succeeded(delivery: QueuedDelivery, attempts: number, receipt: string | undefined): Promise<void> {
    const { request } = delivery;
    // Together, in one round trip: the request kept for replay is not needed once delivered.
    await Promise.all([
      this.deps.store.set(deliveredKey(request.deliveryId), receipt ?? 'ok', KEEP_MS),
      this.deps.store.delete(failedKey(request.deliveryId)),
    ]);
    await this.publishOutcome(delivery, stableId(request.deliveryId, 'succeeded'), EVENT_TYPES.deliverySucceeded, {
      attempts, ...(receipt ? { receipt } : {}),
    });
  }

  private async retryScheduled(delivery: QueuedDelivery, attempts: number, error: BryggaError, nextAttemptAt: number): Promise<void> {
    const { request, requestEventId } = delivery;
    await this.publishOutcome(delivery, stableId(request.deliveryId, 'retry', requestEventId, String(attempts)), EVENT_TYPES.deliveryRetryScheduled, {
      attempts, errorCode: error.code, detail: error.message, nextAttemptAt: new Date(nextAttemptAt).toISOString(),
    });
  }

  /** A delivery that will not get through by itself: failed event, dead letter, kept for replay. */
  private async giveUp(delivery: QueuedDelivery, attempts: number, error: BryggaError): Promise<void> {
    const { request, requestEventId } = delivery;
    await this.deps.store.set(failedKey(request.deliveryId), JSON.stringify(request), KEEP_MS);
    await this.publishOutcome(delivery, stableId(request.deliveryId, 'failed', requestEventId), EVENT_TYPES.deliveryFailed, {
      attempts: Math.max(attempts, 1), errorCode: error.code, detail: error.message, retryable: error.retryable,
    });
    await this.deps.deadLetters.record({
      stage: 'delivery',
      original: Buffer.from(JSON.stringify(request)),
      contentType: 'application/json',
      problems: [{ code: error.code, field: 'inbox', rule: 'DELIVERY', detail: error.message }],
      orderId: request.orderId,
      causationId: requestEventId,
    });
    this.deps.logger.error({ deliveryId: request.deliveryId, inboxId: request.inbox.inboxId, code: error.code, attempts }, 'delivery failed; dead-lettered');
  }

  private async publishOutcome(delivery: QueuedDelivery, id: string, type: (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES], outcome: Record<string, unknown>): Promise<void> {
    const { request, requestEventId } = delivery;
    const { publisher } = this.deps;
    await publisher.publish([
      publisher.create({
        id,
        type,
        source: '/brygga/delivery',
        subject: request.orderId ?? request.event.subject,
        causationid: requestEventId,
        data: { deliveryId: request.deliveryId, ...(request.orderId ? { orderId: request.orderId } : {}), inboxId: request.inbox.inboxId, ...outcome },
      }),
    ]);
  }
}
