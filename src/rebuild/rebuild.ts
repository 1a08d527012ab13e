// `brygga rebuild`: restores everything the store holds that the log (the bus topics) can give
// back, after Redis or the embedded store was lost. The topics are replayed, in append order,
// through the live stages' own code (TraceProjector.project, the router's rememberOrderState,
// the deadline replay) into a scratch store; the result is compared with the real store and
// what the store lacks is written, so a store that is intact is left as it is. What the store
// holds that the log does not explain is reported, never removed.
import type { Bus, ConsumedRecord } from '../bus/bus.ts';
import type { SwedishCalendar } from '../calendar/calendar.ts';
import { fromBusRecord, type CloudEvent } from '../canonical/envelope.ts';
import { TOPICS } from '../canonical/event-types.ts';
import { systemClock, type Clock } from '../clock.ts';
import { readLog, rebuildDeadlines, type RebuildReport } from '../deadlines/rebuild.ts';
import type { DeadlineRule } from '../deadlines/rules.ts';
import type { InboxDirectory } from '../routing/inboxes.ts';
import { OrderRegistry } from '../routing/order-registry.ts';
import { rememberOrderState, ROUTED_TOPICS, summaryBefore } from '../routing/router.ts';
import type { Store } from '../store/store.ts';
import { TRACED_TOPICS, TraceProjector } from '../trace/projector.ts';
import { DeliveryLedger, requeuePending, type PendingDelivery } from './deliveries.ts';
import { ScratchKeyValues } from './scratch-store.ts';

/** Cause before effect, so records appended in the same millisecond replay in causal order. */
const TOPIC_ORDER = [TOPICS.orderEvents, TOPICS.providerReports, TOPICS.deadlineEvents, TOPICS.deliveryRequests, TOPICS.deliveryOutcomes];
const DELIVERY_TOPICS: string[] = [TOPICS.deliveryRequests, TOPICS.deliveryOutcomes];
const PROGRESS_EVERY = 10_000;

export const STORE_KINDS = ['traces', 'references', 'clients', 'orders', 'placements', 'delivered', 'failed'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];
/** Kinds whose values are ids only, safe to print; the others may hold personal data. */
const PRINTABLE: ReadonlySet<StoreKind> = new Set(['references', 'clients', 'placements', 'delivered']);

const KIND_OF_PREFIX: Record<string, StoreKind> = { trace: 'traces', ref: 'references', client: 'clients', order: 'orders', placement: 'placements' };

export interface KindReport {
  /** Keys the log gives. */
  expected: number;
  /** Keys the log gives that the store lacks (a trace: lacks some entries); restored unless dry run. */
  missing: string[];
  restored: number;
  /** In both, with another value: `key: store → log`. */
  different: string[];
  /** In the store but not derivable from the log. */
  unexplained: string[];
  /** The store lacks it but the log does not give its value. */
  unrestorable: string[];
}

export interface StoreRebuildReport {
  records: number;
  /** Records that are not Brygga events this version knows: `topic/partition@offset`; skipped. */
  unreadable: string[];
  kinds: Record<StoreKind, KindReport>;
  deadlines: RebuildReport;
  /** Deliveries requested with no final outcome (neither succeeded nor, since the last request, failed). */
  pending: PendingDelivery[];
  /** How many of them were put back in their delivery queue (never in a dry run). */
  requeued: number;
}

export interface StoreRebuildOptions {
  bus: Bus;
  store: Store;
  directory: InboxDirectory;
  rules: DeadlineRule[];
  calendar: SwedishCalendar;
  dryRun: boolean;
  clock?: Clock;
  progress?: (line: string) => void;
}

/** How many differences the rebuild could not restore; `brygga rebuild` exits 1 when any. */
export function unresolved(report: StoreRebuildReport): number {
  const kinds = Object.values(report.kinds).reduce((n, k) => n + k.different.length + k.unexplained.length + k.unrestorable.length, 0);
  return kinds + report.deadlines.different.length + report.deadlines.unexplained.length + report.unreadable.length;
}

const emptyKind = (): KindReport => ({ expected: 0, missing: [], restored: 0, different: [], unexplained: [], unrestorable: [] });

/** Replays the log through the live stages' projections into a scratch store. */
async function replay(bus: Bus, records: ConsumedRecord[], directory: InboxDirectory, progress: (line: string) => void) {
  const scratch = new ScratchKeyValues();
  const projector = new TraceProjector({ bus, kv: scratch });
  const registry = new OrderRegistry(scratch);
  const ledger = new DeliveryLedger();
  const unreadable: string[] = [];
  let done = 0;
  for (const record of records) {
    let event: CloudEvent;
    try {
      event = fromBusRecord(record);
    } catch {
      unreadable.push(`${record.topic}/${record.partition}@${record.offset}`);
      continue;
    }
    if (TRACED_TOPICS.includes(record.topic)) await projector.project(event);
    if (ROUTED_TOPICS.includes(record.topic)) await rememberOrderState(event, { registry, directory }, await summaryBefore(event, registry));
    if (DELIVERY_TOPICS.includes(record.topic)) ledger.apply(event);
    if (++done % PROGRESS_EVERY === 0) progress(`replayed ${done} of ${records.length} records`);
  }
  return { scratch, ledger, unreadable };
}

export async function rebuildStore(options: StoreRebuildOptions): Promise<StoreRebuildReport> {
  const { bus, store, directory, rules, calendar, dryRun } = options;
  const progress = options.progress ?? (() => undefined);
  const now = (options.clock ?? systemClock).now();
  progress(`reading ${TOPIC_ORDER.join(', ')}`);
  const records = await readLog(bus, TOPIC_ORDER);
  progress(`read ${records.length} records; replaying them`);
  const { scratch, ledger, unreadable } = await replay(bus, records, directory, progress);

  const kinds = Object.fromEntries(STORE_KINDS.map((k) => [k, emptyKind()])) as Record<StoreKind, KindReport>;
  let compared = 0;
  const tick = (): void => {
    if (++compared % PROGRESS_EVERY === 0) progress(`compared ${compared} keys with the store`);
  };

  const compareValue = async (kind: StoreKind, key: string, value: string, ttlMs?: number): Promise<void> => {
    const report = kinds[kind];
    report.expected++;
    const stored = await store.get(key);
    if (stored === undefined) {
      report.missing.push(key);
      if (!dryRun) {
        await store.set(key, value, ttlMs);
        report.restored++;
      }
    } else if (stored !== value) {
      report.different.push(PRINTABLE.has(kind) ? `${key}: ${stored} → ${value}` : `${key}: the stored value differs from the log's`);
    }
    tick();
  };
  const mustBeAbsent = async (kind: StoreKind, key: string, why: string): Promise<void> => {
    if ((await store.get(key)) !== undefined) kinds[kind].unexplained.push(`${key}: in the store, but ${why}`);
    tick();
  };

  // Delivered markers first: they are what keeps a restarted worker from sending twice.
  progress('comparing delivery records');
  for (const v of ledger.delivered(now)) await compareValue('delivered', v.key, v.value, v.ttlMs);
  const failed = ledger.failed(now);
  for (const v of failed.expected) await compareValue('failed', v.key, v.value, v.ttlMs);
  for (const key of failed.unmatched) {
    kinds.failed.expected++;
    if ((await store.get(key)) === undefined) kinds.failed.unrestorable.push(`${key}: the request that failed is not in the log`);
  }
  for (const key of ledger.cleared()) await mustBeAbsent('failed', key, 'the delivery got through later');

  progress('comparing traces, references, clients\' orders, order summaries and placements');
  for (const [key, entries] of scratch.lists) await compareList(key, entries);
  for (const [key, value] of scratch.values) await compareValue(kindOf(key), key, value);
  for (const key of scratch.deleted) await mustBeAbsent(kindOf(key), key, 'the log removed it');

  progress('rebuilding deadlines');
  const deadlines = await rebuildDeadlines({ bus, store, rules, calendar, dryRun, progress, records });

  const pending = ledger.pending();
  const requeued = dryRun ? 0 : await requeuePending(store, now, pending);
  return { records: records.length, unreadable, kinds, deadlines, pending, requeued };

  /**
   * A trace is a list read with repeated ids dropped, a client's orders a list of order ids:
   * restore the entries it lacks, in log order.
   */
  async function compareList(key: string, entries: string[]): Promise<void> {
    const report = kinds[kindOf(key)];
    report.expected++;
    const storedIds = new Set<string>();
    for (const line of await store.range(key)) storedIds.add(entryId(line) ?? line);
    const expectedIds = new Set<string>();
    const lacking: string[] = [];
    for (const line of entries) {
      const id = entryId(line) ?? line;
      expectedIds.add(id);
      if (!storedIds.has(id)) lacking.push(line);
    }
    for (const id of storedIds) if (!expectedIds.has(id)) report.unexplained.push(`${key}: entry ${id} is not in the log`);
    if (lacking.length > 0) {
      report.missing.push(lacking.length === entries.length ? key : `${key} (${lacking.length} of ${entries.length} entries)`);
      if (!dryRun) {
        for (const line of lacking) await store.append(key, line);
        report.restored++;
      }
    }
    tick();
  }
}

function kindOf(key: string): StoreKind {
  const kind = KIND_OF_PREFIX[key.slice(0, key.indexOf(':'))];
  if (!kind) throw new Error(`rebuild does not know the store key kind of '${key.slice(0, key.indexOf(':'))}'`);
  return kind;
}

/** A trace entry's id; undefined for a line that is not one (an order id in a client's list). */
function entryId(line: string): string | undefined {
  try {
    return (JSON.parse(line) as { id?: string }).id;
  } catch {
    return undefined;
  }
}

export type { PendingDelivery };
