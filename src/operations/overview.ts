// What an operator looks at: deadlines per unit (open, due soon, breached, with their age) and the
// flow per system (received, refused, delivered, failed, waiting, the oldest undelivered). Read
// by the dashboard's JSON endpoints and by the metrics' gauges. Ids and counts only.
import type { Metrics } from '../metrics.ts';
import { deliveryQueueOf, queuedDeliveryOf } from '../routing/delivery-queue.ts';
import type { InboxDirectory } from '../routing/inboxes.ts';
import type { OrderRegistry } from '../routing/order-registry.ts';
import type { Deadline, DeadlineStore, TaskStore } from '../store/store.ts';

/** How many deadlines per status a view or a scrape reads at most (soonest due first). */
export const DEADLINE_SAMPLE = 10_000;
/** How many queued deliveries per system are looked at for the oldest (soonest next attempt first). */
const QUEUE_SAMPLE = 1_000;

export type DeadlinePhase = 'open' | 'due-soon' | 'breached';

/** An open deadline is due soon once its warning time has come (or its warning fired). */
export function phaseOf(deadline: Deadline, now: number): DeadlinePhase | undefined {
  if (deadline.status === 'breached') return 'breached';
  if (deadline.status !== 'open') return undefined;
  return deadline.warned || (deadline.warnAt !== undefined && deadline.warnAt <= now) || deadline.dueAt <= now ? 'due-soon' : 'open';
}

async function openAndBreached(store: DeadlineStore, limit: number): Promise<Deadline[]> {
  const [open, breached] = await Promise.all([store.listDeadlines('open', limit), store.listDeadlines('breached', limit)]);
  return [...open, ...breached];
}

/** For the gauge `brygga_deadlines{kind,status}`. */
export async function deadlineCounts(store: DeadlineStore, now: number): Promise<Array<{ kind: string; status: DeadlinePhase; count: number }>> {
  const counts = new Map<string, { kind: string; status: DeadlinePhase; count: number }>();
  for (const deadline of await openAndBreached(store, DEADLINE_SAMPLE)) {
    const status = phaseOf(deadline, now);
    if (!status) continue;
    const key = `${deadline.kind}\u0000${status}`;
    const row = counts.get(key) ?? { kind: deadline.kind, status, count: 0 };
    row.count++;
    counts.set(key, row);
  }
  return [...counts.values()];
}

export interface DeadlineItem {
  id: string;
  orderId: string;
  reference?: string;
  kind: string;
  rule: string;
  phase: DeadlinePhase;
  dueAt: string;
  /** Seconds since it opened. */
  ageSeconds: number;
  /** Seconds past due (breached), or until due (negative). */
  overdueSeconds: number;
}

export interface UnitDeadlines {
  /** The unit's name, or the provider's central inbox while the client is placed nowhere. */
  unit: string;
  open: number;
  dueSoon: number;
  breached: number;
  deadlines: DeadlineItem[];
}

/** Deadlines grouped by the unit (or provider) their order is with; at most `limit` per status. */
export async function deadlinesPerUnit(
  deps: { store: DeadlineStore; registry: OrderRegistry; directory: InboxDirectory },
  now: number,
  limit: number,
): Promise<UnitDeadlines[]> {
  const units = new Map<string, UnitDeadlines>();
  const unitOfOrder = new Map<string, string>();
  for (const deadline of await openAndBreached(deps.store, limit)) {
    const phase = phaseOf(deadline, now);
    if (!phase) continue;
    let unit = unitOfOrder.get(deadline.orderId);
    if (unit === undefined) {
      const order = await deps.registry.find(deadline.orderId);
      const placed = order?.unitId ? deps.directory.unitById(order.unitId)?.unit.name : undefined;
      unit = placed ?? (order ? deps.directory.provider(order.providerId).name : '(okänd)');
      unitOfOrder.set(deadline.orderId, unit);
    }
    const group = units.get(unit) ?? { unit, open: 0, dueSoon: 0, breached: 0, deadlines: [] };
    units.set(unit, group);
    if (phase === 'open') group.open++;
    else if (phase === 'due-soon') group.dueSoon++;
    else group.breached++;
    group.deadlines.push({
      id: deadline.id, orderId: deadline.orderId, kind: deadline.kind, rule: deadline.rule, phase,
      ...(deadline.context.reference ? { reference: deadline.context.reference } : {}),
      dueAt: new Date(deadline.dueAt).toISOString(),
      ageSeconds: Math.round((now - deadline.openedAt) / 1000),
      overdueSeconds: Math.round((now - deadline.dueAt) / 1000),
    });
  }
  return [...units.values()].sort((a, b) => b.breached - a.breached || b.dueSoon - a.dueSoon || a.unit.localeCompare(b.unit, 'sv'));
}

/** Deliveries waiting per receiving system, and how long the oldest has waited since it was requested. */
export async function undelivered(store: TaskStore, systems: readonly string[], now: number): Promise<Array<{ system: string; waiting: number; oldestAgeSeconds: number }>> {
  return Promise.all(systems.map(async (system) => {
    const queue = deliveryQueueOf(system);
    const [waiting, sample] = await Promise.all([store.countTasks(queue), store.peekTasks(queue, QUEUE_SAMPLE)]);
    const oldest = Math.min(...sample.map((task) => Date.parse(queuedDeliveryOf(task).requestedAt)).filter(Number.isFinite));
    return { system, waiting, oldestAgeSeconds: Number.isFinite(oldest) ? Math.max(0, Math.round((now - oldest) / 1000)) : 0 };
  }));
}

export interface SystemFlow {
  system: string;
  /** Messages the connector took in (accepted) and refused, since this instance started. */
  received: number;
  refused: number;
  /** Deliveries the system took, and those that gave up (failed or rejected), since this instance started. */
  delivered: number;
  failed: number;
  retried: number;
  /** Deliveries waiting in its durable queue now (every instance's). */
  waiting: number;
  oldestUndeliveredSeconds: number;
}

async function sums<L extends string>(counter: Metrics['inbound'] | Metrics['deliveries'], by: (labels: Partial<Record<L, string | number>>) => string | undefined): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const { labels, value } of (await counter.get()).values) {
    const key = by(labels as Partial<Record<L, string | number>>);
    if (key !== undefined) totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return totals;
}

/** The flow per system: counters of this instance, queues of all. */
export async function flow(deps: { metrics: Metrics; store: TaskStore }, systems: readonly string[], now: number): Promise<SystemFlow[]> {
  const inbound = await sums<'connector' | 'outcome'>(deps.metrics.inbound, (l) => `${l.connector}|${l.outcome}`);
  const deliveries = await sums<'system' | 'outcome'>(deps.metrics.deliveries, (l) => `${l.system}|${l.outcome}`);
  const queues = await undelivered(deps.store, systems, now);
  return queues.map(({ system, waiting, oldestAgeSeconds }) => ({
    system,
    received: inbound.get(`${system}|accepted`) ?? 0,
    refused: inbound.get(`${system}|refused`) ?? 0,
    delivered: deliveries.get(`${system}|delivered`) ?? 0,
    failed: (deliveries.get(`${system}|failed`) ?? 0) + (deliveries.get(`${system}|rejected`) ?? 0),
    retried: deliveries.get(`${system}|retry`) ?? 0,
    waiting,
    oldestUndeliveredSeconds: oldestAgeSeconds,
  }));
}
