// Delivers each requested delivery to its receiving system, at least once, with retry and
// backoff. The delivery id is the idempotency key: a delivery already acknowledged by the
// receiver is never sent again, and a resend after a crash carries the same id, which the
// receiver (Lifecare: MeddelandeId) treats as the same message.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Bus, ConsumedRecord, Subscription } from '../bus/bus.ts';
import { fromBusRecord, stableId } from '../canonical/envelope.ts';
import { EVENT_TYPES, TOPICS } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import { BryggaError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { KeyValueStore } from '../store/store.ts';
import type { DeliveryChannel, DeliveryRequest } from './channel.ts';
import type { DeadLetters } from './dead-letters.ts';

export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

const KEEP_MS = 90 * 24 * 3600 * 1000;

export const deliveredKey = (deliveryId: string): string => `delivered:${deliveryId}`;
/** The request of a delivery that gave up, kept so an operator can replay it. */
export const failedKey = (deliveryId: string): string => `delivery-failed:${deliveryId}`;

export class DeliveryWorker {
  private subscription?: Subscription;
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: {
      bus: Bus;
      kv: KeyValueStore;
      publisher: EventPublisher;
      deadLetters: DeadLetters;
      channels: Map<string, DeliveryChannel>;
      retry: RetryPolicy;
      metrics: Metrics;
      logger: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: 'brygga-delivery',
      topics: [TOPICS.deliveryRequests],
      fromBeginning: true,
      handler: (record) => this.handle(record),
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.stop();
  }

  private async handle(record: ConsumedRecord): Promise<void> {
    const requestEvent = fromBusRecord<Omit<DeliveryRequest, 'requestedAt'> & { orderId?: string }>(record);
    const request: DeliveryRequest = { ...requestEvent.data, requestedAt: requestEvent.time };
    const { kv, logger } = this.deps;
    const log = logger.child({ deliveryId: request.deliveryId, inboxId: request.inbox.inboxId, orderId: requestEvent.data.orderId });
    if (await kv.get(deliveredKey(request.deliveryId))) {
      log.info('already delivered; skipped');
      return;
    }
    const outcome = await this.attempt(request, log);
    if (this.stopping.signal.aborted && !outcome.done) throw new Error('stopped before delivery finished');
    const orderId = requestEvent.data.orderId;
    if (outcome.done) {
      await kv.set(deliveredKey(request.deliveryId), outcome.receipt ?? 'ok', KEEP_MS);
      await kv.delete(failedKey(request.deliveryId));
      await this.deps.publisher.publish([
        this.deps.publisher.create({
          id: stableId(request.deliveryId, 'succeeded'),
          type: EVENT_TYPES.deliverySucceeded,
          source: '/brygga/delivery',
          subject: orderId ?? requestEvent.subject,
          causationid: requestEvent.id,
          data: { deliveryId: request.deliveryId, orderId, inboxId: request.inbox.inboxId, attempts: outcome.attempts, ...(outcome.receipt ? { receipt: outcome.receipt } : {}) },
        }),
      ]);
      return;
    }
    const error = outcome.error;
    await kv.set(failedKey(request.deliveryId), JSON.stringify(requestEvent.data), KEEP_MS);
    await this.deps.publisher.publish([
      this.deps.publisher.create({
        id: stableId(request.deliveryId, 'failed', requestEvent.id),
        type: EVENT_TYPES.deliveryFailed,
        source: '/brygga/delivery',
        subject: orderId ?? requestEvent.subject,
        causationid: requestEvent.id,
        data: { deliveryId: request.deliveryId, orderId, inboxId: request.inbox.inboxId, attempts: outcome.attempts, errorCode: error.code, detail: error.message, retryable: error.retryable },
      }),
    ]);
    await this.deps.deadLetters.record({
      stage: 'delivery',
      original: record.value,
      contentType: 'application/json',
      problems: [{ code: error.code, field: 'inbox', rule: 'DELIVERY', detail: error.message }],
      orderId,
      causationId: requestEvent.id,
    });
    log.error({ code: error.code, attempts: outcome.attempts }, 'delivery failed; dead-lettered');
  }

  private async attempt(
    request: DeliveryRequest,
    log: Logger,
  ): Promise<{ done: true; attempts: number; receipt?: string } | { done: false; attempts: number; error: BryggaError }> {
    const { channels, retry, metrics } = this.deps;
    const channel = channels.get(request.inbox.system);
    if (!channel) {
      return { done: false, attempts: 0, error: new BryggaError('BRY_DELIVERY_REJECTED', `no connector delivers to system '${request.inbox.system}'`) };
    }
    let backoff = retry.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const { receipt } = await channel.deliver(request);
        metrics.deliveries.inc({ system: channel.system, outcome: 'delivered' });
        log.info({ attempt }, 'delivered');
        return { done: true, attempts: attempt, ...(receipt ? { receipt } : {}) };
      } catch (cause) {
        const error = cause instanceof BryggaError ? cause : new BryggaError('BRY_DELIVERY_FAILED', (cause as Error).message, [], { cause });
        metrics.deliveries.inc({ system: channel.system, outcome: error.retryable ? 'retry' : 'rejected' });
        log.warn({ attempt, code: error.code, detail: error.message }, 'delivery attempt failed');
        if (!error.retryable || attempt >= retry.maxAttempts || this.stopping.signal.aborted) {
          return { done: false, attempts: attempt, error };
        }
        await sleep(backoff, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, retry.maxBackoffMs);
      }
    }
  }
}
