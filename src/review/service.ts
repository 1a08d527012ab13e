// Attaching a message from the review list to an order, or dismissing it, as the HTTP API and
// the CLI both do. Attaching hands the original bytes to the connector that refused them, which
// reads them as if they had named the order (the mail connector: the same events a matching reply
// gives); the events are published, the decision recorded and the order's trace told who did it.
import { stableId, type CloudEvent } from '../canonical/envelope.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { Clock } from '../clock.ts';
import type { ActiveConnector } from '../connectors/connector.ts';
import { BryggaError } from '../errors.ts';
import type { KeyValueStore } from '../store/store.ts';
import { traceKey, type TraceEntry } from '../trace/projector.ts';
import type { TraceQuery } from '../trace/query.ts';
import type { ReviewDecision, ReviewItem, ReviewList } from './review-list.ts';

/** The trace entry of a message attached from the review list. */
export const REVIEW_ATTACHED = 'se.brygga.review.attached';

export type Attacher = (original: Buffer, receivedAt: number, orderId: string) => Promise<CloudEvent[]>;

/** The connectors that can attach what they refused, by system. */
export function attachersOf(connectors: readonly ActiveConnector[]): Map<string, Attacher> {
  const attachers = new Map<string, Attacher>();
  for (const { connector, config } of connectors) {
    const attach = connector.attachFromReview;
    if (attach) attachers.set(connector.system, (original, receivedAt, orderId) => attach.call(connector, config, original, receivedAt, orderId));
  }
  return attachers;
}

export interface ReviewServiceDeps {
  reviews: ReviewList;
  kv: KeyValueStore;
  traces: TraceQuery;
  publisher: EventPublisher;
  clock: Clock;
  attachers: ReadonlyMap<string, Attacher>;
}

const decidedAlready = (item: ReviewItem): BryggaError =>
  new BryggaError('BRY_REVIEW_DECIDED', `this message was already ${item.status}${item.decision?.orderId ? ` to order ${item.decision.orderId}` : ''} by ${item.decision?.by} at ${item.decision?.at}`);

export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  private async item(id: string): Promise<ReviewItem> {
    const item = await this.deps.reviews.get(id);
    if (!item) throw new BryggaError('BRY_NOT_FOUND', 'no message with that id in the review list');
    return item;
  }

  /**
   * Attaches the message to the order (its id or a source system's reference). Repeating the same
   * attach (after a crash, or a retried request) publishes the same events again, which changes nothing.
   */
  async attach(id: string, request: { orderId: string; by: string; reason?: string }): Promise<ReviewItem> {
    const { reviews, traces, publisher, clock, attachers } = this.deps;
    const item = await this.item(id);
    if (item.decision?.status === 'dismissed') throw decidedAlready(item);
    const orderId = await traces.resolve(request.orderId);
    if (!orderId) throw new BryggaError('BRY_ORDER_NOT_FOUND', 'no order with that id or reference');
    const sameAttach = (i: ReviewItem): boolean => i.decision?.status === 'attached' && i.decision.orderId === orderId;
    if (item.decision && !sameAttach(item)) throw decidedAlready(item);
    const attach = attachers.get(item.system);
    if (!attach) throw new BryggaError('BRY_BAD_REQUEST', `the ${item.system} connector is not configured here, so its messages cannot be attached`);
    const original = await reviews.original(id);
    if (!original) throw new BryggaError('BRY_NOT_FOUND', 'the original of this message is no longer in the store');
    const events = await attach(original, Date.parse(item.receivedAt), orderId);

    const decision: ReviewDecision = {
      status: 'attached', by: request.by, at: new Date(clock.now()).toISOString(), orderId, eventIds: events.map((e) => e.id),
      ...(request.reason ? { reason: request.reason } : {}),
    };
    const { item: after } = await reviews.decide(id, decision);
    if (!sameAttach(after)) throw decidedAlready(after);
    await publisher.publish(events);
    const recorded = after.decision!;
    const entry: TraceEntry = {
      id: stableId('review', id, 'attached', orderId), type: REVIEW_ATTACHED, time: recorded.at, source: '/brygga/review', reviewId: id, by: recorded.by,
      ...(recorded.reason ? { reason: recorded.reason } : {}),
    };
    await this.deps.kv.append(traceKey(orderId), JSON.stringify(entry));
    return after;
  }

  /** Dismisses the message; dismissing it again changes nothing. */
  async dismiss(id: string, request: { by: string; reason: string }): Promise<ReviewItem> {
    await this.item(id);
    const { item } = await this.deps.reviews.decide(id, { status: 'dismissed', by: request.by, at: new Date(this.deps.clock.now()).toISOString(), reason: request.reason });
    if (item.status !== 'dismissed') throw decidedAlready(item);
    return item;
  }
}
