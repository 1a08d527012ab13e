// Answers "what happened to this order?" from the projected trace and the live deadlines.
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { Deadline, Store } from '../store/store.ts';
import { clientKey, referenceKey, traceKey, type TraceEntry } from './projector.ts';

export interface DeliveryView {
  deliveryId: string;
  /** The event the delivery carries (an order, a confirmation, a deadline warning …). */
  eventId?: string;
  eventType?: string;
  inboxId?: string;
  inboxKind?: string;
  /**
   * `retrying`: an attempt failed and the next one is scheduled (`nextAttemptAt`);
   * `waiting-for-window`: a notice waits for its inbox's contact window (`plannedAt`, R-CONTACT-HOURS).
   */
  status: 'requested' | 'waiting-for-window' | 'retrying' | 'delivered' | 'failed';
  requestedAt?: string;
  finishedAt?: string;
  attempts?: number;
  receipt?: string;
  errorCode?: string;
  errorDetail?: string;
  nextAttemptAt?: string;
  plannedAt?: string;
}

export interface DeadlineView extends Omit<Deadline, 'openedAt' | 'dueAt' | 'warnAt' | 'closedAt'> {
  openedAt: string;
  dueAt: string;
  warnAt?: string;
  closedAt?: string;
}

export interface OrderTrace {
  orderId: string;
  references: string[];
  events: TraceEntry[];
  deliveries: DeliveryView[];
  deadlines: DeadlineView[];
}

/** One order of a client, in brief; `trace` is where its whole trace is. */
export interface ClientOrderView {
  orderId: string;
  references: string[];
  /** The first and the latest event of the order. */
  firstEventAt: string;
  lastEvent: { type: string; time: string };
  deadlines: { kind: string; status: Deadline['status']; dueAt: string }[];
  trace: string;
}

export interface ClientOrders {
  clientId: string;
  orders: ClientOrderView[];
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function deadlineView(d: Deadline): DeadlineView {
  const { openedAt, dueAt, warnAt, closedAt, ...rest } = d;
  const view: DeadlineView = { ...rest, openedAt: iso(openedAt)!, dueAt: iso(dueAt)! };
  if (warnAt !== undefined) view.warnAt = iso(warnAt);
  if (closedAt !== undefined) view.closedAt = iso(closedAt);
  return view;
}

/** Each delivery's state after its events in time order (a request and its outcomes travel on different topics). */
function deliveriesOf(entries: TraceEntry[]): DeliveryView[] {
  const byId = new Map<string, DeliveryView>();
  const inTimeOrder = entries.filter((e) => e.deliveryId).sort((a, b) => a.time.localeCompare(b.time));
  for (const e of inTimeOrder) {
    const id = e.deliveryId!;
    const view = byId.get(id) ?? { deliveryId: id, status: 'requested' };
    byId.set(id, view);
    if (e.inboxId) view.inboxId = e.inboxId;
    if (e.inboxKind) view.inboxKind = e.inboxKind;
    if (e.type === EVENT_TYPES.deliveryRequested) {
      if (e.eventId) view.eventId = e.eventId;
      if (e.eventType) view.eventType = e.eventType;
      // A replay asks again: what is known of the earlier attempts stays until they are retold.
      view.requestedAt ??= e.time;
      if (view.status !== 'delivered' && view.status !== 'waiting-for-window') view.status = 'requested';
      continue;
    }
    if (view.status === 'delivered') continue;
    if (e.type === EVENT_TYPES.deliveryWaitingForWindow) {
      view.status = 'waiting-for-window';
      view.plannedAt = e.plannedAt;
      continue;
    }
    view.attempts = e.attempts;
    if (e.errorCode) view.errorCode = e.errorCode;
    if (e.errorDetail) view.errorDetail = e.errorDetail;
    if (e.type === EVENT_TYPES.deliveryRetryScheduled) {
      view.status = 'retrying';
      view.nextAttemptAt = e.nextAttemptAt;
      continue;
    }
    view.status = e.type === EVENT_TYPES.deliverySucceeded ? 'delivered' : 'failed';
    view.finishedAt = e.time;
    delete view.nextAttemptAt;
    if (e.receipt) view.receipt = e.receipt;
    if (view.status === 'delivered') {
      delete view.errorCode;
      delete view.errorDetail;
    }
  }
  return [...byId.values()];
}

export class TraceQuery {
  constructor(private readonly store: Store) {}

  /** Accepts Brygga's order id or a source system's own reference (e.g. a Lifecare BeslutsId). */
  async resolve(idOrReference: string): Promise<string | undefined> {
    const viaReference = await this.store.get(referenceKey(idOrReference));
    if (viaReference) return viaReference;
    const entries = await this.store.range(traceKey(idOrReference));
    return entries.length > 0 ? idOrReference : undefined;
  }

  async trace(idOrReference: string): Promise<OrderTrace | undefined> {
    const orderId = await this.resolve(idOrReference);
    if (!orderId) return undefined;
    const seen = new Set<string>();
    const entries = (await this.store.range(traceKey(orderId)))
      .map((line) => JSON.parse(line) as TraceEntry)
      .filter((e) => !seen.has(e.id) && seen.add(e.id));
    return {
      orderId,
      references: [...new Set(entries.flatMap((e) => (e.reference ? [e.reference] : [])))],
      events: entries.filter((e) => !e.deliveryId),
      deliveries: deliveriesOf(entries),
      deadlines: (await this.store.deadlinesOfOrder(orderId)).map(deadlineView),
    };
  }

  /** A pseudonymous client's orders, first received first; undefined when no order names the client. */
  async ordersOfClient(clientId: string): Promise<ClientOrders | undefined> {
    const orderIds = new Set(await this.store.range(clientKey(clientId)));
    if (orderIds.size === 0) return undefined;
    const orders: ClientOrderView[] = [];
    for (const orderId of orderIds) {
      const trace = await this.trace(orderId);
      if (trace && trace.events.length > 0) orders.push(briefOf(trace));
    }
    orders.sort((a, b) => Date.parse(a.firstEventAt) - Date.parse(b.firstEventAt));
    return { clientId, orders };
  }
}

function briefOf(trace: OrderTrace): ClientOrderView {
  // Event times keep their source's offset: compared as instants.
  const byTime = [...trace.events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const last = byTime[byTime.length - 1]!;
  return {
    orderId: trace.orderId,
    references: trace.references,
    firstEventAt: byTime[0]!.time,
    lastEvent: { type: last.type, time: last.time },
    deadlines: trace.deadlines.map(({ kind, status, dueAt }) => ({ kind, status, dueAt })),
    trace: `/api/orders/${encodeURIComponent(trace.orderId)}`,
  };
}
