// Rebuild: recomputes every deadline from the event log (the order events and the deadline
// service's own warnings and breaches, in the order they were appended) and compares it with
// the store, so a lost Redis loses nothing. Missing deadlines are restored through the store
// port's ordinary operations; other differences are reported for a person to look at.
import type { Bus, ConsumedRecord } from '../bus/bus.ts';
import { fromBusRecord } from '../canonical/envelope.ts';
import { EVENT_TYPES, TOPICS } from '../canonical/event-types.ts';
import type { SwedishCalendar } from '../calendar/calendar.ts';
import type { Deadline, DeadlineStatus, Store } from '../store/store.ts';
import { planDeadlineChanges } from './plan.ts';
import type { DeadlineRule } from './rules.ts';

const STATUSES: DeadlineStatus[] = ['open', 'met', 'breached', 'cancelled'];
const COMPARED = ['status', 'dueAt', 'warnAt', 'closedAt', 'closedBy', 'reason', 'warned'] as const;

export interface RebuildReport {
  orderEvents: number;
  deadlineEvents: number;
  expected: Record<DeadlineStatus, number>;
  /** In the log but not in the store (restored unless dry run). */
  missing: string[];
  /** In both, with different state: `id: field store → log`. */
  different: string[];
  /** In the store but not derivable from the log. */
  unexplained: string[];
  restored: number;
}

interface DeadlineEventData {
  deadlineId: string;
  closedAt?: string;
  dueAt: string;
}

/** The topics deadlines are derived from. */
export const DEADLINE_TOPICS: string[] = [TOPICS.orderEvents, TOPICS.deadlineEvents];

/**
 * Reads the topics and merges them by append time, so replay sees what the stages saw. Ties
 * keep the order of `topics`, which callers list cause before effect.
 */
export async function readLog(bus: Bus, topics: readonly string[]): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  for (const topic of topics) await bus.readAll(topic, (r) => void records.push(r));
  return records.sort((a, b) => a.timestamp - b.timestamp);
}

export function replayDeadlines(records: ConsumedRecord[], rules: DeadlineRule[], calendar: SwedishCalendar): Map<string, Deadline> {
  const deadlines = new Map<string, Deadline>();
  for (const record of records) {
    const event = fromBusRecord(record);
    if (record.topic === TOPICS.deadlineEvents) {
      const data = event.data as DeadlineEventData;
      const d = deadlines.get(data.deadlineId);
      if (d?.status !== 'open') continue;
      if (event.type === EVENT_TYPES.deadlineWarning) d.warned = true;
      if (event.type === EVENT_TYPES.deadlineBreached) {
        Object.assign(d, { status: 'breached', closedAt: Date.parse(data.closedAt ?? data.dueAt) });
      }
      continue;
    }
    for (const change of planDeadlineChanges(event, rules, calendar)) {
      if (change.action === 'open') {
        if (!deadlines.has(change.deadline.id)) deadlines.set(change.deadline.id, { ...change.deadline, status: 'open' });
        continue;
      }
      const d = deadlines.get(change.deadlineId);
      if (d?.status !== 'open') continue;
      Object.assign(d, { status: change.action === 'meet' ? 'met' : 'cancelled', closedAt: change.at, closedBy: event.id });
      if (change.reason) d.reason = change.reason;
    }
  }
  return deadlines;
}

/** Brings a deadline the store lacks into the state the log says, with the port's own steps. */
async function restore(store: Store, d: Deadline): Promise<void> {
  const { status: _status, warned: _warned, closedAt: _closedAt, closedBy: _closedBy, reason: _reason, ...opening } = d;
  await store.openDeadline(opening);
  if (d.warned) await store.completeTimer(d.id, 'warn', d.dueAt);
  if (d.status === 'met' || d.status === 'cancelled') await store.closeDeadline(d.id, d.status, d.closedAt!, d.closedBy!, d.reason);
  if (d.status === 'breached') await store.completeTimer(d.id, 'due', d.closedAt ?? d.dueAt);
}

function differences(stored: Deadline, expected: Deadline): string[] {
  return COMPARED.filter((field) => (stored[field] ?? false) !== (expected[field] ?? false)).map(
    (field) => `${expected.id}: ${field} ${String(stored[field])} → ${String(expected[field])}`,
  );
}

export async function rebuildDeadlines(options: {
  bus: Bus;
  store: Store;
  rules: DeadlineRule[];
  calendar: SwedishCalendar;
  dryRun: boolean;
  progress?: (line: string) => void;
  /** The log already read (by `brygga rebuild`); other topics' records are skipped. */
  records?: ConsumedRecord[];
}): Promise<RebuildReport> {
  const { bus, store, rules, calendar, dryRun } = options;
  const progress = options.progress ?? (() => undefined);
  if (!options.records) progress('reading the order and deadline topics');
  const records = options.records?.filter((r) => DEADLINE_TOPICS.includes(r.topic)) ?? (await readLog(bus, DEADLINE_TOPICS));
  const expected = replayDeadlines(records, rules, calendar);
  progress(`replayed ${records.length} records into ${expected.size} deadlines; comparing with the store`);

  const report: RebuildReport = {
    orderEvents: records.filter((r) => r.topic === TOPICS.orderEvents).length,
    deadlineEvents: records.filter((r) => r.topic === TOPICS.deadlineEvents).length,
    expected: { open: 0, met: 0, breached: 0, cancelled: 0 },
    missing: [],
    different: [],
    unexplained: [],
    restored: 0,
  };
  let compared = 0;
  for (const d of expected.values()) {
    report.expected[d.status]++;
    const stored = await store.getDeadline(d.id);
    if (!stored) {
      report.missing.push(d.id);
      if (!dryRun) {
        await restore(store, d);
        report.restored++;
      }
    } else {
      report.different.push(...differences(stored, d));
    }
    if (++compared % 10_000 === 0) progress(`compared ${compared} of ${expected.size}`);
  }
  for (const status of STATUSES) {
    const total = await store.countDeadlines(status);
    for (const stored of await store.listDeadlines(status, total)) if (!expected.has(stored.id)) report.unexplained.push(stored.id);
  }
  return report;
}
