// Answers "what happened to this order?" from the projected trace and the live deadlines.
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { Deadline, Store } from '../store/store.ts';
import { referenceKey, traceKey, type TraceEntry } from './projector.ts';

export interface DeliveryView {
  deliveryId: string;
  inboxId?: string;
  inboxKind?: string;
  status: 'requested' | 'delivered' | 'failed';
  requestedAt: string;
  finishedAt?: string;
  attempts?: number;
  receipt?: string;
  errorCode?: string;
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

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function deadlineView(d: Deadline): DeadlineView {
  const { openedAt, dueAt, warnAt, closedAt, ...rest } = d;
  const view: DeadlineView = { ...rest, openedAt: iso(openedAt)!, dueAt: iso(dueAt)! };
  if (warnAt !== undefined) view.warnAt = iso(warnAt);
  if (closedAt !== undefined) view.closedAt = iso(closedAt);
  return view;
}

function deliveriesOf(entries: TraceEntry[]): DeliveryView[] {
  const byId = new Map<string, DeliveryView>();
  for (const e of entries) {
    if (!e.deliveryId) continue;
    if (e.type === EVENT_TYPES.deliveryRequested) {
      byId.set(e.deliveryId, { deliveryId: e.deliveryId, inboxId: e.inboxId, inboxKind: e.inboxKind, status: 'requested', requestedAt: e.time });
      continue;
    }
    const view = byId.get(e.deliveryId);
    if (!view) continue;
    view.status = e.type === EVENT_TYPES.deliverySucceeded ? 'delivered' : 'failed';
    view.finishedAt = e.time;
    view.attempts = e.attempts;
    if (e.receipt) view.receipt = e.receipt;
    if (e.errorCode) view.errorCode = e.errorCode;
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
}
