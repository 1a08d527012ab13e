// Keeps each order's trace: every event, delivery and deadline event that concerns it, with
// times, as a list in the store. Entries hold ids and types only, never personal data. Also
// keeps each pseudonymous client's order ids, so a client's orders can be found.
import type { Bus, Subscription } from '../bus/bus.ts';
import { fromBusRecord, type CloudEvent } from '../canonical/envelope.ts';
import { TOPICS } from '../canonical/event-types.ts';
import type { KeyValueStore } from '../store/store.ts';

export interface TraceEntry {
  id: string;
  type: string;
  time: string;
  source: string;
  causationId?: string;
  /** The source system's own reference, e.g. a Lifecare BeslutsId. */
  reference?: string;
  deliveryId?: string;
  /** A delivery request: the id and type of the event it carries. */
  eventId?: string;
  eventType?: string;
  inboxId?: string;
  inboxKind?: string;
  attempts?: number;
  receipt?: string;
  errorCode?: string;
  /** A delivery's error as the receiver gave it (ECONNREFUSED, HTTP 503), never message content. */
  errorDetail?: string;
  nextAttemptAt?: string;
  /** When a notice waiting for its inbox's contact window is to go (R-CONTACT-HOURS). */
  plannedAt?: string;
  deadlineId?: string;
  kind?: string;
  rule?: string;
  dueAt?: string;
  /** A message attached from the review list: its id, the operator who attached it, and why. */
  reviewId?: string;
  by?: string;
  reason?: string;
}

export const traceKey = (orderId: string): string => `trace:${orderId}`;
export const referenceKey = (reference: string): string => `ref:${reference}`;
/** A list of the order ids of a pseudonymous client (src/canonical/pseudonym.ts); readers drop repeats. */
export const clientKey = (clientId: string): string => `client:${clientId}`;
/** Marks that an order is on its client's list, so the check costs one key, not the whole list. */
export const clientOrderKey = (clientId: string, orderId: string): string => `client:${clientId}:${orderId}`;

/** The fields of delivery and deadline events that a trace entry copies as they are. */
type CopiedFields = Pick<TraceEntry, 'deliveryId' | 'inboxId' | 'attempts' | 'receipt' | 'errorCode' | 'nextAttemptAt' | 'plannedAt' | 'deadlineId' | 'kind' | 'rule' | 'dueAt'>;

interface TracedData extends CopiedFields {
  detail?: string;
  orderId?: string;
  origin?: { system: string; reference: string };
  inbox?: { inboxId: string; kind: string };
  /** A delivery request's carried event. */
  event?: { id: string; type: string };
  clientId?: string;
  client?: { clientId?: string };
}

export function traceEntryOf(event: CloudEvent): TraceEntry {
  const d = event.data as TracedData;
  const entry: TraceEntry = { id: event.id, type: event.type, time: event.time, source: event.source };
  const optional: Partial<TraceEntry> = {
    causationId: event.causationid,
    reference: d.origin?.reference,
    deliveryId: d.deliveryId,
    eventId: d.event?.id,
    eventType: d.event?.type,
    inboxId: d.inbox?.inboxId ?? d.inboxId,
    inboxKind: d.inbox?.kind,
    attempts: d.attempts,
    receipt: d.receipt,
    errorCode: d.errorCode,
    errorDetail: d.deliveryId ? d.detail : undefined,
    nextAttemptAt: d.nextAttemptAt,
    plannedAt: d.plannedAt,
    deadlineId: d.deadlineId,
    kind: d.kind,
    rule: d.rule,
    dueAt: d.dueAt,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (entry as unknown as Record<string, unknown>)[key] = value;
  }
  return entry;
}

/** Every topic a trace is projected from; rebuild replays them through {@link TraceProjector.project}. */
export const TRACED_TOPICS: string[] = [TOPICS.orderEvents, TOPICS.deadlineEvents, TOPICS.deliveryRequests, TOPICS.deliveryOutcomes];

export class TraceProjector {
  private subscription?: Subscription;

  constructor(private readonly deps: { bus: Bus; kv: KeyValueStore }) {}

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: 'brygga-trace',
      topics: TRACED_TOPICS,
      fromBeginning: true,
      handler: async (record) => this.project(fromBusRecord(record)),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  /** Appending twice after a crash is harmless: readers drop repeated entry ids. */
  async project(event: CloudEvent): Promise<void> {
    const data = event.data as TracedData;
    const orderId = data.orderId ?? event.correlationid;
    if (data.origin && data.orderId) {
      await this.deps.kv.set(referenceKey(data.origin.reference), data.orderId);
    }
    const clientId = data.clientId ?? data.client?.clientId;
    if (clientId && data.orderId) await this.rememberClientOrder(clientId, data.orderId);
    await this.deps.kv.append(traceKey(orderId), JSON.stringify(traceEntryOf(event)));
  }

  /**
   * Adds the order to the client's list unless its marker says it is there: a record read again
   * adds nothing, and a client with many orders costs no more than one with few. A crash between
   * the append and the marker appends the id again on redelivery; readers drop the repeat. One
   * order's events share a partition (keyed by order id), so no two projectors check it at once.
   */
  private async rememberClientOrder(clientId: string, orderId: string): Promise<void> {
    const marker = clientOrderKey(clientId, orderId);
    if ((await this.deps.kv.get(marker)) !== undefined) return;
    await this.deps.kv.append(clientKey(clientId), orderId);
    await this.deps.kv.set(marker, orderId);
  }
}
